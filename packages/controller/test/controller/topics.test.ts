/**
 * Proves CreateTopics and DeleteTopics planning, one test per rule and error code: records for a
 * valid topic (TopicRecord, PartitionRecords at epoch 0, ConfigRecords), defaults, manual
 * assignments, and INVALID_REQUEST, INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS,
 * INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG,
 * POLICY_VIOLATION, UNKNOWN_TOPIC_OR_PARTITION and UNKNOWN_TOPIC_ID.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZERO_UUID } from '@sluice/protocol';
import {
  createTopics, deleteTopics, ErrorCode, metadataRecord, PARTITIONS_PER_REQUEST_MAX, type CreatableTopic,
  type CreateTopicsOptions, type MetadataImage,
} from '../../src/index.js';
import { acceptAll, clusterImage, fenced, randomIntSource, uuidSource, withTopic } from '../support/fixtures.js';

function options(overrides: Partial<CreateTopicsOptions> = {}): CreateTopicsOptions {
  return {
    defaultPartitions: 2, defaultReplicationFactor: 2, validateConfig: acceptAll,
    newUuid: uuidSource(1), randomInt: randomIntSource(1), ...overrides,
  };
}

function topic(name: string, fields: Partial<CreatableTopic> = {}): CreatableTopic {
  return { name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], ...fields };
}

function codes(image: MetadataImage, topics: CreatableTopic[], opts = options()): number[] {
  return createTopics(image, topics, opts).results.map((r) => r.errorCode);
}

test('a valid topic becomes a TopicRecord, PartitionRecords and ConfigRecords', () => {
  const image = clusterImage([1, 2, 3]);
  const topicId = uuidSource(1)();
  const { records, results } = createTopics(image, [topic('orders', { numPartitions: 3, replicationFactor: 2, configs: [{ name: 'retention.ms', value: '100' }] })], options());
  assert.deepEqual(results, [{ name: 'orders', topicId, errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 2 }]);
  assert.deepEqual(records[0], metadataRecord('TopicRecord', { name: 'orders', topicId }));
  assert.equal(records.length, 5);
  const after = image.applyAll(records);
  const created = after.topic('orders')!;
  assert.equal(created.partitions.length, 3);
  for (const p of created.partitions) {
    assert.equal(p.replicas.length, 2);
    assert.deepEqual(p.isr, p.replicas);
    assert.equal(p.leader, p.replicas[0]);
    assert.equal(p.leaderEpoch, 0);
    assert.equal(p.partitionEpoch, 0);
  }
  assert.deepEqual([...after.configs('topic', 'orders')], [['retention.ms', '100']]);
});

test('-1 counts take the defaults', () => {
  const { results } = createTopics(clusterImage([1, 2, 3]), [topic('t')], options());
  assert.equal(results[0]!.numPartitions, 2);
  assert.equal(results[0]!.replicationFactor, 2);
});

test('a name repeated within one request is INVALID_REQUEST for every copy; others still succeed', () => {
  assert.deepEqual(codes(clusterImage([1, 2]), [topic('a'), topic('b'), topic('a')]), [ErrorCode.INVALID_REQUEST, 0, ErrorCode.INVALID_REQUEST]);
});

test('illegal names are INVALID_TOPIC_EXCEPTION', () => {
  const names = ['', '.', '..', 'a b', 'ä', 'x'.repeat(250), 'a/b'];
  assert.deepEqual(codes(clusterImage([1, 2]), names.map((n) => topic(n))), names.map(() => ErrorCode.INVALID_TOPIC_EXCEPTION));
  assert.deepEqual(codes(clusterImage([1, 2]), [topic('x'.repeat(249)), topic('a._-B9')]), [0, 0]);
});

test('an existing name is TOPIC_ALREADY_EXISTS; a name colliding on . and _ is INVALID_TOPIC_EXCEPTION', () => {
  const { image } = withTopic(clusterImage([1, 2]), 'a.b', [[1]]);
  assert.deepEqual(codes(image, [topic('a.b'), topic('a_b')]), [ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.INVALID_TOPIC_EXCEPTION]);
  assert.deepEqual(codes(clusterImage([1, 2]), [topic('x.y'), topic('x_y')]), [0, ErrorCode.INVALID_TOPIC_EXCEPTION]);
});

test('a non-positive partition count is INVALID_PARTITIONS', () => {
  assert.deepEqual(codes(clusterImage([1, 2]), [topic('a', { numPartitions: 0 }), topic('b', { numPartitions: -2 })]),
    [ErrorCode.INVALID_PARTITIONS, ErrorCode.INVALID_PARTITIONS]);
});

test('a replication factor below 1 or above the live brokers is INVALID_REPLICATION_FACTOR', () => {
  const image = fenced(clusterImage([1, 2, 3]), 3);
  assert.deepEqual(codes(image, [topic('a', { replicationFactor: 0 }), topic('b', { replicationFactor: 3 }), topic('c', { replicationFactor: 2 })]),
    [ErrorCode.INVALID_REPLICATION_FACTOR, ErrorCode.INVALID_REPLICATION_FACTOR, 0]);
  assert.deepEqual(codes(clusterImage([1, 2, 3]), [topic('b', { replicationFactor: 3 })], options({ excluded: new Set([1]) })),
    [ErrorCode.INVALID_REPLICATION_FACTOR]);
});

test('manual assignments place replicas as given, led by the first eligible replica', () => {
  const image = fenced(clusterImage([1, 2, 3]), 2);
  const assignments = [{ partitionId: 1, brokerIds: [3, 1] }, { partitionId: 0, brokerIds: [2, 3] }];
  const { records, results } = createTopics(image, [topic('m', { assignments })], options());
  assert.equal(results[0]!.errorCode, 0);
  const created = image.applyAll(records).topic('m')!;
  assert.deepEqual(created.partitions.map((p) => [p.replicas, p.isr, p.leader]), [[[2, 3], [3], 3], [[3, 1], [3, 1], 3]]);
});

test('bad manual assignments are INVALID_REPLICA_ASSIGNMENT or INVALID_REQUEST', () => {
  const image = fenced(clusterImage([1, 2, 3]), 3);
  const a = (...lists: number[][]) => lists.map((brokerIds, partitionId) => ({ partitionId, brokerIds }));
  assert.deepEqual(codes(image, [
    topic('counts', { numPartitions: 1, assignments: a([1]) }),
    topic('gap', { assignments: [{ partitionId: 0, brokerIds: [1] }, { partitionId: 2, brokerIds: [2] }] }),
    topic('twice', { assignments: [{ partitionId: 0, brokerIds: [1] }, { partitionId: 0, brokerIds: [2] }] }),
    topic('empty', { assignments: a([]) }),
    topic('dup', { assignments: a([1, 1]) }),
    topic('unknown', { assignments: a([1, 9]) }),
    topic('ragged', { assignments: a([1, 2], [1]) }),
    topic('allfenced', { assignments: a([3]) }),
  ]), [
    ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT,
  ]);
});

test('configs are checked by the injected validator: INVALID_CONFIG, nulls too; repeats are INVALID_REQUEST', () => {
  const validateConfig = (_r: unknown, name: string, value: string) => (name === 'retention.ms' && !/^\d+$/.test(value) ? 'not a number' : null);
  const result = createTopics(clusterImage([1, 2]), [
    topic('a', { configs: [{ name: 'retention.ms', value: 'x' }] }),
    topic('b', { configs: [{ name: 'retention.ms', value: null }] }),
    topic('c', { configs: [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }] }),
    topic('d', { configs: [{ name: 'retention.ms', value: '5' }] }),
  ], options({ validateConfig }));
  assert.deepEqual(result.results.map((r) => r.errorCode), [ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_REQUEST, 0]);
  assert.equal(result.results[0]!.errorMessage, 'not a number');
  assert.deepEqual(result.results[0]!.topicId, ZERO_UUID);
  assert.equal(result.records.filter((r) => r.type === 'TopicRecord').length, 1);
});

test('more than PARTITIONS_PER_REQUEST_MAX new partitions is POLICY_VIOLATION for every topic', () => {
  const half = PARTITIONS_PER_REQUEST_MAX / 2;
  const result = createTopics(clusterImage([1]), [topic('a', { numPartitions: half, replicationFactor: 1 }), topic('b', { numPartitions: half + 1, replicationFactor: 1 })], options());
  assert.deepEqual(result.results.map((r) => r.errorCode), [ErrorCode.POLICY_VIOLATION, ErrorCode.POLICY_VIOLATION]);
  assert.deepEqual(result.records, []);
});

test('deleteTopics removes topics named by name or by id', () => {
  const first = withTopic(clusterImage([1]), 'a', [[1]]);
  const { image, topicId: b } = withTopic(first.image, 'b', [[1]]);
  const a = first.topicId;
  const { records, results } = deleteTopics(image, [{ name: 'a', topicId: ZERO_UUID }, { name: null, topicId: b }]);
  assert.deepEqual(records, [metadataRecord('RemoveTopicRecord', { topicId: a }), metadataRecord('RemoveTopicRecord', { topicId: b })]);
  assert.deepEqual(results, [
    { name: 'a', topicId: a, errorCode: 0, errorMessage: null },
    { name: 'b', topicId: b, errorCode: 0, errorMessage: null },
  ]);
});

test('deleteTopics: unknown name, unknown id, both or neither, and repeats', () => {
  const { image, topicId } = withTopic(clusterImage([1]), 'a', [[1]]);
  const { records, results } = deleteTopics(image, [
    { name: 'nope', topicId: ZERO_UUID },
    { name: null, topicId: uuidSource(99)() },
    { name: 'a', topicId },
    { name: null, topicId: ZERO_UUID },
    { name: 'a', topicId: ZERO_UUID },
    { name: null, topicId },
  ]);
  assert.deepEqual(results.map((r) => r.errorCode), [
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.INVALID_REQUEST,
    ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST,
  ]);
  assert.deepEqual(records, []);
});
