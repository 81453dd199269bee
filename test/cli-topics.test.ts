/**
 * kafka-topics.sh against a real three-node cluster, typed as a Kafka user would: create (with
 * partitions, replication factor, configs, --if-not-exists), list, describe (Kafka's layout field
 * by field, ids masked), alter (add partitions) and delete print what Kafka prints and exit 0; the
 * failures print Kafka's "Error while executing topic command" and exit 1; usage errors name the
 * flag and what is allowed; an unreachable server fails fast.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LocalCluster, tempDir } from '@sluice/testkit';
import { describeFields, kafkaTool } from './support/cli.js';

let cluster: LocalCluster;
let bootstrap: string;
before(async () => {
  cluster = await LocalCluster.start({ controllers: 3 });
  bootstrap = `127.0.0.1:${cluster.node(1).port}`;
});
after(async () => cluster?.close());

const topics = (...args: string[]) => kafkaTool('kafka-topics.sh', [...args, '--bootstrap-server', bootstrap]);

test('create, list and describe in Kafka\'s words and layout', async () => {
  const created = await topics('--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '3', '--config', 'retention.ms=86400000');
  assert.equal(created.code, 0, created.stdout + created.stderr);
  assert.equal(created.stdout, 'Created topic orders.\n');

  const list = await topics('--list');
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.split('\n').includes('orders'), list.stdout);
  assert.equal((await topics('--list', '--exclude-internal')).stdout.includes('__consumer_offsets'), false);

  const described = await topics('--describe', '--topic', 'orders');
  assert.equal(described.code, 0, described.stderr);
  const rows = describeFields(described.stdout);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0]!.fields.map(([k]) => k), ['Topic', 'TopicId', 'PartitionCount', 'ReplicationFactor', 'Configs']);
  const head = Object.fromEntries(rows[0]!.fields);
  assert.equal(rows[0]!.indented, false);
  assert.equal(head['Topic'], 'orders');
  assert.match(head['TopicId']!, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(head['PartitionCount'], '3');
  assert.equal(head['ReplicationFactor'], '3');
  assert.equal(head['Configs'], 'retention.ms=86400000');
  rows.slice(1).forEach((row, partition) => {
    assert.equal(row.indented, true);
    assert.deepEqual(row.fields.map(([k]) => k), ['Topic', 'Partition', 'Leader', 'Replicas', 'Isr']);
    const f = Object.fromEntries(row.fields);
    assert.equal(f['Topic'], 'orders');
    assert.equal(f['Partition'], String(partition));
    assert.deepEqual(f['Replicas']!.split(',').sort(), ['1', '2', '3']);
    assert.ok(f['Replicas']!.split(',').includes(f['Leader']!), `leader ${f['Leader']} is a replica`);
    assert.deepEqual(f['Isr']!.split(',').sort(), ['1', '2', '3']);
  });
});

test('a name with a period or underscore gets Kafka\'s collision warning first', async () => {
  const created = await topics('--create', '--topic', 'web.clicks');
  assert.equal(created.code, 0);
  assert.deepEqual(created.stdout.split('\n'), [
    'WARNING: Due to limitations in metric names, topics with a period (\'.\') or underscore (\'_\') could collide. To avoid issues it is best to use either, but not both.',
    'Created topic web.clicks.', '',
  ]);
});

test('an existing topic: an error, or nothing with --if-not-exists', async () => {
  assert.equal((await topics('--create', '--topic', 'dup')).code, 0);
  const again = await topics('--create', '--topic', 'dup');
  assert.equal(again.code, 1);
  assert.equal(again.stdout, 'Error while executing topic command : Topic \'dup\' already exists.\n');
  const quiet = await topics('--create', '--topic', 'dup', '--if-not-exists');
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stdout, '');
});

test('alter adds partitions, never removes them; delete removes the topic', async () => {
  assert.equal((await topics('--create', '--topic', 'grow', '--partitions', '1')).code, 0);
  const grown = await topics('--alter', '--topic', 'grow', '--partitions', '4');
  assert.equal(grown.code, 0, grown.stdout);
  assert.match((await topics('--describe', '--topic', 'grow')).stdout, /\tPartitionCount: 4\t/);
  const shrink = await topics('--alter', '--topic', 'grow', '--partitions', '2');
  assert.equal(shrink.code, 1);
  assert.equal(shrink.stdout, 'Error while executing topic command : Topic currently has 4 partitions, which is higher than the requested 2.\n');
  const deleted = await topics('--delete', '--topic', 'grow');
  assert.equal(deleted.code, 0, deleted.stdout);
  assert.equal((await topics('--list')).stdout.split('\n').includes('grow'), false);
  const missing = await topics('--delete', '--topic', 'grow');
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, 'Error while executing topic command : Topic \'grow\' does not exist as expected\n');
  assert.equal((await topics('--delete', '--topic', 'grow', '--if-exists')).code, 0);
});

test('usage errors name the problem and what is allowed', async () => {
  const noAction = await topics('--topic', 'x');
  assert.equal(noAction.code, 1);
  assert.match(noAction.stderr, /exactly one action: --list, --describe, --create, --alter or --delete/);
  const noTopic = await topics('--create', '--partitions', '3');
  assert.equal(noTopic.code, 1);
  assert.match(noTopic.stderr, /Missing required argument "\[topic\]"/);
  const badFlag = await topics('--list', '--partitons', '3');
  assert.equal(badFlag.code, 1);
  assert.match(badFlag.stderr, /Unknown argument: partitons/);
  const badConfig = await topics('--create', '--topic', 'c', '--config', 'retention.ms');
  assert.equal(badConfig.code, 1);
  assert.match(badConfig.stderr, /--config 'retention.ms' is not key=value/);
  const badCount = await topics('--create', '--topic', 'c', '--partitions', '0');
  assert.equal(badCount.code, 1);
  assert.match(badCount.stderr, /--partitions must be an integer from 1/);
  const noServer = await kafkaTool('kafka-topics.sh', ['--list']);
  assert.equal(noServer.code, 1);
  assert.match(noServer.stderr, /Missing required argument: bootstrap-server/);
  const dir = tempDir('sluice-command-config-');
  try {
    writeFileSync(join(dir.path, 'plain.properties'), 'security.protocol=PLAINTEXT\n');
    writeFileSync(join(dir.path, 'sasl.properties'), 'security.protocol=SASL_SSL\n');
    const plain = await topics('--list', '--command-config', join(dir.path, 'plain.properties'));
    assert.equal(plain.code, 0, plain.stderr);
    const sasl = await topics('--list', '--command-config', join(dir.path, 'sasl.properties'));
    assert.equal(sasl.code, 1);
    assert.match(sasl.stderr, /security\.protocol=SASL_SSL is not supported; Sluice listeners speak PLAINTEXT only/);
  } finally {
    dir.remove();
  }
  const help = await kafkaTool('kafka-topics.sh', ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--replication-factor/);
  assert.match(help.stdout, /Examples:/);
});

test('an unreachable bootstrap server fails within a bounded time', async () => {
  const started = Date.now();
  const result = await kafkaTool('kafka-topics.sh', ['--list', '--bootstrap-server', '127.0.0.1:1'], { timeoutMs: 30_000 });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /Error while executing topic command : could not connect to 127\.0\.0\.1:1/);
  assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
});
