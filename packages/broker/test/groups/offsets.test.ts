/**
 * Proves the offset and admin rules of the group coordinator core (commit checks, fetch,
 * delete, describe, list, DeleteGroups, coordinator ownership) and that replaying the records
 * it returned rebuilds the same offsets and group metadata.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCoordinatorState, GroupErrorCode as E, offsetsPartitionFor, type GroupRecord } from '../../src/groups/core/index.js';
import { bytes, commitStored, joinNew, joinOf, newCoordinator, subscription } from './helpers.js';

const commit = (topic: string, partition: number, offset: bigint, leaderEpoch = -1, metadata: string | null = null) => ({ topic, partition, offset, leaderEpoch, metadata });
const codes = (r: { results: { errorCode: number }[] }) => r.results.map((x) => x.errorCode);

test('simple consumer: generation -1 and empty member id commit to a group with no members; fetch returns offset, metadata, leader epoch and -1 when none', () => {
  const coord = newCoordinator();
  const out = commitStored(coord, 'simple', { generationId: -1, memberId: '', offsets: [commit('t', 0, 42n, 3, 'm'), commit('t', 1, 7n)] }, 1000);
  assert.deepEqual(codes(out), [E.NONE, E.NONE]);
  assert.equal(out.records.length, 2);
  const fetched = coord.fetchOffsets('simple', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }]);
  assert.deepEqual(fetched.partitions.map((p) => [p.offset, p.leaderEpoch, p.metadata]), [[42n, 3, 'm'], [7n, -1, ''], [-1n, -1, '']]);
  assert.equal(coord.fetchOffsets('simple', null).partitions.length, 2);
  assert.deepEqual(coord.fetchOffsets('nobody', [{ topic: 't', partition: 0 }]).partitions.map((p) => p.offset), [-1n]);
});

test('a commit becomes visible to OffsetFetch only once its records are stored', () => {
  const coord = newCoordinator();
  commitStored(coord, 'g', { generationId: -1, memberId: '', offsets: [commit('t', 0, 5n)] }, 0);
  const pending = coord.commitOffsets('g', { generationId: -1, memberId: '', offsets: [commit('t', 0, 9n)] }, 10);
  assert.deepEqual(codes(pending), [E.NONE]);
  assert.deepEqual(coord.fetchOffsets('g', [{ topic: 't', partition: 0 }]).partitions.map((p) => p.offset), [5n], 'not stored yet: the durable offset');
  coord.offsetsSettled(pending.records, true);
  assert.deepEqual(coord.fetchOffsets('g', [{ topic: 't', partition: 0 }]).partitions.map((p) => p.offset), [9n]);
});

test('a pending commit keeps its new group from expiring; a deletion while it is pending cancels it, with a tombstone', () => {
  const coord = newCoordinator();
  const pending = coord.commitOffsets('fresh', { generationId: -1, memberId: '', offsets: [commit('t', 0, 7n)] }, 0);
  const expiry = coord.expireOffsets(10 ** 12, 1000);
  assert.deepEqual(expiry.records, [], 'nothing expires or dies while the commit is written');
  coord.offsetsSettled(pending.records, true);
  assert.deepEqual(coord.fetchOffsets('fresh', [{ topic: 't', partition: 0 }]).partitions.map((p) => p.offset), [7n]);

  const next = coord.commitOffsets('fresh', { generationId: -1, memberId: '', offsets: [commit('u', 0, 3n)] }, 0);
  const deleted = coord.deleteOffsets('fresh', [{ topic: 'u', partition: 0 }]);
  assert.deepEqual(deleted.records.map((r) => r.kind), ['offset-tombstone'], 'the log gets the deletion after the commit');
  coord.offsetsSettled(next.records, true);
  assert.deepEqual(coord.fetchOffsets('fresh', [{ topic: 'u', partition: 0 }]).partitions.map((p) => p.offset), [-1n], 'as the log says');

  const failed = coord.commitOffsets('fresh', { generationId: -1, memberId: '', offsets: [commit('t', 0, 9n)] }, 0);
  coord.offsetsSettled(failed.records, false);
  assert.deepEqual(coord.fetchOffsets('fresh', [{ topic: 't', partition: 0 }]).partitions.map((p) => p.offset), [7n], 'a write that failed changes nothing');
  assert.ok(coord.expireOffsets(10 ** 12, 1000).records.length > 0, 'and no longer holds expiry back');
});

test('commit checks: unknown group with a generation → ILLEGAL_GENERATION; member and generation must match; CompletingRebalance → REBALANCE_IN_PROGRESS', () => {
  const coord = newCoordinator();
  assert.deepEqual(codes(commitStored(coord, 'g', { generationId: 1, memberId: 'x', offsets: [commit('t', 0, 1n)] }, 0)), [E.ILLEGAL_GENERATION]);
  const a = joinNew(coord, 1, 0);
  const gen = joinOf(a.out, 1).generationId;
  const c = (generationId: number, memberId: string) => codes(commitStored(coord, 'g', { generationId, memberId, offsets: [commit('t', 0, 5n)] }, 10));
  assert.deepEqual(c(gen, a.memberId), [E.REBALANCE_IN_PROGRESS], 'CompletingRebalance');
  coord.sync({ groupId: 'g', generationId: gen, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }, 2, 5);
  assert.deepEqual(c(gen, a.memberId), [E.NONE]);
  assert.deepEqual(c(gen + 1, a.memberId), [E.ILLEGAL_GENERATION]);
  assert.deepEqual(c(gen, 'ghost'), [E.UNKNOWN_MEMBER_ID]);
  assert.deepEqual(c(-1, ''), [E.UNKNOWN_MEMBER_ID], 'generation -1 is only for a group with no members');
  assert.deepEqual(codes(commitStored(coord, 'g', { generationId: gen, memberId: a.memberId, offsets: [commit('t', 0, 5n, -1, 'x'.repeat(4097))] }, 10)), [E.OFFSET_METADATA_TOO_LARGE]);
});

test('OffsetDelete: allowed for topics the group does not subscribe to, GROUP_SUBSCRIBED_TO_TOPIC otherwise, GROUP_ID_NOT_FOUND for an unknown group', () => {
  const coord = newCoordinator();
  commitStored(coord, 'g', { generationId: -1, memberId: '', offsets: [commit('t', 0, 1n), commit('u', 0, 2n)] }, 0);
  joinNew(coord, 1, 0, { protocols: [{ name: 'range', metadata: subscription('t') }] });
  const out = coord.deleteOffsets('g', [{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }]);
  assert.deepEqual(codes(out), [E.GROUP_SUBSCRIBED_TO_TOPIC, E.NONE]);
  assert.deepEqual(out.records, [{ kind: 'offset-tombstone', groupId: 'g', topic: 'u', partition: 0 }]);
  assert.equal(coord.fetchOffsets('g', [{ topic: 'u', partition: 0 }]).partitions[0]?.offset, -1n);
  assert.equal(coord.deleteOffsets('none', []).errorCode, E.GROUP_ID_NOT_FOUND);
});

test('describe and list: state, protocol type, protocol and members with client id, host, metadata and assignment', () => {
  const coord = newCoordinator();
  const a = joinNew(coord, 1, 0, { clientId: 'cli' });
  coord.sync({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: bytes('A') }] }, 2, 0);
  const [d] = coord.describe(['g', 'missing']);
  assert.equal(d?.group.state, 'Stable');
  assert.equal(d?.group.protocolType, 'consumer');
  assert.equal(d?.group.protocolName, 'range');
  assert.deepEqual(d?.group.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.assignment]), [[a.memberId, 'cli', '/127.0.0.1', bytes('A')]]);
  assert.equal(coord.describe(['missing'])[0]?.group.state, 'Dead');
  assert.deepEqual(coord.list(), [{ groupId: 'g', protocolType: 'consumer', state: 'Stable' }]);
  assert.deepEqual(coord.list(['Empty']), []);
});

test('DeleteGroups: NON_EMPTY_GROUP unless Empty, GROUP_ID_NOT_FOUND when absent; deletion tombstones offsets and the group', () => {
  const coord = newCoordinator();
  joinNew(coord, 1, 0);
  commitStored(coord, 's', { generationId: -1, memberId: '', offsets: [commit('t', 0, 1n)] }, 0);
  const out = coord.deleteGroups(['g', 's', 'zz']);
  assert.deepEqual(out.results.map((r) => r.errorCode), [E.NON_EMPTY_GROUP, E.NONE, E.GROUP_ID_NOT_FOUND]);
  assert.deepEqual(out.records.map((r) => r.kind), ['offset-tombstone', 'group-tombstone']);
  assert.equal(coord.group('s'), undefined);
});

test('ownership: NOT_COORDINATOR for a partition this broker does not lead, COORDINATOR_LOAD_IN_PROGRESS while loading; partitionFor matches Kafka', () => {
  assert.equal(offsetsPartitionFor('console-consumer-group', 50), Math.abs(hashJava('console-consumer-group')) % 50);
  const p = offsetsPartitionFor('g', 50);
  const coord = new GroupCoordinatorState({ newMemberId: (c) => `${c}-x`, ownedPartitions: [] });
  assert.equal(coord.coordinatorError('g'), E.NOT_COORDINATOR);
  coord.beginLoading(p);
  assert.equal(coord.fetchOffsets('g', null).errorCode, E.COORDINATOR_LOAD_IN_PROGRESS);
  coord.completeLoading(p, [{ kind: 'offset-commit', groupId: 'g', topic: 't', partition: 0, offset: 9n, leaderEpoch: 1, metadata: '', commitTimestampMs: 0 }], 0);
  assert.equal(coord.fetchOffsets('g', null).partitions[0]?.offset, 9n);
});

function hashJava(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

test('replay of the returned records rebuilds the same offsets and group metadata; the group comes back Stable and serves its members', () => {
  const coord = newCoordinator();
  const log: GroupRecord[] = [];
  const a = joinNew(coord, 1, 0, { clientId: 'a', groupInstanceId: null });
  log.push(...coord.sync({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: bytes('A') }] }, 2, 0).records);
  log.push(...commitStored(coord, 'g', { generationId: 1, memberId: a.memberId, offsets: [commit('t', 0, 10n, 2, 'x'), commit('t', 1, 11n)] }, 5).records);
  log.push(...commitStored(coord, 'g', { generationId: 1, memberId: a.memberId, offsets: [commit('t', 0, 12n, 2, 'y')] }, 6).records);
  log.push(...commitStored(coord, 's', { generationId: -1, memberId: '', offsets: [commit('u', 0, 1n)] }, 7).records);
  log.push(...coord.deleteGroups(['s']).records);
  const copy = GroupCoordinatorState.replay(log, { newMemberId: (c) => `${c}-r`, nowMs: 100 });
  assert.deepEqual(copy.fetchOffsets('g', null), coord.fetchOffsets('g', null));
  assert.deepEqual(copy.describe(['g', 's']), coord.describe(['g', 's']));
  assert.equal(copy.group('g')?.generationId, 1);
  assert.equal(copy.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: null }, 1, 200).completions[0]?.kind, 'heartbeat');
  const hbOut = copy.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: null }, 1, 200).completions[0];
  assert.ok(hbOut?.kind === 'heartbeat' && hbOut.result.errorCode === E.NONE);
});
