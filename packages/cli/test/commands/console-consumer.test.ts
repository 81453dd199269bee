/**
 * Proves the console consumer resolves its flags as kafka-console-consumer.sh does: a group
 * (given or generated, committed only when given), --from-beginning and auto.offset.reset,
 * --partition with --offset, and Kafka's messages for combinations it refuses.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@sluice/testkit';
import { consumerPlan, type ConsoleConsumerArgs } from '../../src/commands/console-consumer.js';

const base: ConsoleConsumerArgs = { 'bootstrap-server': '127.0.0.1:9092', topic: 't' };

test('without --group: a generated console-consumer group that commits nothing', () => {
  const plan = consumerPlan(base);
  assert.equal(plan.source.kind, 'group');
  if (plan.source.kind !== 'group') return;
  assert.match(plan.source.groupId, /^console-consumer-\d+$/);
  assert.equal(plan.source.autoCommit, false);
  assert.equal(plan.source.fromBeginning, false);
});

test('--group commits; --from-beginning or auto.offset.reset=earliest start at the beginning', () => {
  const plan = consumerPlan({ ...base, group: 'g', 'from-beginning': true });
  assert.deepEqual(plan.source.kind === 'group' && [plan.source.groupId, plan.source.autoCommit, plan.source.fromBeginning], ['g', true, true]);
  const viaProps = consumerPlan({ ...base, 'consumer-property': ['group.id=g2', 'auto.offset.reset=earliest'] });
  assert.deepEqual(viaProps.source.kind === 'group' && [viaProps.source.groupId, viaProps.source.fromBeginning], ['g2', true]);
});

test('--consumer.config: a properties file, under --consumer-property; an unreadable file is named', () => {
  const dir = tempDir('consumer-config-');
  try {
    const file = join(dir.path, 'consumer.properties');
    writeFileSync(file, '# as in Kafka\ngroup.id: from-file\nauto.offset.reset=earliest\nclient.id=file-client\n');
    const plan = consumerPlan({ ...base, 'consumer.config': file, 'consumer-property': ['client.id=flag-client'] });
    assert.deepEqual(plan.source.kind === 'group' && [plan.source.groupId, plan.source.fromBeginning, plan.source.autoCommit, plan.source.clientId],
      ['from-file', true, true, 'flag-client']);
    assert.throws(() => consumerPlan({ ...base, 'consumer.config': join(dir.path, 'missing.properties') }), /--consumer.config .*missing\.properties cannot be read: ENOENT/);
  } finally {
    dir.remove();
  }
});

test('--partition reads directly, from --offset, or earliest with --from-beginning, else latest', () => {
  assert.deepEqual(consumerPlan({ ...base, partition: 1, offset: '42' }).source, { kind: 'partition', partition: 1, start: 42n });
  assert.deepEqual(consumerPlan({ ...base, partition: 0, 'from-beginning': true }).source, { kind: 'partition', partition: 0, start: 'earliest' });
  assert.deepEqual(consumerPlan({ ...base, partition: 0 }).source, { kind: 'partition', partition: 0, start: 'latest' });
});

test('--include reads every topic matching a regular expression over the whole name', () => {
  const plan = consumerPlan({ 'bootstrap-server': '127.0.0.1:9092', include: 'orders|pay.*' });
  assert.ok(plan.topic instanceof RegExp);
  assert.deepEqual(['orders', 'payments', 'orders2'].filter((t) => (plan.topic as RegExp).test(t)), ['orders', 'payments']);
});

test('refused combinations and values say what is wrong', () => {
  assert.throws(() => consumerPlan({ 'bootstrap-server': 'h:1' }), /Exactly one of include\/topic is required\./);
  assert.throws(() => consumerPlan({ ...base, include: 'x' }), /Exactly one of include\/topic is required\./);
  assert.throws(() => consumerPlan({ 'bootstrap-server': 'h:1', include: 'x', partition: 0 }), /The topic is required when partition is specified\./);
  assert.throws(() => consumerPlan({ 'bootstrap-server': 'h:1', include: '(' }), /--include '\(' is not a regular expression/);
  assert.throws(() => consumerPlan({ ...base, offset: '3' }), /The partition is required when offset is specified\./);
  assert.throws(() => consumerPlan({ ...base, partition: 0, offset: '3', 'from-beginning': true }), /from-beginning and offset cannot be specified together/);
  assert.throws(() => consumerPlan({ ...base, partition: 0, group: 'g' }), /group and partition cannot be specified together/);
  assert.throws(() => consumerPlan({ ...base, partition: 0, offset: 'first' }), /Valid values are 'earliest', 'latest', or a non-negative long/);
  assert.throws(() => consumerPlan({ ...base, 'max-messages': 0 }), /--max-messages must be an integer >= 1/);
  assert.throws(() => consumerPlan({ ...base, partition: -1 }), /--partition must be an integer from 0/);
  assert.throws(() => consumerPlan({ ...base, property: ['print.key'] }), /--property 'print.key' is not key=value/);
});
