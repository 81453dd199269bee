/**
 * Proves the broker lifecycle rules one by one: registration (fenced, epoch from the caller,
 * idempotent retry, new incarnation fences the old epoch and moves leaderships), heartbeats
 * (STALE_BROKER_EPOCH, unfence only when caught up, requested fencing, controlled shutdown in
 * two steps), session expiry (fresh sessions for unknown brokers, fencing past the timeout with
 * the elections it causes) and unregistration.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BrokerSessions, ErrorCode, fenceExpired, heartbeat, InvariantError, metadataRecord, NO_LEADER, registerBroker,
  unregisterBroker, type HeartbeatRequest, type MetadataImage, type RegisterBrokerRequest,
} from '../../src/index.js';
import { clusterImage, fenced, incarnation, uuidSource, withTopic } from '../support/fixtures.js';

function registration(brokerId: number, fields: Partial<RegisterBrokerRequest> = {}): RegisterBrokerRequest {
  return { brokerId, incarnationId: incarnation(brokerId), listeners: [{ name: 'PLAINTEXT', host: `node${brokerId}`, port: 9092 }], rack: null, ...fields };
}

function beat(brokerId: number, brokerEpoch: bigint, fields: Partial<HeartbeatRequest> = {}): HeartbeatRequest {
  return { brokerId, brokerEpoch, caughtUp: true, wantFence: false, wantShutdown: false, ...fields };
}

test('a new broker registers fenced under the given epoch', () => {
  const result = registerBroker(clusterImage([]), registration(1, { rack: 'r' }), 100n);
  assert.equal(result.errorCode, 0);
  assert.equal(result.brokerEpoch, 100n);
  assert.deepEqual(result.records, [metadataRecord('RegisterBrokerRecord', {
    brokerId: 1, incarnationId: incarnation(1), brokerEpoch: 100n, listeners: [{ name: 'PLAINTEXT', host: 'node1', port: 9092 }], rack: 'r', fenced: true,
  })]);
});

test('a retry from the same incarnation returns the current epoch and proposes nothing', () => {
  const result = registerBroker(clusterImage([1]), registration(1), 100n);
  assert.deepEqual([result.errorCode, result.brokerEpoch, result.records], [0, 10n, []]);
});

test('a new incarnation fences the old epoch and moves its leaderships away', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2]), 't', [[1, 2]]);
  const result = registerBroker(image, registration(1, { incarnationId: uuidSource(8)() }), 100n);
  assert.equal(result.brokerEpoch, 100n);
  assert.deepEqual(result.records.slice(1), [metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, isr: [2], leader: 2 })]);
  const after = image.applyAll(result.records);
  assert.equal(after.broker(1)!.fenced, true);
  assert.equal(heartbeat(after, BrokerSessions.EMPTY, beat(1, 10n), 0).errorCode, ErrorCode.STALE_BROKER_EPOCH);
});

test('invalid registrations are INVALID_REQUEST; a non-growing epoch is a bug', () => {
  const bad = [
    registration(-1), registration(1, { incarnationId: 'nope' }), registration(1, { listeners: [] }),
    registration(1, { listeners: [{ name: 'A', host: 'h', port: 1 }, { name: 'A', host: 'h', port: 2 }] }),
    registration(1, { listeners: [{ name: 'A', host: 'h', port: 0 }] }),
  ];
  for (const request of bad) assert.equal(registerBroker(clusterImage([]), request, 1n).errorCode, ErrorCode.INVALID_REQUEST);
  assert.throws(() => registerBroker(clusterImage([1]), registration(1, { rack: 'moved' }), 10n), InvariantError);
});

test('a heartbeat with an unknown broker or an old epoch is STALE_BROKER_EPOCH and changes nothing', () => {
  const image = clusterImage([1]);
  for (const request of [beat(1, 9n), beat(2, 20n)]) {
    const result = heartbeat(image, BrokerSessions.EMPTY, request, 5);
    assert.equal(result.errorCode, ErrorCode.STALE_BROKER_EPOCH);
    assert.equal(result.sessions, BrokerSessions.EMPTY);
  }
});

test('a fenced broker is unfenced only once it has caught up and wants neither fence nor shutdown', () => {
  const image = fenced(clusterImage([1]), 1);
  const behind = heartbeat(image, BrokerSessions.EMPTY, beat(1, 10n, { caughtUp: false }), 5);
  assert.deepEqual([behind.isFenced, behind.records, behind.sessions.get(1)!.lastHeartbeatMs], [true, [], 5]);
  assert.deepEqual(heartbeat(image, BrokerSessions.EMPTY, beat(1, 10n, { wantFence: true }), 5).records, []);
  const shut = heartbeat(image, BrokerSessions.EMPTY, beat(1, 10n, { wantShutdown: true }), 5);
  assert.deepEqual([shut.isFenced, shut.shouldShutDown, shut.records], [true, true, []]);
  const ready = heartbeat(image, BrokerSessions.EMPTY, beat(1, 10n), 5);
  assert.equal(ready.isFenced, false);
  assert.deepEqual(ready.records, [metadataRecord('UnfenceBrokerRecord', { brokerId: 1, brokerEpoch: 10n })]);
});

test('unfencing the last ISR member of an offline partition makes it leader again', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2]), 't', [{ replicas: [1, 2], isr: [1], leader: NO_LEADER }]);
  const result = heartbeat(fenced(image, 1), BrokerSessions.EMPTY, beat(1, 10n), 5);
  assert.deepEqual(result.records.slice(1), [metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, leader: 1 })]);
});

test('an unfenced broker that asks to be fenced is fenced and loses its leaderships', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2]), 't', [[1, 2]]);
  const result = heartbeat(image, BrokerSessions.EMPTY, beat(1, 10n, { wantFence: true }), 5);
  assert.equal(result.isFenced, true);
  assert.deepEqual(result.records, [
    metadataRecord('FenceBrokerRecord', { brokerId: 1, brokerEpoch: 10n }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, isr: [2], leader: 2 }),
  ]);
  const quiet = heartbeat(image, BrokerSessions.EMPTY, beat(1, 10n), 5);
  assert.deepEqual([quiet.isFenced, quiet.shouldShutDown, quiet.records], [false, false, []]);
});

test('controlled shutdown moves leaderships first, then fences and releases the broker', () => {
  const setup = withTopic(clusterImage([1, 2]), 't', [[1, 2], [2, 1], [1]]);
  const topicId = setup.topicId;
  let image = setup.image;
  let sessions = BrokerSessions.EMPTY;
  const first = heartbeat(image, sessions, beat(1, 10n, { wantShutdown: true }), 5);
  assert.deepEqual([first.isFenced, first.shouldShutDown], [false, false]);
  assert.deepEqual(first.records, [
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, isr: [2], leader: 2 }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 1, isr: [2] }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 2, leader: NO_LEADER }),
  ]);
  assert.deepEqual([...first.sessions.shuttingDown(image)], [1]);
  image = image.applyAll(first.records);
  sessions = first.sessions;
  const notYet = heartbeat(image, sessions, beat(1, 10n, { wantShutdown: true, caughtUp: false }), 6);
  assert.deepEqual([notYet.shouldShutDown, notYet.records], [false, []]);
  const done = heartbeat(image, sessions, beat(1, 10n, { wantShutdown: true }), 7);
  assert.deepEqual([done.isFenced, done.shouldShutDown], [true, true]);
  assert.deepEqual(done.records, [metadataRecord('FenceBrokerRecord', { brokerId: 1, brokerEpoch: 10n })]);
  assert.deepEqual(image.applyAll(done.records).partition(topicId, 2), { replicas: [1], isr: [1], leader: NO_LEADER, leaderEpoch: 1, partitionEpoch: 1 });
});

function expire(image: MetadataImage, sessions: BrokerSessions, nowMs: number) {
  return fenceExpired(image, sessions, { nowMs, sessionTimeoutMs: 100 });
}

test('a live broker without a session gets one starting now instead of being fenced', () => {
  const result = expire(clusterImage([1, 2]), BrokerSessions.EMPTY, 1000);
  assert.deepEqual(result.records, []);
  assert.equal(result.sessions.get(1)!.lastHeartbeatMs, 1000);
  assert.deepEqual(expire(clusterImage([1, 2]), result.sessions, 1100).fencedBrokers, []);
});

test('brokers unheard for longer than the session timeout are fenced, with one change per partition', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2, 3]), 't', [[1, 2, 3], [3, 1]]);
  let sessions = BrokerSessions.EMPTY;
  for (const [brokerId, nowMs] of [[1, 0], [2, 0], [3, 50]] as const) sessions = sessions.touch({ brokerId, brokerEpoch: BigInt(10 * brokerId), nowMs });
  const result = expire(image, sessions, 101);
  assert.deepEqual(result.fencedBrokers, [1, 2]);
  assert.deepEqual(result.records, [
    metadataRecord('FenceBrokerRecord', { brokerId: 1, brokerEpoch: 10n }),
    metadataRecord('FenceBrokerRecord', { brokerId: 2, brokerEpoch: 20n }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, isr: [3], leader: 3 }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 1, isr: [3] }),
  ]);
  const later = expire(image.applyAll(result.records), result.sessions, 200);
  assert.deepEqual(later.fencedBrokers, [3]);
  assert.deepEqual(later.records.slice(1), [
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, leader: NO_LEADER }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 1, leader: NO_LEADER }),
  ]);
});

test('unregistering removes the registration and its leaderships; unknown ids are BROKER_ID_NOT_REGISTERED', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2]), 't', [[1, 2]]);
  const sessions = BrokerSessions.EMPTY.touch({ brokerId: 1, brokerEpoch: 10n, nowMs: 0 });
  const result = unregisterBroker(image, sessions, 1);
  assert.deepEqual(result.records, [
    metadataRecord('UnregisterBrokerRecord', { brokerId: 1, brokerEpoch: 10n }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, isr: [2], leader: 2 }),
  ]);
  assert.equal(result.sessions.get(1), undefined);
  assert.equal(unregisterBroker(image, sessions, 7).errorCode, ErrorCode.BROKER_ID_NOT_REGISTERED);
});
