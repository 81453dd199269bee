/**
 * Proves CreatePartitions planning: growth adds PartitionRecords for the new ids with the
 * topic's replication factor, placed automatically or as assigned; not growing is
 * INVALID_PARTITIONS; bad assignments INVALID_REPLICA_ASSIGNMENT; unknown topics
 * UNKNOWN_TOPIC_OR_PARTITION; repeats INVALID_REQUEST; too many POLICY_VIOLATION.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPartitions, ErrorCode, PARTITIONS_PER_REQUEST_MAX } from '../../src/index.js';
import { clusterImage, fenced, randomIntSource, withTopic } from '../support/fixtures.js';

const opts = { randomInt: randomIntSource(3) };

test('growing a topic adds partitions with its replication factor', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2, 3]), 't', [[1, 2], [2, 3]]);
  const { records, results } = createPartitions(image, [{ name: 't', count: 5, assignments: null }], opts);
  assert.deepEqual(results, [{ name: 't', errorCode: 0, errorMessage: null }]);
  assert.deepEqual(records.map((r) => r.partitionId), [2, 3, 4]);
  const grown = image.applyAll(records).topicById(topicId)!;
  assert.equal(grown.partitions.length, 5);
  for (const p of grown.partitions) assert.equal(p.replicas.length, 2);
});

test('manual assignments for the new partitions are used as given', () => {
  const { image } = withTopic(clusterImage([1, 2, 3]), 't', [[1, 2]]);
  const { records } = createPartitions(fenced(image, 3), [{ name: 't', count: 3, assignments: [[3, 1], [2, 1]] }], opts);
  assert.deepEqual(records.map((r) => [r.partitionId, r.replicas, r.isr, r.leader]), [[1, [3, 1], [1], 1], [2, [2, 1], [2, 1], 2]]);
});

test('a count that does not grow the topic is INVALID_PARTITIONS', () => {
  const { image } = withTopic(clusterImage([1, 2]), 't', [[1], [2]]);
  const { results } = createPartitions(image, [{ name: 't', count: 2, assignments: null }], opts);
  assert.equal(results[0]!.errorCode, ErrorCode.INVALID_PARTITIONS);
  const { results: lower } = createPartitions(image, [{ name: 't', count: 1, assignments: null }], opts);
  assert.equal(lower[0]!.errorCode, ErrorCode.INVALID_PARTITIONS);
});

test('bad assignments are INVALID_REPLICA_ASSIGNMENT; too few brokers INVALID_REPLICATION_FACTOR', () => {
  const { image } = withTopic(clusterImage([1, 2, 3]), 't', [[1, 2]]);
  const cases = [[[1, 2], [2, 3]], [[1]], [[1, 9]], [[1, 1]]];
  for (const assignments of cases) {
    const { results } = createPartitions(image, [{ name: 't', count: 2, assignments }], opts);
    assert.equal(results[0]!.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT, JSON.stringify(assignments));
  }
  const { results } = createPartitions(fenced(image, 1, 2), [{ name: 't', count: 2, assignments: null }], opts);
  assert.equal(results[0]!.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
  const { results: stranded } = createPartitions(fenced(image, 1, 2), [{ name: 't', count: 2, assignments: [[1, 2]] }], opts);
  assert.equal(stranded[0]!.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
});

test('unknown topics, repeated topics and oversized requests', () => {
  const { image } = withTopic(clusterImage([1]), 't', [[1]]);
  const { results } = createPartitions(image, [{ name: 'x', count: 2, assignments: null }, { name: 't', count: 2, assignments: null }, { name: 't', count: 3, assignments: null }], opts);
  assert.deepEqual(results.map((r) => r.errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  const big = createPartitions(image, [{ name: 't', count: PARTITIONS_PER_REQUEST_MAX + 2, assignments: null }], opts);
  assert.equal(big.results[0]!.errorCode, ErrorCode.POLICY_VIOLATION);
});
