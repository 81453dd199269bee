/**
 * Offset expiry (offsets.retention.minutes, KIP-211) in the group coordinator core: an Empty group
 * keeps its offsets for the retention period counted from when it became empty (or from the
 * commit, if later), a group with members loses only offsets of topics nobody subscribes to, and
 * an Empty group left with no offset is deleted with a tombstone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCoordinatorState, type GroupRecord } from '../../src/groups/core/index.js';
import { commitStored, joinNew, joinOf, newCoordinator, subscription } from './helpers.js';

const RETENTION = 60_000;
const commit = (topic: string, partition: number, offset: bigint) => ({ topic, partition, offset, leaderEpoch: -1, metadata: null });
const kinds = (records: readonly GroupRecord[]) => records.map((r) => r.kind === 'offset-tombstone' ? `${r.kind}:${r.topic}-${r.partition}` : r.kind);

test('simple-consumer offsets expire retention after their commit; the emptied group goes with them', () => {
  const coord = newCoordinator();
  commitStored(coord, 'g', { generationId: -1, memberId: '', offsets: [commit('t', 0, 5n)] }, 1000);
  commitStored(coord, 'g', { generationId: -1, memberId: '', offsets: [commit('t', 1, 6n)] }, 30_000);
  assert.deepEqual(coord.expireOffsets(1000 + RETENTION - 1, RETENTION).records, []);
  assert.deepEqual(kinds(coord.expireOffsets(1000 + RETENTION, RETENTION).records), ['offset-tombstone:t-0']);
  assert.equal(coord.fetchOffsets('g', [{ topic: 't', partition: 1 }]).partitions[0]?.offset, 6n);
  assert.deepEqual(kinds(coord.expireOffsets(30_000 + RETENTION, RETENTION).records), ['offset-tombstone:t-1', 'group-tombstone']);
  assert.equal(coord.group('g'), undefined);
});

test('a group with members keeps offsets of subscribed topics however old, and loses the others by commit time', () => {
  const coord = newCoordinator();
  const a = joinNew(coord, 1, 0, { protocols: [{ name: 'range', metadata: subscription('t') }] });
  const gen = joinOf(a.out, 1).generationId;
  coord.sync({ groupId: 'g', generationId: gen, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }, 2, 0);
  commitStored(coord, 'g', { generationId: gen, memberId: a.memberId, offsets: [commit('t', 0, 1n), commit('old', 0, 2n)] }, 0);
  coord.heartbeat({ groupId: 'g', generationId: gen, memberId: a.memberId, groupInstanceId: null }, 3, RETENTION);
  const out = coord.expireOffsets(RETENTION, RETENTION);
  assert.deepEqual(kinds(out.records), ['offset-tombstone:old-0']);
  assert.equal(coord.fetchOffsets('g', [{ topic: 't', partition: 0 }]).partitions[0]?.offset, 1n);
});

test('an Empty group counts retention from when it became empty, not from its old commits', () => {
  const coord = newCoordinator();
  const a = joinNew(coord, 1, 0, { sessionTimeoutMs: 10_000 });
  const gen = joinOf(a.out, 1).generationId;
  coord.sync({ groupId: 'g', generationId: gen, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }, 2, 0);
  commitStored(coord, 'g', { generationId: gen, memberId: a.memberId, offsets: [commit('t', 0, 9n)] }, 0);
  coord.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] }, 3, 100_000);
  coord.tick(100_000);
  assert.equal(coord.group('g')?.state, 'Empty');
  assert.deepEqual(coord.expireOffsets(100_000 + RETENTION - 1, RETENTION).records, [], 'the commit is old, but the group only just emptied');
  assert.deepEqual(kinds(coord.expireOffsets(100_000 + RETENTION, RETENTION).records), ['offset-tombstone:t-0', 'group-tombstone']);
});

test('expiry replays: the tombstones it wrote rebuild a coordinator without the expired offsets', () => {
  const coord = newCoordinator();
  const records: GroupRecord[] = [];
  records.push(...commitStored(coord, 'g', { generationId: -1, memberId: '', offsets: [commit('t', 0, 1n), commit('t', 1, 2n)] }, 0).records);
  records.push(...commitStored(coord, 'g', { generationId: -1, memberId: '', offsets: [commit('t', 1, 3n)] }, 50_000).records);
  records.push(...coord.expireOffsets(RETENTION, RETENTION).records);
  const replayed = GroupCoordinatorState.replay(records, { newMemberId: () => 'x', nowMs: RETENTION });
  assert.deepEqual(replayed.fetchOffsets('g', null).partitions.map((p) => [p.partition, p.offset]), [[1, 3n]]);
});
