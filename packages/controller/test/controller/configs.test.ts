/**
 * Proves IncrementalAlterConfigs planning: SET and DELETE become ConfigRecords (no-ops are
 * skipped); each resource is all or nothing; the injected validator decides INVALID_CONFIG; and
 * the request-shape codes INVALID_REQUEST, UNKNOWN_TOPIC_OR_PARTITION and POLICY_VIOLATION.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONFIGS_PER_REQUEST_MAX, ErrorCode, incrementalAlterConfigs, metadataRecord, type AlterConfigsResource, type ConfigValidator,
} from '../../src/index.js';
import { acceptAll, clusterImage, withTopic } from '../support/fixtures.js';

const onlyDigits: ConfigValidator = (_resource, _name, value) => (/^\d+$/.test(value) ? null : `${value} is not a number`);

function topicImage() {
  const { image } = withTopic(clusterImage([1]), 't', [[1]]);
  return image.apply(metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 't', name: 'a', value: '1' }));
}

test('SET and DELETE become ConfigRecords, skipping changes that change nothing', () => {
  const { records, results } = incrementalAlterConfigs(topicImage(), [{
    resourceType: 'topic', resourceName: 't',
    configs: [{ name: 'a', op: 'SET', value: '1' }, { name: 'b', op: 'SET', value: '2' }, { name: 'c', op: 'DELETE', value: null }],
  }, {
    resourceType: 'broker', resourceName: '', configs: [{ name: 'x', op: 'SET', value: '3' }],
  }], onlyDigits);
  assert.deepEqual(results.map((r) => r.errorCode), [0, 0]);
  assert.deepEqual(records, [
    metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 't', name: 'b', value: '2' }),
    metadataRecord('ConfigRecord', { resourceType: 'broker', resourceName: '', name: 'x', value: '3' }),
  ]);
  const deleted = incrementalAlterConfigs(topicImage(), [{ resourceType: 'topic', resourceName: 't', configs: [{ name: 'a', op: 'DELETE', value: null }] }], acceptAll);
  assert.deepEqual(deleted.records, [metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 't', name: 'a', value: null })]);
});

test('a value the validator refuses is INVALID_CONFIG and nothing of that resource changes', () => {
  const { records, results } = incrementalAlterConfigs(topicImage(), [
    { resourceType: 'topic', resourceName: 't', configs: [{ name: 'b', op: 'SET', value: '2' }, { name: 'c', op: 'SET', value: 'x' }] },
    { resourceType: 'broker', resourceName: '1', configs: [{ name: 'x', op: 'SET', value: '3' }] },
  ], onlyDigits);
  assert.deepEqual(results.map((r) => [r.errorCode, r.errorMessage]), [[ErrorCode.INVALID_CONFIG, 'x is not a number'], [0, null]]);
  assert.equal(records.length, 1);
});

test('request-shape errors: duplicates, bad broker names, SET without value, unknown topic', () => {
  const r = (resourceType: 'topic' | 'broker', resourceName: string, configs: AlterConfigsResource['configs']): AlterConfigsResource =>
    ({ resourceType, resourceName, configs });
  const { records, results } = incrementalAlterConfigs(topicImage(), [
    r('broker', '1', []), r('broker', '1', []),
    r('broker', 'b1', []),
    r('topic', 't', [{ name: 'b', op: 'SET', value: '1' }, { name: 'b', op: 'DELETE', value: null }]),
    r('broker', '2', [{ name: 'b', op: 'SET', value: null }]),
    r('topic', 'nope', []),
  ], acceptAll);
  assert.deepEqual(results.map((x) => x.errorCode), [
    ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST,
    ErrorCode.INVALID_REQUEST, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  assert.deepEqual(records, []);
});

test('more than CONFIGS_PER_REQUEST_MAX changes is POLICY_VIOLATION', () => {
  const configs = Array.from({ length: CONFIGS_PER_REQUEST_MAX + 1 }, (_, i) => ({ name: `k${i}`, op: 'SET' as const, value: '1' }));
  const { records, results } = incrementalAlterConfigs(topicImage(), [{ resourceType: 'broker', resourceName: '', configs }], acceptAll);
  assert.equal(results[0]!.errorCode, ErrorCode.POLICY_VIOLATION);
  assert.deepEqual(records, []);
});
