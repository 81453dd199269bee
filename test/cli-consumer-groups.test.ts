/**
 * kafka-consumer-groups.sh (bin/kafka-consumer-groups.sh, i.e. `sluice consumer-groups`) against a
 * real node on 127.0.0.1 with real kafkajs consumers. Records are produced to known partitions so
 * every log end offset, committed offset and lag is known; each table is compared field by field
 * with consumer ids masked (checked against the ids kafkajs's admin reports). Covers --list,
 * --describe (offsets, members, state; empty, live and missing groups), --reset-offsets in every
 * scenario with --dry-run, --execute and neither (checking the committed offsets after), the refusal
 * to reset an active group, --delete-offsets, --delete of empty and non-empty groups, and bad flags.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { SLUICE_BIN, tempDir } from '@sluice/testkit';
import { startSingleNode } from './support/cluster.js';
import { coversExactly, startGroupConsumer, testKafka, type Delivery, type GroupConsumer } from './support/groups.js';
import { eventually } from './support/quorum.js';
import { run, type RunResult } from './support/run.js';

const TOOL = join(dirname(SLUICE_BIN), 'kafka-consumer-groups.sh');
const TOPIC = 'orders';
/** Record timestamps of partition 2: BASE_MS, BASE_MS + 1 s, ... (BASE_MS is 2020-09-13T12:26:40.000Z). */
const BASE_MS = 1_600_000_000_000;

let bootstrap = '';
const tool = (...args: string[]): Promise<RunResult> => run(TOOL, ['--bootstrap-server', bootstrap, ...args], { timeoutMs: 30_000 });

/** A table's rows (after the header), split on runs of spaces. */
function rows(stdout: string, header: string): string[][] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(header));
  assert.ok(at >= 1 && lines[at - 1] === '', `a blank line, then the header ${header}:\n${stdout}`);
  return lines.slice(at + 1).filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/));
}

async function committed(admin: Admin, groupId: string): Promise<number[]> {
  const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
  return [...topic!.partitions].sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

/**
 * Produces `count` records to one partition. With timestamps, one record per batch: the broker
 * looks timestamps up at batch granularity (see PartitionLog.offsetForTimestamp).
 */
async function produceTo(producer: Producer, partition: number, count: number, timestamp?: (i: number) => number): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) => ({ partition, value: `p${partition}-${i}`, ...(timestamp ? { timestamp: String(timestamp(i)) } : {}) }));
  if (!timestamp) {
    await producer.send({ topic: TOPIC, acks: -1, messages });
    return;
  }
  for (const message of messages) await producer.send({ topic: TOPIC, acks: -1, messages: [message] });
}

test('kafka-consumer-groups.sh: list, describe, reset, delete', { timeout: 240_000 }, async () => {
  const single = await startSingleNode(['group.initial.rebalance.delay.ms=0']);
  bootstrap = single.node.bootstrap;
  const kafka = testKafka(bootstrap, 'it-cg');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await produceTo(producer, 0, 10);
  await produceTo(producer, 1, 7);
  await produceTo(producer, 2, 5, (i) => BASE_MS + i * 1000);

  // Group "idle" reads everything and stops; 4 more records on partition 1 give it a lag of 4 there.
  const idleSink: Delivery[] = [];
  const idle = await startGroupConsumer(kafka, { groupId: 'idle', topic: TOPIC, name: 'idle', sink: idleSink });
  await eventually('idle read and committed all 22', 30_000, async () => idleSink.length >= 22 && (await committed(admin, 'idle')).join() === '10,7,5');
  await idle.stop();
  await produceTo(producer, 1, 4);

  // Group "live" has two members sharing the partitions, caught up.
  const liveSink: Delivery[] = [];
  const live: GroupConsumer[] = [];
  try {
    live.push(await startGroupConsumer(kafka, { groupId: 'live', topic: TOPIC, name: 'l1', sink: liveSink }));
    live.push(await startGroupConsumer(kafka, { groupId: 'live', topic: TOPIC, name: 'l2', sink: liveSink }));
    await eventually('live members split the partitions and caught up', 30_000, async () => coversExactly(live, 3) && (await committed(admin, 'live')).join() === '10,11,5');
    const liveMembers = (await admin.describeGroups(['live'])).groups[0]!.members;
    const memberIds = new Set(liveMembers.map((m) => m.memberId));
    assert.equal(memberIds.size, 2);

    await t_list();
    await t_describeOffsets(memberIds, live.map((m) => m.assigned()));
    await t_describeMembersAndState(memberIds, live.map((m) => m.assigned()));
    await t_missingGroupAndBadFlags();
    await t_reset(admin);
    await t_deleteOffsetsAndDelete(admin);
  } finally {
    // Stopped here, while the node still runs, so the consumers leave cleanly instead of retrying.
    await Promise.all(live.map((m) => m.stop()));
    await producer.disconnect();
    await admin.disconnect();
  }
});

async function t_list(): Promise<void> {
  const listed = await tool('--list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.stdout.trim().split('\n').sort(), ['idle', 'live']);
  const withStates = await tool('--list', '--state');
  assert.equal(withStates.code, 0, withStates.stderr);
  assert.equal(withStates.stdout, 'GROUP           STATE\nidle            Empty\nlive            Stable\n');
  const stableOnly = await tool('--list', '--state', 'stable');
  assert.equal(stableOnly.stdout, 'GROUP           STATE\nlive            Stable\n');
  const badState = await tool('--list', '--state', 'Asleep');
  assert.equal(badState.code, 1);
  assert.match(badState.stderr, /Invalid state list 'Asleep'\. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty/);
}

async function t_describeOffsets(memberIds: Set<string>, assigned: number[][]): Promise<void> {
  const idle = await tool('--describe', '--group', 'idle');
  assert.equal(idle.code, 0, idle.stderr);
  assert.equal(idle.stderr, "\nConsumer group 'idle' has no active members.\n");
  assert.ok(idle.stdout.startsWith('\nGROUP '), JSON.stringify(idle.stdout));
  assert.deepEqual(rows(idle.stdout, 'GROUP'), [
    ['idle', TOPIC, '0', '10', '10', '0', '-', '-', '-'],
    ['idle', TOPIC, '1', '7', '11', '4', '-', '-', '-'],
    ['idle', TOPIC, '2', '5', '5', '0', '-', '-', '-'],
  ]);

  // Live: one row per assigned partition, members with the most partitions first; ids masked.
  const both = await tool('--describe', '--group', 'live', '--group', 'idle', '--offsets');
  assert.equal(both.code, 0, both.stderr);
  const tables = both.stdout.split('\n\n').filter((t) => t.trim() !== '');
  assert.equal(tables.length, 2, both.stdout);
  const liveTable = `\n${tables[1]!}`;
  assert.ok(liveTable.split('\n')[1]!.startsWith('GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID'));
  const liveRows = rows(liveTable, 'GROUP');
  const ends = ['10', '11', '5'];
  const byMember = new Map<string, number[]>();
  for (const [group, topic, partition, current, end, lag, consumerId, host, clientId, ...rest] of liveRows) {
    assert.deepEqual([group, topic, current, end, lag, host, clientId, rest.length], ['live', TOPIC, ends[Number(partition)], ends[Number(partition)], '0', '/127.0.0.1', 'it-cg', 0]);
    assert.ok(memberIds.has(consumerId!), `consumer id ${consumerId} is a member`);
    byMember.set(consumerId!, [...(byMember.get(consumerId!) ?? []), Number(partition)]);
  }
  assert.deepEqual([...byMember.values()].map((p) => p.join()).sort(), assigned.map((p) => p.join()).sort());
  assert.ok([...byMember.values()][0]!.length >= [...byMember.values()][1]!.length, 'the member with more partitions first');
}

async function t_describeMembersAndState(memberIds: Set<string>, assigned: number[][]): Promise<void> {
  const members = await tool('--describe', '--group', 'live', '--members');
  assert.equal(members.code, 0, members.stderr);
  const memberRows = rows(members.stdout, 'GROUP           CONSUMER-ID');
  assert.deepEqual(memberRows.map(([g, id, host, client]) => [g, memberIds.has(id!), host, client]), [['live', true, '/127.0.0.1', 'it-cg'], ['live', true, '/127.0.0.1', 'it-cg']]);
  assert.deepEqual(memberRows.map((r) => Number(r[4])).sort(), assigned.map((p) => p.length).sort());

  const verbose = await tool('--describe', '--group', 'live', '--members', '--verbose');
  assert.equal(verbose.code, 0, verbose.stderr);
  assert.match(verbose.stdout, /#PARTITIONS {5}ASSIGNMENT\n/);
  const assignments = rows(verbose.stdout, 'GROUP').map((r) => r.slice(5).join(' '));
  assert.deepEqual(assignments.sort(), assigned.map((p) => `${TOPIC}(${p.join(',')})`).sort());

  const state = await tool('--describe', '--group', 'live', '--state');
  assert.equal(state.code, 0, state.stderr);
  const [stateRow] = rows(state.stdout, 'GROUP                     COORDINATOR (ID)');
  assert.deepEqual(stateRow, ['live', bootstrap, '(1)', 'RoundRobinAssigner', 'Stable', '2']);

  const emptyState = await tool('--describe', '--group', 'idle', '--state');
  assert.equal(emptyState.code, 0, emptyState.stderr);
  assert.equal(emptyState.stderr, "\nConsumer group 'idle' has no active members.\n");
  assert.deepEqual(rows(emptyState.stdout, 'GROUP')[0]!.slice(3), ['Empty', '0']);
  const emptyMembers = await tool('--describe', '--group', 'idle', '--members');
  assert.equal(emptyMembers.stdout, '', 'no member table for a group without members');

  const all = await tool('--describe', '--all-groups', '--state');
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(all.stdout.split('\n').filter((l) => /^(idle|live) /.test(l)).map((l) => l.split(' ')[0]), ['idle', 'live']);
}

async function t_missingGroupAndBadFlags(): Promise<void> {
  const missing = await tool('--describe', '--group', 'nope');
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "Error: Consumer group 'nope' does not exist.\n");
  assert.equal(missing.stdout, '');

  const noAction = await tool('--group', 'live');
  assert.notEqual(noAction.code, 0);
  assert.match(noAction.stderr, /Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets/);
  assert.match(noAction.stderr, /Options:[\s\S]*--bootstrap-server/, 'a usage error comes with the usage text, as in Kafka');
  const noGroup = await tool('--describe');
  assert.notEqual(noGroup.code, 0);
  assert.match(noGroup.stderr, /Option \[describe\] takes exactly one of these options: --group, --all-groups/);
  const noScenario = await tool('--reset-offsets', '--group', 'idle', '--all-topics');
  assert.notEqual(noScenario.code, 0);
  assert.match(noScenario.stderr, /takes exactly one of these scenarios: --to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, --from-file, --to-current, --to-offset/);
  const badDate = await tool('--reset-offsets', '--group', 'idle', '--all-topics', '--to-datetime', 'yesterday');
  assert.notEqual(badDate.code, 0);
  assert.match(badDate.stderr, /--to-datetime 'yesterday' is not YYYY-MM-DDTHH:mm:SS\.sss/);
  const unknown = await tool('--list', '--frobnicate');
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /Unknown argument: frobnicate/);

  const started = Date.now();
  const unreachable = await run(TOOL, ['--bootstrap-server', '127.0.0.1:1', '--list', '--timeout', '2000']);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^Error: Executing consumer group command failed due to could not connect to 127\.0\.0\.1:1/);
  assert.ok(Date.now() - started < 15_000);
}

/** Runs a reset and returns its plan rows (GROUP TOPIC PARTITION NEW-OFFSET). */
async function reset(...args: string[]): Promise<{ result: RunResult; plan: string[][] }> {
  const result = await tool('--reset-offsets', '--group', 'idle', ...args);
  assert.equal(result.code, 0, result.stderr);
  return { result, plan: rows(result.stdout, 'GROUP                          TOPIC                          PARTITION  NEW-OFFSET') };
}

const plan = (...offsets: [number, number][]): string[][] => offsets.map(([p, o]) => ['idle', TOPIC, String(p), String(o)]);

async function t_reset(admin: Admin): Promise<void> {
  const refused = await tool('--reset-offsets', '--group', 'live', '--all-topics', '--to-earliest', '--execute');
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, "Error: Assignments can only be reset if the group 'live' is inactive, but the current state is Stable.\n");
  assert.deepEqual(await committed(admin, 'live'), [10, 11, 5]);

  let r = await reset('--all-topics', '--to-earliest', '--dry-run');
  assert.deepEqual(r.plan, plan([0, 0], [1, 0], [2, 0]));
  assert.equal(r.result.stderr, '');
  assert.deepEqual(await committed(admin, 'idle'), [10, 7, 5], 'a dry run commits nothing');

  r = await reset('--all-topics', '--to-earliest');
  assert.match(r.result.stderr, /^WARN: No action will be performed as the --execute option is missing\./);
  assert.deepEqual(await committed(admin, 'idle'), [10, 7, 5], 'without --execute nothing is committed');

  r = await reset('--all-topics', '--to-earliest', '--execute');
  assert.deepEqual(r.plan, plan([0, 0], [1, 0], [2, 0]));
  assert.deepEqual(await committed(admin, 'idle'), [0, 0, 0]);

  r = await reset('--topic', TOPIC, '--to-latest', '--execute');
  assert.deepEqual(r.plan, plan([0, 10], [1, 11], [2, 5]));
  assert.deepEqual(await committed(admin, 'idle'), [10, 11, 5]);

  r = await reset('--topic', `${TOPIC}:0,2`, '--shift-by', '-3', '--execute');
  assert.deepEqual(r.plan, plan([0, 7], [2, 2]));
  assert.deepEqual(await committed(admin, 'idle'), [7, 11, 2]);

  r = await reset('--topic', `${TOPIC}:2`, '--shift-by', '-9', '--execute');
  assert.deepEqual(r.plan, plan([2, 0]), 'a shift below the log start is clamped');
  assert.match(r.result.stderr, /New offset \(-7\) is lower than earliest offset for topic partition orders-2\. Value will be set to 0/);

  r = await reset('--topic', `${TOPIC}:0`, '--to-offset', '1000', '--execute');
  assert.deepEqual(r.plan, plan([0, 10]), 'an offset past the log end is clamped');
  assert.match(r.result.stderr, /New offset \(1000\) is higher than latest offset for topic partition orders-0\. Value will be set to 10/);
  r = await reset('--topic', `${TOPIC}:0`, '--to-offset', '4', '--execute');
  assert.deepEqual(r.plan, plan([0, 4]));
  assert.deepEqual(await committed(admin, 'idle'), [4, 11, 0]);

  r = await reset('--topic', `${TOPIC}:2`, '--to-datetime', '2020-09-13T12:26:42.000Z', '--execute');
  assert.deepEqual(r.plan, plan([2, 2]), 'the first record at or after the time');
  r = await reset('--topic', `${TOPIC}:2`, '--to-datetime', '2020-09-13T13:26:43.500+01:00', '--dry-run');
  assert.deepEqual(r.plan, plan([2, 4]), 'a zone offset moves the time');
  r = await reset('--topic', `${TOPIC}:2`, '--to-datetime', '2999-01-01T00:00:00.000Z', '--dry-run');
  assert.deepEqual(r.plan, plan([2, 5]), 'a time after every record gives the log end');
  r = await reset('--all-topics', '--to-current', '--dry-run');
  assert.deepEqual(r.plan, plan([0, 4], [1, 11], [2, 2]));
  assert.deepEqual(await committed(admin, 'idle'), [4, 11, 2]);

  // --export writes the plan as CSV; --from-file puts those offsets back, as written.
  const exported = await tool('--reset-offsets', '--group', 'idle', '--all-topics', '--to-current', '--export', '--dry-run');
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stdout, `${TOPIC},0,4\n${TOPIC},1,11\n${TOPIC},2,2\n\n`);
  const dir = tempDir('sluice-reset-csv-');
  try {
    const file = join(dir.path, 'plan.csv');
    writeFileSync(file, exported.stdout);
    await reset('--all-topics', '--to-earliest', '--execute');
    assert.deepEqual(await committed(admin, 'idle'), [0, 0, 0]);
    r = await reset('--from-file', file, '--execute');
    assert.deepEqual(r.plan, plan([0, 4], [1, 11], [2, 2]));
    assert.deepEqual(await committed(admin, 'idle'), [4, 11, 2]);
    writeFileSync(file, `${TOPIC},zero,1\n`);
    const bad = await tool('--reset-offsets', '--group', 'idle', '--from-file', file, '--execute');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--from-file line 1 'orders,zero,1' is not TOPIC,PARTITION,OFFSET or GROUP,TOPIC,PARTITION,OFFSET/);
  } finally {
    dir.remove();
  }

  const describe = await tool('--describe', '--group', 'idle');
  assert.deepEqual(rows(describe.stdout, 'GROUP').map((row) => row.slice(2, 6)), [['0', '4', '10', '6'], ['1', '11', '11', '0'], ['2', '2', '5', '3']]);
}

async function t_deleteOffsetsAndDelete(admin: Admin): Promise<void> {
  const subscribed = await tool('--delete-offsets', '--group', 'live', '--topic', TOPIC);
  assert.equal(subscribed.code, 1);
  assert.equal(subscribed.stderr, 'Error: Encounter some partition level error, see the follow-up details:\n');
  assert.deepEqual(rows(subscribed.stdout, 'TOPIC').map((r) => r.join(' ')), [0, 1, 2].map((p) => `${TOPIC} ${p} Error: The consumer group is actively subscribed to the topic`));
  assert.deepEqual(await committed(admin, 'live'), [10, 11, 5]);

  const deletedOffsets = await tool('--delete-offsets', '--group', 'idle', '--topic', `${TOPIC}:0`);
  assert.equal(deletedOffsets.code, 0, deletedOffsets.stderr);
  assert.match(deletedOffsets.stdout, /^Request succeed for deleting offsets with topic orders:0 group idle\n/);
  assert.deepEqual(rows(deletedOffsets.stdout, 'TOPIC'), [[TOPIC, '0', 'Successful']]);
  assert.deepEqual(await committed(admin, 'idle'), [-1, 11, 2]);

  const nonEmpty = await tool('--delete', '--group', 'live');
  assert.equal(nonEmpty.code, 1);
  assert.equal(nonEmpty.stderr, 'Error: Deletion of some consumer groups failed:\n');
  assert.equal(nonEmpty.stdout, "* Group 'live' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n");

  const deleted = await tool('--delete', '--group', 'idle');
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, "Deletion of requested consumer groups ('idle') was successful.\n");
  const listed = await tool('--list');
  assert.deepEqual(listed.stdout.trim().split('\n'), ['live']);
  const gone = await tool('--describe', '--group', 'idle');
  assert.equal(gone.stderr, "Error: Consumer group 'idle' does not exist.\n");
}
