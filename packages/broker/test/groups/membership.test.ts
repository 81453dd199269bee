/**
 * Proves the classic group protocol rules of the pure coordinator core, one test per rule, by
 * driving `GroupCoordinatorState` with join/sync/heartbeat/leave/tick and explicit times, the
 * way kafkajs, kafka-python and librdkafka talk to a Kafka coordinator.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupErrorCode as E } from '../../src/groups/core/index.js';
import { bytes, hbCode, joinNew, joinOf, joinReq, newCoordinator, subscription, syncOf, text } from './helpers.js';

const hb = (memberId: string, generationId: number, groupInstanceId: string | null = null) => ({ groupId: 'g', memberId, generationId, groupInstanceId });
const syncReq = (memberId: string, generationId: number, assignments: { memberId: string; assignment: Uint8Array }[] = [], groupInstanceId: string | null = null) =>
  ({ groupId: 'g', memberId, generationId, groupInstanceId, protocolType: null, protocolName: null, assignments });

/** Two members joined and synced to a Stable generation; returns their ids and the generation. */
function stableTwo() {
  const coord = newCoordinator();
  const a = joinNew(coord, 1, 0, { clientId: 'a' });
  const ja = joinOf(a.out, 1);
  coord.sync(syncReq(a.memberId, ja.generationId, [{ memberId: a.memberId, assignment: bytes('A') }]), 2, 0);
  const b = joinNew(coord, 3, 10, { clientId: 'b' });
  assert.equal(b.out.completions.length, 0, 'second member waits for the first to rejoin');
  assert.equal(hbCode(coord.heartbeat(hb(a.memberId, ja.generationId), 4, 20)), E.REBALANCE_IN_PROGRESS);
  const rejoin = coord.join(joinReq({ memberId: a.memberId, clientId: 'a' }), 5, 30);
  const gen = joinOf(rejoin, 5).generationId;
  coord.sync(syncReq(b.memberId, gen), 6, 40);
  coord.sync(syncReq(a.memberId, gen, [{ memberId: a.memberId, assignment: bytes('A2') }, { memberId: b.memberId, assignment: bytes('B2') }]), 7, 40);
  return { coord, a: a.memberId, b: b.memberId, gen };
}

test('client flow: empty member id → MEMBER_ID_REQUIRED → rejoin → leader gets members → sync → heartbeat Stable', () => {
  const coord = newCoordinator();
  const first = joinOf(coord.join(joinReq({ clientId: 'kafkajs' }), 1, 0), 1);
  assert.equal(first.errorCode, E.MEMBER_ID_REQUIRED);
  assert.equal(first.memberId, 'kafkajs-1');
  const join = joinOf(coord.join(joinReq({ memberId: first.memberId, clientId: 'kafkajs' }), 2, 5), 2);
  assert.equal(join.errorCode, E.NONE);
  assert.equal(join.generationId, 1);
  assert.equal(join.leader, first.memberId);
  assert.equal(join.protocolName, 'range');
  assert.deepEqual(join.members.map((m) => m.memberId), [first.memberId]);
  const sync = coord.sync(syncReq(first.memberId, 1, [{ memberId: first.memberId, assignment: bytes('all') }]), 3, 6);
  assert.equal(text(syncOf(sync, 3).assignment), 'all');
  assert.equal(sync.records[0]?.kind, 'group-metadata');
  assert.equal(coord.group('g')?.state, 'Stable');
  assert.equal(hbCode(coord.heartbeat(hb(first.memberId, 1), 4, 1000)), E.NONE);
});

test('JoinGroup v0–3 (kafka-python v2) joins directly without MEMBER_ID_REQUIRED', () => {
  const coord = newCoordinator();
  const join = joinOf(coord.join(joinReq({ apiVersion: 2 }), 1, 0), 1);
  assert.equal(join.errorCode, E.NONE);
  assert.equal(join.memberId, 'c-1');
});

test('a second member triggers REBALANCE_IN_PROGRESS on the first member\'s heartbeat; both rejoin; followers wait for the leader\'s sync', () => {
  const coord = newCoordinator();
  const a = joinNew(coord, 1, 0, { clientId: 'a' });
  coord.sync(syncReq(a.memberId, 1, [{ memberId: a.memberId, assignment: bytes('A') }]), 2, 0);
  const b = joinNew(coord, 3, 10, { clientId: 'b' });
  assert.equal(b.out.completions.length, 0);
  assert.equal(hbCode(coord.heartbeat(hb(a.memberId, 1), 4, 20)), E.REBALANCE_IN_PROGRESS);
  const out = coord.join(joinReq({ memberId: a.memberId, clientId: 'a' }), 5, 30);
  const ja = joinOf(out, 5);
  const jb = joinOf(out, 3);
  assert.equal(ja.generationId, 2);
  assert.equal(jb.generationId, 2);
  assert.equal(ja.leader, a.memberId);
  assert.equal(ja.members.length, 2);
  assert.equal(jb.members.length, 0, 'only the leader receives member metadata');
  assert.equal(coord.sync(syncReq(b.memberId, 2), 6, 40).completions.length, 0, 'follower sync waits');
  const done = coord.sync(syncReq(a.memberId, 2, [{ memberId: a.memberId, assignment: bytes('A2') }, { memberId: b.memberId, assignment: bytes('B2') }]), 7, 41);
  assert.equal(text(syncOf(done, 6).assignment), 'B2');
  assert.equal(text(syncOf(done, 7).assignment), 'A2');
  assert.equal(hbCode(coord.heartbeat(hb(b.memberId, 2), 8, 50)), E.NONE);
});

test('heartbeat errors: ILLEGAL_GENERATION for an old generation, UNKNOWN_MEMBER_ID for a stranger', () => {
  const { coord, a, gen } = stableTwo();
  assert.equal(hbCode(coord.heartbeat(hb(a, gen - 1), 1, 100)), E.ILLEGAL_GENERATION);
  assert.equal(hbCode(coord.heartbeat(hb('nobody', gen), 2, 100)), E.UNKNOWN_MEMBER_ID);
  assert.equal(hbCode(coord.heartbeat({ ...hb('x', 1), groupId: 'other' }, 3, 100)), E.UNKNOWN_MEMBER_ID);
});

test('a member that stops heartbeating is removed after its session timeout and the group rebalances', () => {
  const { coord, a, b, gen } = stableTwo();
  for (let t = 1000; t <= 30_000; t += 1000) assert.equal(hbCode(coord.heartbeat(hb(a, gen), t, t)), E.NONE);
  const out = coord.tick(30_040);
  assert.equal(out.completions.length, 0);
  assert.deepEqual(coord.group('g')?.memberIds(), [a]);
  assert.equal(coord.group('g')?.state, 'PreparingRebalance');
  assert.equal(hbCode(coord.heartbeat(hb(a, gen), 9, 30_050)), E.REBALANCE_IN_PROGRESS);
  const rejoin = joinOf(coord.join(joinReq({ memberId: a, clientId: 'a' }), 10, 30_060), 10);
  assert.equal(rejoin.generationId, gen + 1);
  assert.deepEqual(rejoin.members.map((m) => m.memberId), [a]);
  assert.ok(!coord.group('g')?.memberIds().includes(b));
});

test('members that do not rejoin before the rebalance timeout are removed and the join completes', () => {
  const { coord, a, b, gen } = stableTwo();
  const out = coord.join(joinReq({ memberId: a, clientId: 'a', protocols: [{ name: 'range', metadata: subscription('t', 'u') }] }), 1, 100);
  assert.equal(out.completions.length, 0, 'waits for b');
  // b keeps heartbeating (so its session stays alive) but never rejoins.
  assert.equal(hbCode(coord.heartbeat(hb(b, gen), 2, 30_000)), E.REBALANCE_IN_PROGRESS);
  assert.equal(hbCode(coord.heartbeat(hb(b, gen), 2, 55_000)), E.REBALANCE_IN_PROGRESS);
  assert.equal(coord.tick(60_099).completions.length, 0);
  const done = coord.tick(60_100);
  const ja = joinOf(done, 1);
  assert.equal(ja.generationId, gen + 1);
  assert.deepEqual(coord.group('g')?.memberIds(), [a]);
  assert.equal(hbCode(coord.heartbeat(hb(b, gen), 3, 60_200)), E.UNKNOWN_MEMBER_ID);
});

test('LeaveGroup triggers a rebalance; v3 batches leave members one code each', () => {
  const { coord, a, b, gen } = stableTwo();
  const out = coord.leave({ groupId: 'g', members: [{ memberId: b, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }] }, 1, 100);
  const c = out.completions[0];
  assert.ok(c !== undefined && c.kind === 'leave');
  assert.deepEqual(c.result.members.map((m) => m.errorCode), [E.NONE, E.UNKNOWN_MEMBER_ID]);
  assert.equal(hbCode(coord.heartbeat(hb(a, gen), 2, 110)), E.REBALANCE_IN_PROGRESS);
  const j = joinOf(coord.join(joinReq({ memberId: a, clientId: 'a' }), 3, 120), 3);
  assert.equal(j.generationId, gen + 1);
  const last = coord.leave({ groupId: 'g', members: [{ memberId: a, groupInstanceId: null }] }, 4, 130);
  assert.equal(last.records[0]?.kind, 'group-metadata');
  assert.equal(coord.group('g')?.state, 'Empty');
  assert.equal(coord.group('g')?.generationId, gen + 2);
});

test('KIP-345: a static member restarting with unchanged protocols takes over without a rebalance; the old id is fenced', () => {
  const coord = newCoordinator();
  const first = joinOf(coord.join(joinReq({ groupInstanceId: 'i1', clientId: 's' }), 1, 0), 1);
  assert.equal(first.errorCode, E.NONE, 'static members skip MEMBER_ID_REQUIRED');
  coord.sync(syncReq(first.memberId, 1, [{ memberId: first.memberId, assignment: bytes('S') }], 'i1'), 2, 0);
  const restart = coord.join(joinReq({ groupInstanceId: 'i1', clientId: 's' }), 3, 5000);
  const j = joinOf(restart, 3);
  assert.equal(j.errorCode, E.NONE);
  assert.notEqual(j.memberId, first.memberId);
  assert.equal(j.generationId, 1, 'no new generation');
  assert.equal(restart.records[0]?.kind, 'group-metadata');
  assert.equal(coord.group('g')?.state, 'Stable');
  assert.equal(text(syncOf(coord.sync(syncReq(j.memberId, 1, [], 'i1'), 4, 5001), 4).assignment), 'S');
  assert.equal(hbCode(coord.heartbeat(hb(first.memberId, 1, 'i1'), 5, 5002)), E.FENCED_INSTANCE_ID);
  assert.equal(hbCode(coord.heartbeat(hb(j.memberId, 1, 'i1'), 6, 5003)), E.NONE);
});

test('KIP-345: a static member restarting with changed protocols triggers a rebalance', () => {
  const coord = newCoordinator();
  const first = joinOf(coord.join(joinReq({ groupInstanceId: 'i1' }), 1, 0), 1);
  coord.sync(syncReq(first.memberId, 1, [], 'i1'), 2, 0);
  const j = joinOf(coord.join(joinReq({ groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: subscription('other') }] }), 3, 10), 3);
  assert.equal(j.generationId, 2);
});

test('KIP-134: an empty group waits group.initial.rebalance.delay.ms, extended while members arrive, bounded by the rebalance timeout', () => {
  const coord = newCoordinator(3000);
  const a = joinNew(coord, 1, 0, { clientId: 'a', rebalanceTimeoutMs: 5000 });
  assert.equal(a.out.completions.length, 0);
  joinNew(coord, 2, 1000, { clientId: 'b', rebalanceTimeoutMs: 5000 });
  assert.equal(coord.tick(2999).completions.length, 0);
  assert.equal(coord.tick(3000).completions.length, 0, 'b arrived: delay extended by min(3000, 2000 left)');
  const out = coord.tick(5000);
  assert.equal(joinOf(out, 1).generationId, 1);
  assert.equal(joinOf(out, 2).members.length, 0);
  assert.equal(joinOf(out, 1).members.length, 2);
});

test('INCONSISTENT_GROUP_PROTOCOL: kafkajs RoundRobinAssigner cannot join a range group; protocol type must match', () => {
  const coord = newCoordinator();
  joinNew(coord, 1, 0);
  const j = joinOf(coord.join(joinReq({ protocols: [{ name: 'RoundRobinAssigner', metadata: subscription('t') }] }), 2, 1), 2);
  assert.equal(j.errorCode, E.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(joinOf(coord.join(joinReq({ protocolType: 'connect' }), 3, 1), 3).errorCode, E.INCONSISTENT_GROUP_PROTOCOL);
});

test('protocol choice: the one every member supports, by vote, ties going to the first member\'s order', () => {
  const coord = newCoordinator();
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: subscription('t') }));
  const a = joinNew(coord, 1, 0, { clientId: 'a', protocols: p('range', 'roundrobin', 'sticky') });
  const b = joinNew(coord, 2, 0, { clientId: 'b', protocols: p('roundrobin', 'range') });
  coord.join(joinReq({ memberId: a.memberId, clientId: 'a', protocols: p('range', 'roundrobin', 'sticky') }), 3, 0);
  const out = coord.join(joinReq({ memberId: b.memberId, clientId: 'b', protocols: p('roundrobin', 'range') }), 4, 0);
  assert.equal(joinOf(out, 4).protocolName, 'range');
});

test('INVALID_SESSION_TIMEOUT outside [min, max]; kafka-python\'s 10 s default is accepted', () => {
  const coord = newCoordinator();
  assert.equal(joinOf(coord.join(joinReq({ sessionTimeoutMs: 5999 }), 1, 0), 1).errorCode, E.INVALID_SESSION_TIMEOUT);
  assert.equal(joinOf(coord.join(joinReq({ sessionTimeoutMs: 1_800_001 }), 2, 0), 2).errorCode, E.INVALID_SESSION_TIMEOUT);
  assert.equal(joinOf(coord.join(joinReq({ sessionTimeoutMs: 10_000 }), 3, 0), 3).errorCode, E.MEMBER_ID_REQUIRED);
});

test('JoinGroup with an unknown member id gets UNKNOWN_MEMBER_ID; an unused KIP-394 id expires after the session timeout', () => {
  const coord = newCoordinator();
  assert.equal(joinOf(coord.join(joinReq({ memberId: 'made-up' }), 1, 0), 1).errorCode, E.UNKNOWN_MEMBER_ID);
  const id = joinOf(coord.join(joinReq({ sessionTimeoutMs: 10_000 }), 2, 0), 2).memberId;
  coord.tick(10_000);
  assert.equal(joinOf(coord.join(joinReq({ memberId: id }), 3, 10_001), 3).errorCode, E.UNKNOWN_MEMBER_ID);
});

test('SyncGroup errors: ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS while preparing; a pending sync fails when a rebalance starts', () => {
  const { coord, a, b, gen } = stableTwo();
  assert.equal(syncOf(coord.sync(syncReq(a, gen + 5), 1, 100), 1).errorCode, E.ILLEGAL_GENERATION);
  assert.equal(syncOf(coord.sync(syncReq('ghost', gen), 2, 100), 2).errorCode, E.UNKNOWN_MEMBER_ID);
  coord.join(joinReq({ memberId: a, clientId: 'a', protocols: [{ name: 'range', metadata: subscription('x') }] }), 3, 110);
  assert.equal(syncOf(coord.sync(syncReq(b, gen), 4, 120), 4).errorCode, E.REBALANCE_IN_PROGRESS);
  const out = coord.join(joinReq({ memberId: b, clientId: 'b' }), 5, 130);
  const g2 = joinOf(out, 5).generationId;
  assert.equal(coord.sync(syncReq(b, g2), 6, 140).completions.length, 0);
  const c = coord.join(joinReq({ clientId: 'c', apiVersion: 3 }), 7, 150);
  assert.equal(syncOf(c, 6).errorCode, E.REBALANCE_IN_PROGRESS, 'a new member aborts the CompletingRebalance phase');
});
