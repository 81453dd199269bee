/**
 * kafka-console-producer.sh and kafka-console-consumer.sh against a real node: lines become
 * records (gzip, snappy, lz4 and acks=all included; what it compresses read back by kcat too, and kcat's lz4 and zstd read by the consumer), keyed lines land in the partition Kafka's default
 * partitioner picks (checked against kafkajs's DefaultPartitioner, the same key always in the same
 * partition), the consumer prints Kafka's formatter fields (timestamps masked), stops after
 * --max-messages or --timeout-ms, and on Ctrl-C commits its group's offsets and prints
 * "Processed a total of N messages". Usage errors and an unreachable server end it quickly.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { tempDir } from '@sluice/testkit';
import { BackgroundTool, kafkaTool } from './support/cli.js';
import { batchCodecs } from './support/fetch-reader.js';
import { run } from './support/run.js';
import { startSingleNode } from './support/cluster.js';
import { eventually } from './support/quorum.js';

const bootstrap = (await startSingleNode()).node.bootstrap;

const produce = (topic: string, input: string, ...args: string[]) =>
  kafkaTool('kafka-console-producer.sh', ['--topic', topic, '--bootstrap-server', bootstrap, ...args], { input });
const consume = (topic: string, ...args: string[]) =>
  kafkaTool('kafka-console-consumer.sh', ['--topic', topic, '--bootstrap-server', bootstrap, ...args]);
const createTopic = async (topic: string, partitions: number) => {
  const r = await kafkaTool('kafka-topics.sh', ['--create', '--topic', topic, '--partitions', String(partitions), '--bootstrap-server', bootstrap]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
};

test('lines in, the same lines out, with gzip and acks=all; no prompt when piped', async () => {
  await createTopic('lines', 1);
  const sent = await produce('lines', 'one\ntwo\nthree\n', '--compression-codec', 'gzip', '--producer-property', 'acks=all');
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(sent.stdout, '');
  const got = await consume('lines', '--from-beginning', '--max-messages', '3');
  assert.equal(got.code, 0, got.stderr);
  assert.equal(got.stdout, 'one\ntwo\nthree\n');
  assert.match(got.stderr, /^Processed a total of 3 messages\n$/);
});

for (const codec of ['snappy', 'lz4'] as const) {
  test(`${codec}: the producer writes ${codec} batches that kcat, --partition and --group reads all decode`, async () => {
    const topic = `${codec}-lines`;
    await createTopic(topic, 1);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i} ${'compressible '.repeat(10)}`);
    const sent = await produce(topic, lines.join('\n') + '\n', '--compression-codec', codec);
    assert.equal(sent.code, 0, sent.stderr);
    const codecs = await batchCodecs(Number(bootstrap.split(':')[1]), topic, 0);
    assert.ok(codecs.length > 0 && codecs.every((c) => c === codec), `stored as ${codec} batches: ${codecs.join(',')}`);
    await expectEveryReader(topic, lines);
  });
}

test('--producer.config and --consumer.config files, as Kafka\'s tools read them', async () => {
  const dir = tempDir('sluice-client-config-');
  try {
    await createTopic('from-files', 1);
    writeFileSync(join(dir.path, 'producer.properties'), 'compression.type=lz4\nacks=all\n');
    writeFileSync(join(dir.path, 'consumer.properties'), 'group.id=file-readers\nauto.offset.reset=earliest\n');
    const sent = await produce('from-files', 'a\nb\nc\n', '--producer.config', join(dir.path, 'producer.properties'));
    assert.equal(sent.code, 0, sent.stderr);
    assert.deepEqual([...new Set(await batchCodecs(Number(bootstrap.split(':')[1]), 'from-files', 0))], ['lz4']);
    const got = await consume('from-files', '--consumer.config', join(dir.path, 'consumer.properties'), '--max-messages', '3');
    assert.equal(got.stdout, 'a\nb\nc\n', got.stderr);
    const groups = await kafkaTool('kafka-consumer-groups.sh', ['--bootstrap-server', bootstrap, '--list']);
    assert.ok(groups.stdout.split('\n').includes('file-readers'), groups.stdout);
  } finally {
    dir.remove();
  }
});

test('kcat\'s zstd and lz4 batches: --partition and --group reads decode them', async () => {
  for (const codec of ['zstd', 'lz4']) {
    const topic = `kcat-${codec}`;
    await createTopic(topic, 1);
    const lines = Array.from({ length: 30 }, (_, i) => `${codec} line ${i} ${'compressible '.repeat(10)}`);
    const sent = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-z', codec], { input: lines.join('\n') + '\n' });
    assert.equal(sent.code, 0, sent.stderr);
    const codecs = await batchCodecs(Number(bootstrap.split(':')[1]), topic, 0);
    assert.ok(codecs.length > 0 && codecs.every((c) => c === codec), `stored as ${codec} batches: ${codecs.join(',')}`);
    await expectEveryReader(topic, lines);
  }
});

/** kcat, the console consumer on one partition, and the console consumer in a group all print `lines`. */
async function expectEveryReader(topic: string, lines: string[]): Promise<void> {
  const expected = lines.join('\n') + '\n';
  const byKcat = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
  assert.equal(byKcat.stdout, expected, byKcat.stderr);
  const byPartition = await consume(topic, '--partition', '0', '--offset', 'earliest', '--max-messages', String(lines.length));
  assert.equal(byPartition.stdout, expected, byPartition.stderr);
  const byGroup = await consume(topic, '--group', `${topic}-readers`, '--from-beginning', '--max-messages', String(lines.length));
  assert.equal(byGroup.stdout, expected, byGroup.stderr);
}

test('keyed lines land where Kafka\'s default partitioner puts them, every time', async () => {
  await createTopic('keyed', 6);
  const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`);
  const input = [...keys, ...keys].map((k, i) => `${k}:{"n":${i}}`).join('\n') + '\n';
  const sent = await produce('keyed', input, '--property', 'parse.key=true', '--property', 'key.separator=:', '--request-required-acks', '1');
  assert.equal(sent.code, 0, sent.stderr);
  const pick = Partitioners.DefaultPartitioner();
  const metadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] }));
  const seen = new Map<string, Set<number>>();
  for (let partition = 0; partition < 6; partition++) {
    const got = await consume('keyed', '--partition', String(partition), '--offset', 'earliest', '--timeout-ms', '1500',
      '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'key.separator=|');
    assert.equal(got.code, 0, got.stderr);
    for (const line of got.stdout.split('\n').filter((l) => l !== '')) {
      const [where, key] = line.split('|');
      assert.equal(where, `Partition:${partition}`);
      seen.set(key!, (seen.get(key!) ?? new Set()).add(partition));
    }
  }
  assert.equal(seen.size, keys.length);
  for (const key of keys) {
    assert.deepEqual([...seen.get(key)!], [pick({ topic: 'keyed', partitionMetadata: metadata, message: { key, value: '' } })], key);
  }
});

test('the formatter prints timestamp, partition, offset, key and value in Kafka\'s layout', async () => {
  await createTopic('fields', 1);
  assert.equal((await produce('fields', 'k1:v1\nk2:v2\n', '--property', 'parse.key=true', '--property', 'key.separator=:')).code, 0);
  const got = await consume('fields', '--partition', '0', '--offset', '1', '--max-messages', '1',
    '--property', 'print.timestamp=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.key=true');
  assert.equal(got.code, 0, got.stderr);
  assert.equal(got.stdout.replace(/CreateTime:\d+/, 'CreateTime:<ts>'), 'CreateTime:<ts>\tPartition:0\tOffset:1\tk2\tv2\n');
});

test('--timeout-ms ends an idle consumer with Kafka\'s messages and exit 0', async () => {
  await createTopic('idle', 1);
  const started = Date.now();
  const got = await consume('idle', '--partition', '0', '--timeout-ms', '1000');
  assert.equal(got.code, 0, got.stderr);
  assert.match(got.stderr, /terminating consumer process: TimeoutException\nProcessed a total of 0 messages\n$/);
  assert.ok(Date.now() - started < 15_000);
});

test('Ctrl-C stops a group consumer cleanly and commits what it printed', async () => {
  await createTopic('grouped', 2);
  assert.equal((await produce('grouped', 'a\nb\nc\nd\n')).code, 0);
  const consumer = new BackgroundTool('kafka-console-consumer.sh', ['--topic', 'grouped', '--group', 'g1', '--from-beginning', '--bootstrap-server', bootstrap]);
  await eventually('the consumer printed the 4 records', 30_000, async () => consumer.lines.length === 4);
  assert.equal(await consumer.stop('SIGINT'), 0);
  assert.match(consumer.stderr, /Processed a total of 4 messages\n$/);
  assert.deepEqual(consumer.lines.sort(), ['a', 'b', 'c', 'd']);
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: 'g1', topics: ['grouped'] });
    assert.equal(offsets!.partitions.reduce((sum, p) => sum + Number(p.offset), 0), 4);
    const group = (await admin.describeGroups(['g1'])).groups[0]!;
    assert.equal(group.members.length, 0, 'the consumer left the group');
  } finally {
    await admin.disconnect();
  }
  const resumed = await consume('grouped', '--group', 'g1', '--timeout-ms', '4000');
  assert.equal(resumed.stdout, '', 'a consumer of the same group resumes after what was committed');
});

test('usage errors and an unreachable server end the tools quickly and say why', async () => {
  const badCodec = await produce('lines', 'x\n', '--compression-codec', 'zstd');
  assert.equal(badCodec.code, 1);
  assert.match(badCodec.stderr, /compression codec 'zstd' is not available in this producer: use none, gzip, snappy or lz4/);
  const badFlag = await consume('lines', '--form-beginning');
  assert.equal(badFlag.code, 1);
  assert.match(badFlag.stderr, /Unknown argument: form-beginning/);
  const noTopic = await kafkaTool('kafka-console-consumer.sh', ['--bootstrap-server', bootstrap]);
  assert.equal(noTopic.code, 1);
  assert.match(noTopic.stderr, /Exactly one of include\/topic is required\./);
  const badOffset = await consume('lines', '--offset', '5');
  assert.match(badOffset.stderr, /The partition is required when offset is specified\./);
  const noKeySeparator = await produce('lines', 'nokey\n', '--property', 'parse.key=true', '--property', 'key.separator=:');
  assert.equal(noKeySeparator.code, 1);
  assert.match(noKeySeparator.stderr, /No key separator found on line number 1: 'nokey'/);
  for (const tool of ['kafka-console-producer.sh', 'kafka-console-consumer.sh']) {
    const started = Date.now();
    const result = await kafkaTool(tool, ['--topic', 't', '--bootstrap-server', '127.0.0.1:1'], { input: 'x\n', timeoutMs: 30_000 });
    assert.equal(result.code, 1, tool);
    assert.match(result.stderr, /could not connect to 127\.0\.0\.1:1/);
    assert.ok(Date.now() - started < 15_000, `${tool} took ${Date.now() - started} ms`);
    const help = await kafkaTool(tool, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:/);
  }
});
