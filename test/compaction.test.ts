/**
 * Log compaction with real processes (3 combined nodes, 1 KiB segments, the cleaner every 300 ms):
 * 1. node 3 is killed; a topic with cleanup.policy=compact (RF=3, min.insync.replicas=2) gets
 *    2000 keyed records over 10 keys, a tombstone, then unique filler records; a kafkajs group
 *    consumer commits after every record, so __consumer_offsets (1 partition) fills up with
 *    commits of one key;
 * 2. min.compaction.lag.ms holds the topic uncompacted until its bytes are measured; set to 0,
 *    the partition directories on the live nodes shrink to a fraction of that (bytes before and
 *    after are printed);
 * 3. node 3 restarts, catches up from compacted leaders (fetching across offset gaps), compacts
 *    its own copy, and every replica of both topics is back in the ISR;
 * 4. a fresh kafkajs consumer reading from the beginning sees exactly the latest value of each key
 *    (null for the deleted key) at the offset it was acknowledged at, and every filler once;
 * 5. the coordinator's node is killed with kill -9: the committed offset survives the failover.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { IncrementalAlterConfigs, Metadata, type IncrementalAlterConfigsResponse, type MetadataResponse } from '@sluice/protocol';
import { LocalCluster, WireClient } from '@sluice/testkit';
import { startGroupConsumer, type Delivery } from './support/groups.js';
import { eventually, waitForLeader } from './support/quorum.js';

const TOPIC = 'compacted';
const OFFSETS = '__consumer_offsets';
const KEYS = 10;

let cluster: LocalCluster;
after(async () => cluster?.close());

async function partitionState(port: number, topic: string): Promise<{ leader: number; isr: number[] } | null> {
  const client = await WireClient.connect(port);
  try {
    const m = await client.request<MetadataResponse>(Metadata, 7, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    const p = m.topics[0]?.partitions.find((x) => x.partitionIndex === 0);
    return p ? { leader: p.leaderId, isr: [...p.isrNodes].sort() } : null;
  } finally {
    client.close();
  }
}

/** Bytes of the segment files in a node's directory of partition 0 of `topic`. */
function partitionBytes(nodeId: number, topic: string): number {
  const dir = join(cluster.dataDir(nodeId), `${topic}-0`);
  return readdirSync(dir).filter((n) => n.endsWith('.log')).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

async function setTopicConfig(topic: string, name: string, value: string): Promise<void> {
  const client = await WireClient.connect(cluster.node(1).port);
  try {
    const response = await client.request<IncrementalAlterConfigsResponse>(IncrementalAlterConfigs, 0, {
      resources: [{ resourceType: 2, resourceName: topic, configs: [{ name, configOperation: 0, value }] }], validateOnly: false,
    });
    assert.equal(response.responses[0]!.errorCode, 0, response.responses[0]!.errorMessage ?? '');
  } finally {
    client.close();
  }
}

async function committedOffset(admin: Admin, groupId: string): Promise<bigint> {
  const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
  return BigInt(topic!.partitions.find((p) => p.partition === 0)!.offset);
}

test('compaction keeps the latest record per key on every replica, shrinks the logs and keeps followers in the ISR', async () => {
  cluster = await LocalCluster.start({
    controllers: 3,
    overrides: [
      'log.cleaner.backoff.ms=300', 'offsets.topic.segment.bytes=1024', 'offsets.topic.num.partitions=1',
      'group.initial.rebalance.delay.ms=0', 'replica.lag.time.max.ms=5000',
    ],
  });
  await waitForLeader(cluster, [1, 2, 3], 10_000);
  const kafka = new Kafka({ clientId: 'it-compaction', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3, configEntries: [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '1024' }, { name: 'min.insync.replicas', value: '2' },
      { name: 'min.compaction.lag.ms', value: '3600000' },
    ] }],
  });
  // A group commits once so __consumer_offsets exists with three replicas before node 3 goes.
  const sink: Delivery[] = [];
  let group = await startGroupConsumer(kafka, { groupId: 'g', topic: TOPIC, name: 'c1', sink });
  await eventually('every replica of both topics in the ISR', 30_000, async () => (await partitionState(cluster.node(1).port, TOPIC))?.isr.length === 3 && (await partitionState(cluster.node(1).port, OFFSETS))?.isr.length === 3);

  // 1. Node 3 is down while the keyed records and the commits are written.
  await cluster.node(3).kill();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const acked = new Map<string, { offset: bigint; value: string | null }>();
  for (let round = 0; round < 100; round++) {
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: `key-${(round * 20 + i) % KEYS}`, value: `value-${round * 20 + i}` }));
    const [result] = await producer.send({ topic: TOPIC, acks: -1, messages });
    messages.forEach((m, i) => acked.set(m.key, { offset: BigInt(result!.baseOffset!) + BigInt(i), value: m.value }));
  }
  const [deleted] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'key-0', value: null }] });
  acked.set('key-0', { offset: BigInt(deleted!.baseOffset!), value: null });
  for (let i = 0; i < 60; i++) {
    const [result] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: `filler-${i}`, value: `filler-value-${i}` }] });
    acked.set(`filler-${i}`, { offset: BigInt(result!.baseOffset!), value: `filler-value-${i}` });
  }
  const logEnd = BigInt((await admin.fetchTopicOffsets(TOPIC))[0]!.high);
  await eventually('the group consumed and committed everything', 60_000, async () => (await committedOffset(admin, 'g')) === logEnd);
  await group.stop();

  // 2. The live replicas shrink once the compaction lag is lifted.
  const beforeBytes = Math.min(partitionBytes(1, TOPIC), partitionBytes(2, TOPIC));
  await setTopicConfig(TOPIC, 'min.compaction.lag.ms', '0');
  await eventually('the compacted topic shrank on nodes 1 and 2', 30_000, async () => [1, 2].every((n) => partitionBytes(n, TOPIC) < beforeBytes / 3));
  await eventually('__consumer_offsets shrank on nodes 1 and 2', 30_000, async () => [1, 2].every((n) => partitionBytes(n, OFFSETS) < 8 * 1024));
  const live = [1, 2].map((n) => ({ node: n, topic: partitionBytes(n, TOPIC), offsets: partitionBytes(n, OFFSETS) }));

  // 3. Node 3 catches up from compacted leaders and rejoins the ISR of both topics.
  await cluster.startNode(3);
  await eventually('node 3 back in the ISR of both topics', 60_000, async () => (await partitionState(cluster.node(1).port, TOPIC))?.isr.length === 3 && (await partitionState(cluster.node(1).port, OFFSETS))?.isr.length === 3);
  await eventually('node 3 compacted its own copies', 30_000, async () => partitionBytes(3, TOPIC) < beforeBytes / 3 && partitionBytes(3, OFFSETS) < 8 * 1024);
  console.log(`compaction: ${beforeBytes} bytes in ${TOPIC} before (nodes 1 and 2); after: ${JSON.stringify([...live, { node: 3, topic: partitionBytes(3, TOPIC), offsets: partitionBytes(3, OFFSETS) }])}`);

  // 4. Reading from the beginning: the latest value of each key at its acknowledged offset, and the fillers.
  const seen: { key: string; value: string | null; offset: bigint }[] = [];
  const reader = kafka.consumer({ groupId: 'reader', maxWaitTimeInMs: 300 });
  await reader.connect();
  await reader.subscribe({ topic: TOPIC, fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => { seen.push({ key: message.key!.toString(), value: message.value?.toString() ?? null, offset: BigInt(message.offset) }); } });
  await eventually('the reader reached the log end', 60_000, async () => seen.length > 0 && seen[seen.length - 1]!.offset === logEnd - 1n);
  await reader.disconnect();
  const byKey = new Map<string, { offset: bigint; value: string | null }[]>();
  for (const r of seen) byKey.set(r.key, [...(byKey.get(r.key) ?? []), { offset: r.offset, value: r.value }]);
  assert.equal(byKey.size, KEYS + 60);
  for (const [key, expected] of acked) assert.deepEqual(byKey.get(key), [expected], `records of ${key}`);
  assert.ok(seen.every((r, i) => i === 0 || r.offset > seen[i - 1]!.offset), 'offsets increase');

  // 5. Kill -9 the coordinator's node: the committed offset survives the failover.
  const coordinator = (await partitionState(cluster.node(1).port, OFFSETS))!.leader;
  const survivor = [1, 2, 3].find((n) => n !== coordinator)!;
  await cluster.node(coordinator).kill();
  await eventually('a new leader for __consumer_offsets', 30_000, async () => {
    const state = await partitionState(cluster.node(survivor).port, OFFSETS);
    return state !== null && state.leader !== coordinator && state.leader >= 0;
  });
  const failoverAdmin = new Kafka({ clientId: 'it-compaction-2', brokers: [cluster.node(survivor).bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } }).admin();
  await failoverAdmin.connect();
  await eventually('the committed offset is served by the new coordinator', 30_000, async () => (await committedOffset(failoverAdmin, 'g').catch(() => -1n)) === logEnd);
  await failoverAdmin.disconnect();
  await cluster.startNode(coordinator);
  group = await startGroupConsumer(kafka, { groupId: 'g', topic: TOPIC, name: 'c2', sink });
  const consumedBefore = sink.length;
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(sink.length, consumedBefore, 'the group resumes at its committed offset: nothing is delivered again');
  await group.stop();
  await producer.disconnect();
  await admin.disconnect();
});
