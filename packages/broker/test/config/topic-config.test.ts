/**
 * Proves that validateTopicConfigs names an unknown key or a bad value (and refuses
 * cleanup.policy=compact, which Sluice does not implement yet), that effectiveTopicConfigs reports
 * every topic key with its override or its broker default, flagged and linked to the broker
 * synonym, and that topicConfigNumber reads the same effective value as a number.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBrokerConfig } from '../../src/config/broker-config.js';
import { effectiveTopicConfigs, TOPIC_KEYS, topicConfigNumber, validateTopicConfigs } from '../../src/config/topic-config.js';

const broker = loadBrokerConfig({ overrides: ['log.retention.hours=2', 'log.segment.bytes=1048576', 'message.max.bytes=2000'] });

function problem(entries: Record<string, string>): string | null {
  return validateTopicConfigs(new Map(Object.entries(entries)));
}

test('no overrides and valid overrides pass', () => {
  assert.equal(problem({}), null);
  assert.equal(problem({ 'retention.ms': '-1', 'retention.bytes': '1000', 'segment.bytes': '1048576', 'cleanup.policy': 'delete', 'flush.ms': '0' }), null);
});

test('an unknown key is named', () => {
  const message = problem({ 'retention.ms': '1', 'retention.hours': '1' });
  assert.ok(message !== null);
  assert.match(message, /^Unknown topic config name: retention\.hours;/);
});

test('a bad value is named with its key and what is allowed', () => {
  assert.match(problem({ 'retention.ms': 'soon' }) ?? '', /^Invalid value soon for configuration retention\.ms: expected a whole number/);
  assert.match(problem({ 'retention.ms': '-2' }) ?? '', /^Invalid value -2 for configuration retention\.ms: expected a whole number from -1 up to 9007199254740991/);
  assert.match(problem({ 'min.insync.replicas': '0' }) ?? '', /configuration min\.insync\.replicas: expected a whole number from 1 up to 2147483647/);
  assert.match(problem({ 'max.message.bytes': '2147483648' }) ?? '', /configuration max\.message\.bytes: expected a whole number from 0 up to 2147483647/);
  assert.match(problem({ 'segment.bytes': '10' }) ?? '', /configuration segment\.bytes: expected a whole number from \d+/);
});

test('cleanup.policy takes delete, compact or both; anything else is refused naming what is allowed', () => {
  for (const policy of ['delete', 'compact', 'compact,delete', 'delete,compact']) assert.equal(problem({ 'cleanup.policy': policy }), null, policy);
  assert.equal(problem({ 'cleanup.policy': 'shred' }), 'Invalid value shred for configuration cleanup.policy: expected one of delete, compact, compact,delete, delete,compact');
});

test('the first bad key of several is the one reported', () => {
  assert.match(problem({ 'retention.ms': 'x', 'nope': '1' }) ?? '', /retention\.ms/);
});

test('every topic key is reported once, with broker defaults where there is no override', () => {
  const entries = effectiveTopicConfigs(broker, new Map());
  assert.deepEqual(entries.map((e) => e.name), Object.keys(TOPIC_KEYS));
  assert.ok(entries.every((e) => e.isDefault));
  const byName = new Map(entries.map((e) => [e.name, e]));
  assert.deepEqual(byName.get('retention.ms'), { name: 'retention.ms', value: String(2 * 3600_000), isDefault: true, brokerKey: 'log.retention.ms' });
  assert.equal(byName.get('segment.bytes')!.value, '1048576');
  assert.equal(byName.get('max.message.bytes')!.value, '2000');
  assert.equal(byName.get('max.message.bytes')!.brokerKey, 'message.max.bytes');
  assert.equal(byName.get('cleanup.policy')!.value, 'delete');
  assert.equal(byName.get('retention.bytes')!.value, '-1');
});

test('an override replaces the default and is not flagged as default', () => {
  const entries = effectiveTopicConfigs(broker, new Map([['retention.ms', '60000']]));
  const retention = entries.find((e) => e.name === 'retention.ms');
  assert.deepEqual(retention, { name: 'retention.ms', value: '60000', isDefault: false, brokerKey: 'log.retention.ms' });
  assert.equal(entries.filter((e) => !e.isDefault).length, 1);
});

test('topicConfigNumber reads the override, else the broker default', () => {
  assert.equal(topicConfigNumber(broker, new Map(), 'retention.ms'), 2 * 3600_000);
  assert.equal(topicConfigNumber(broker, new Map([['retention.ms', '-1']]), 'retention.ms'), -1);
  assert.equal(topicConfigNumber(broker, new Map([['max.message.bytes', '500']]), 'max.message.bytes'), 500);
  assert.throws(() => topicConfigNumber(broker, new Map(), 'retention.hours'), /not a topic config: retention\.hours/);
});
