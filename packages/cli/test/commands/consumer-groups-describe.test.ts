/**
 * Proves the --describe offsets rows follow Kafka's rules: members with the most partitions first,
 * partitions committed but unassigned shown with `-` for the member, lag only when both offsets
 * are known, members without partitions left out; and Kafka's notes for empty, rebalancing and
 * missing groups.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noteState, offsetRows, type GroupMember } from '../../src/commands/consumer-groups-describe.js';
import { topicPartitionKey } from '../../src/kafka/consumer-protocol.js';
import type { CommittedOffset } from '../../src/kafka/group-admin.js';

const key = (topic: string, partition: number): string => topicPartitionKey({ topic, partition });
const offset = (topic: string, partition: number, at: bigint): [string, CommittedOffset] => [key(topic, partition), { tp: { topic, partition }, offset: at }];
const member = (id: string, partitions: number[]): GroupMember => ({
  consumerId: id, groupInstanceId: null, host: '/127.0.0.1', clientId: 'app', assignment: partitions.map((partition) => ({ topic: 't', partition })),
});

test('rows: biggest member first, then unassigned committed partitions', () => {
  const rows = offsetRows({
    group: 'g',
    members: [member('small', [2]), member('big', [0, 1]), member('idle', [])],
    committed: new Map([offset('t', 0, 3n), offset('t', 2, 1n), offset('u', 0, 7n)]),
    logEnd: new Map([[key('t', 0), 5n], [key('t', 1), 4n], [key('t', 2), 1n], [key('u', 0), 9n]]),
  });
  assert.deepEqual(rows.map((r) => [r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId]), [
    ['t', 0, 3n, 5n, 2n, 'big'],
    ['t', 1, undefined, 4n, undefined, 'big'],
    ['t', 2, 1n, 1n, 0n, 'small'],
    ['u', 0, 7n, 9n, 2n, undefined],
  ]);
});

test('an empty group with no offsets has no rows; a missing log end leaves lag unknown', () => {
  assert.deepEqual(offsetRows({ group: 'g', members: [], committed: new Map(), logEnd: new Map() }), []);
  const [row] = offsetRows({ group: 'g', members: [], committed: new Map([offset('t', 0, 3n)]), logEnd: new Map() });
  assert.deepEqual([row!.currentOffset, row!.logEndOffset, row!.lag], [3n, undefined, undefined]);
});

test("Kafka's notes per state", () => {
  const notes: string[] = [];
  const output = { out: (t: string) => notes.push(`out:${t}`), err: (t: string) => notes.push(`err:${t}`) };
  assert.equal(noteState('g', 'Dead', output), false);
  assert.equal(noteState('g', 'Empty', output), true);
  assert.equal(noteState('g', 'PreparingRebalance', output), true);
  assert.equal(noteState('g', 'CompletingRebalance', output), true);
  assert.equal(noteState('g', 'Stable', output), true);
  assert.deepEqual(notes, [
    "err:Error: Consumer group 'g' does not exist.\n",
    "err:\nConsumer group 'g' has no active members.\n",
    "err:\nWarning: Consumer group 'g' is rebalancing.\n",
    "err:\nWarning: Consumer group 'g' is rebalancing.\n",
  ]);
});
