/**
 * A Kafka command-line tutorial replayed as written against a real three-node cluster, each step
 * checked against what Kafka prints: create `iabd-topic`, list and describe it; produce three lines
 * and read them back from the beginning; a keyed producer with a JSON value; a three-partition
 * topic shared by two console consumers of group `iabd-app1`; kafka-consumer-groups.sh lists the
 * group and shows its offsets and lag; after the consumers stop and five more records arrive, it
 * shows the lag and that the group has no active members. Steps run in order and share state.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { LocalCluster } from '@sluice/testkit';
import { BackgroundTool, describeFields, kafkaTool } from './support/cli.js';
import { eventually } from './support/quorum.js';

const cluster = await LocalCluster.start({ controllers: 3 });
const bootstrap = `127.0.0.1:${cluster.node(1).port}`;
const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const consumers: BackgroundTool[] = [];
after(async () => {
  await Promise.all(consumers.map((c) => c.stop('SIGKILL')));
  await admin.disconnect();
  await cluster.close();
});

const GROUP_COLUMNS = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];

/** kafka-consumer-groups.sh --describe rows as column maps (the table's header names the columns). */
function offsetRows(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Consumer group'));
  const header = lines[0]!.trim().split(/\s+/);
  assert.deepEqual(header, GROUP_COLUMNS);
  return lines.slice(1).map((l) => Object.fromEntries(l.trim().split(/\s+/).map((v, i) => [header[i]!, v])));
}

/** Total lag of the group on the topic, from the committed offsets and the log end offsets. */
async function lagOf(groupId: string, topic: string): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.reduce((sum, end) => {
    const at = Number(committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1');
    return sum + Number(end.high) - Math.max(at, 0);
  }, 0);
}

test('kafka-topics.sh --create, --list and --describe iabd-topic', async () => {
  const created = await kafkaTool('kafka-topics.sh', ['--create', '--topic', 'iabd-topic', '--bootstrap-server', bootstrap]);
  assert.equal(created.stdout, 'Created topic iabd-topic.\n');
  const list = await kafkaTool('kafka-topics.sh', ['--list', '--bootstrap-server', bootstrap]);
  assert.ok(list.stdout.split('\n').includes('iabd-topic'));
  const described = await kafkaTool('kafka-topics.sh', ['--describe', '--topic', 'iabd-topic', '--bootstrap-server', bootstrap]);
  const [head, partition0, ...rest] = describeFields(described.stdout);
  assert.equal(rest.length, 0);
  assert.deepEqual(head!.fields.map(([k, v]) => (k === 'TopicId' ? [k, '<id>'] : [k, v])),
    [['Topic', 'iabd-topic'], ['TopicId', '<id>'], ['PartitionCount', '1'], ['ReplicationFactor', '1'], ['Configs', '']]);
  const p = Object.fromEntries(partition0!.fields);
  assert.deepEqual([p['Topic'], p['Partition'], p['Replicas'], p['Isr']], ['iabd-topic', '0', p['Leader'], p['Leader']]);
});

test('kafka-console-producer.sh three lines; kafka-console-consumer.sh --from-beginning reads them', async () => {
  const sent = await kafkaTool('kafka-console-producer.sh', ['--topic', 'iabd-topic', '--bootstrap-server', bootstrap], { input: 'Hola Mundo\nEsto es una prueba\nAdios\n' });
  assert.equal(sent.code, 0, sent.stderr);
  const consumer = new BackgroundTool('kafka-console-consumer.sh', ['--topic', 'iabd-topic', '--from-beginning', '--bootstrap-server', bootstrap]);
  consumers.push(consumer);
  await eventually('three lines consumed', 30_000, async () => consumer.lines.length >= 3);
  assert.equal(await consumer.stop('SIGINT'), 0);
  assert.deepEqual(consumer.lines, ['Hola Mundo', 'Esto es una prueba', 'Adios']);
  assert.match(consumer.stderr, /Processed a total of 3 messages/);
});

test('a keyed producer with a JSON value', async () => {
  const sent = await kafkaTool('kafka-console-producer.sh', ['--topic', 'iabd-topic', '--bootstrap-server', bootstrap,
    '--property', 'parse.key=true', '--property', 'key.separator=:'], { input: '1:{"nombre":"Aitor","ciudad":"Elche"}\n' });
  assert.equal(sent.code, 0, sent.stderr);
  const got = await kafkaTool('kafka-console-consumer.sh', ['--topic', 'iabd-topic', '--from-beginning', '--max-messages', '4',
    '--property', 'print.key=true', '--property', 'key.separator=:', '--bootstrap-server', bootstrap]);
  assert.equal(got.code, 0, got.stderr);
  assert.deepEqual(got.stdout.trim().split('\n'), ['null:Hola Mundo', 'null:Esto es una prueba', 'null:Adios', '1:{"nombre":"Aitor","ciudad":"Elche"}']);
});

test('two console consumers of group iabd-app1 share iabd-topic-group\'s records', async () => {
  const created = await kafkaTool('kafka-topics.sh', ['--create', '--topic', 'iabd-topic-group', '--partitions', '3', '--bootstrap-server', bootstrap]);
  assert.equal(created.stdout, 'Created topic iabd-topic-group.\n');
  for (let i = 0; i < 2; i++) {
    consumers.push(new BackgroundTool('kafka-console-consumer.sh', ['--topic', 'iabd-topic-group', '--group', 'iabd-app1', '--bootstrap-server', bootstrap]));
  }
  await eventually('both consumers are members of a stable iabd-app1', 30_000, async () => {
    const group = (await admin.describeGroups(['iabd-app1'])).groups[0]!;
    return group.state === 'Stable' && group.members.length === 2;
  });
  // They start at the log end ("latest"): give both a moment to look it up before records arrive.
  await new Promise((r) => setTimeout(r, 1_500));
  const lines = Array.from({ length: 12 }, (_, i) => `mensaje ${i + 1}`);
  const sent = await kafkaTool('kafka-console-producer.sh', ['--topic', 'iabd-topic-group', '--bootstrap-server', bootstrap], { input: lines.join('\n') + '\n' });
  assert.equal(sent.code, 0, sent.stderr);
  const [a, b] = consumers.slice(-2);
  await eventually('all 12 records consumed', 30_000, async () => a!.lines.length + b!.lines.length >= 12);
  assert.ok(a!.lines.length > 0 && b!.lines.length > 0, `both consumers got records: ${a!.lines.length} and ${b!.lines.length}`);
  assert.deepEqual([...a!.lines, ...b!.lines].sort(), [...lines].sort());
  await eventually('the group committed everything', 15_000, async () => (await lagOf('iabd-app1', 'iabd-topic-group')) === 0);
});

test('kafka-consumer-groups.sh --list and --describe show iabd-app1 caught up', async () => {
  const list = await kafkaTool('kafka-consumer-groups.sh', ['--list', '--bootstrap-server', bootstrap]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.split('\n').includes('iabd-app1'), list.stdout);
  const described = await kafkaTool('kafka-consumer-groups.sh', ['--describe', '--group', 'iabd-app1', '--bootstrap-server', bootstrap]);
  assert.equal(described.code, 0, described.stderr);
  const rows = offsetRows(described.stdout);
  assert.deepEqual(rows.map((r) => r['PARTITION']).sort(), ['0', '1', '2']);
  for (const r of rows) {
    assert.equal(r['GROUP'], 'iabd-app1');
    assert.equal(r['TOPIC'], 'iabd-topic-group');
    assert.equal(r['LAG'], '0');
    assert.equal(r['CURRENT-OFFSET'], r['LOG-END-OFFSET']);
    assert.notEqual(r['CONSUMER-ID'], '-');
  }
  assert.equal(rows.reduce((sum, r) => sum + Number(r['LOG-END-OFFSET']), 0), 12);
});

test('the consumers stop with Ctrl-C; five more records become the group\'s lag', async () => {
  const [a, b] = consumers.slice(-2);
  assert.deepEqual(await Promise.all([a!.stop('SIGINT'), b!.stop('SIGINT')]), [0, 0]);
  const processed = [a!, b!].map((c) => Number(/Processed a total of (\d+) messages/.exec(c.stderr)?.[1]));
  assert.equal(processed[0]! + processed[1]!, 12);
  const more = ['uno', 'dos', 'tres', 'cuatro', 'cinco'].join('\n') + '\n';
  const sent = await kafkaTool('kafka-console-producer.sh', ['--topic', 'iabd-topic-group', '--bootstrap-server', bootstrap], { input: more });
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(await lagOf('iabd-app1', 'iabd-topic-group'), 5);
  assert.equal((await admin.describeGroups(['iabd-app1'])).groups[0]!.members.length, 0);
});

test('kafka-consumer-groups.sh --describe shows the lag and no active members', async () => {
  const described = await kafkaTool('kafka-consumer-groups.sh', ['--describe', '--group', 'iabd-app1', '--bootstrap-server', bootstrap]);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout + described.stderr, /Consumer group 'iabd-app1' has no active members\./);
  const rows = offsetRows(described.stdout);
  assert.equal(rows.reduce((sum, r) => sum + Number(r['LAG']), 0), 5);
  assert.equal(rows.reduce((sum, r) => sum + Number(r['LOG-END-OFFSET']), 0), 17);
  for (const r of rows) assert.equal(r['CONSUMER-ID'], '-');
});
