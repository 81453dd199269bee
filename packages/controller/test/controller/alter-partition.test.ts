/**
 * Proves AlterPartition's checks and their order: each test breaks one condition (and, to prove
 * the order, every later one too) and expects that condition's code: STALE_BROKER_EPOCH,
 * UNKNOWN_TOPIC_ID / UNKNOWN_TOPIC_OR_PARTITION, NOT_CONTROLLER, NOT_LEADER_OR_FOLLOWER,
 * FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, INELIGIBLE_REPLICA, INVALID_REQUEST. Success
 * proposes an ISR-only change that bumps the partition epoch only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alterPartition, ErrorCode, metadataRecord, type AlterPartitionRequest } from '../../src/index.js';
import { clusterImage, fenced, uuidSource, withTopic } from '../support/fixtures.js';

/** Partition 0 on [1, 2, 3], ISR [1, 2], leader 1 at leader epoch 4, partition epoch 7; broker 3 fenced. */
function setup() {
  const { image, topicId } = withTopic(clusterImage([1, 2, 3, 4]), 't', [{ replicas: [1, 2, 3], isr: [1, 2], leader: 1, leaderEpoch: 4, partitionEpoch: 7 }]);
  const request: AlterPartitionRequest = { brokerId: 1, brokerEpoch: 10n, topicId, partitionId: 0, leaderEpoch: 4, partitionEpoch: 7, newIsr: [1] };
  return { image: fenced(image, 3), request };
}

function code(overrides: Partial<AlterPartitionRequest>): number {
  const { image, request } = setup();
  return alterPartition(image, { ...request, ...overrides }).errorCode;
}

test('a valid shrink proposes an ISR-only change and returns the new state', () => {
  const { image, request } = setup();
  const result = alterPartition(image, request);
  assert.ok(result.ok);
  assert.deepEqual(result.records, [metadataRecord('PartitionChangeRecord', { topicId: request.topicId, partitionId: 0, isr: [1] })]);
  assert.deepEqual(result.partition, { replicas: [1, 2, 3], isr: [1], leader: 1, leaderEpoch: 4, partitionEpoch: 8 });
});

test('an unchanged ISR succeeds without a record', () => {
  const { image, request } = setup();
  const result = alterPartition(image, { ...request, newIsr: [1, 2] });
  assert.ok(result.ok);
  assert.deepEqual(result.records, []);
  assert.equal(result.partition.partitionEpoch, 7);
});

test('1. a stale or unknown broker epoch is STALE_BROKER_EPOCH, before anything else', () => {
  assert.equal(code({ brokerEpoch: 9n, topicId: uuidSource(5)(), leaderEpoch: 99 }), ErrorCode.STALE_BROKER_EPOCH);
  assert.equal(code({ brokerId: 9, brokerEpoch: 90n }), ErrorCode.STALE_BROKER_EPOCH);
});

test('2. an unknown topic id or partition', () => {
  assert.equal(code({ topicId: uuidSource(5)() }), ErrorCode.UNKNOWN_TOPIC_ID);
  assert.equal(code({ partitionId: 1 }), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
});

test('3. epochs newer than the image are NOT_CONTROLLER, even from a non-leader', () => {
  assert.equal(code({ brokerId: 2, brokerEpoch: 20n, leaderEpoch: 5 }), ErrorCode.NOT_CONTROLLER);
  assert.equal(code({ partitionEpoch: 8 }), ErrorCode.NOT_CONTROLLER);
});

test('4. a sender that is not the leader is NOT_LEADER_OR_FOLLOWER', () => {
  assert.equal(code({ brokerId: 2, brokerEpoch: 20n, leaderEpoch: 3, partitionEpoch: 1, newIsr: [3] }), ErrorCode.NOT_LEADER_OR_FOLLOWER);
});

test('5. an older leader epoch is FENCED_LEADER_EPOCH', () => {
  assert.equal(code({ leaderEpoch: 3, partitionEpoch: 1, newIsr: [3] }), ErrorCode.FENCED_LEADER_EPOCH);
});

test('6. an older partition epoch is INVALID_UPDATE_VERSION', () => {
  assert.equal(code({ partitionEpoch: 6, newIsr: [3] }), ErrorCode.INVALID_UPDATE_VERSION);
});

test('7. a fenced, unregistered or shutting-down ISR member is INELIGIBLE_REPLICA', () => {
  assert.equal(code({ newIsr: [1, 3] }), ErrorCode.INELIGIBLE_REPLICA);
  assert.equal(code({ newIsr: [1, 9] }), ErrorCode.INELIGIBLE_REPLICA);
  const { image, request } = setup();
  assert.equal(alterPartition(image, { ...request, newIsr: [1, 2] }, new Set([2])).errorCode, ErrorCode.INELIGIBLE_REPLICA);
});

test('8. an ISR that is empty, repeats, names a non-replica or drops the leader is INVALID_REQUEST', () => {
  for (const newIsr of [[], [1, 1], [1, 4], [2]]) assert.equal(code({ newIsr }), ErrorCode.INVALID_REQUEST, `${newIsr}`);
});
