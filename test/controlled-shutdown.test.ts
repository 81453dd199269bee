/**
 * SIGTERM is a controlled shutdown (3 combined nodes, RF=3, min.insync.replicas=2): the broker asks
 * the controller to move its leaderships away before it exits, so while a producer writes with
 * acks=all the partition it led keeps accepting writes through the stop (no unavailability beyond a
 * leader move), the node exits with status 0, and nothing acknowledged is lost after it restarts.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Metadata, type MetadataResponse } from '@sluice/protocol';
import { LocalCluster, WireClient } from '@sluice/testkit';
import { readPartition } from './support/fetch-reader.js';
import { eventually, waitForLeader } from './support/quorum.js';

let cluster: LocalCluster;
after(async () => cluster?.close());

async function leaderOf(port: number, topic: string, partition: number): Promise<{ leader: number; isr: number[] }> {
  const client = await WireClient.connect(port);
  try {
    const m = await client.request<MetadataResponse>(Metadata, 7, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    const p = m.topics[0]!.partitions[partition]!;
    return { leader: p.leaderId, isr: [...p.isrNodes] };
  } finally {
    client.close();
  }
}

test('SIGTERM hands leadership away before the broker exits', async () => {
  cluster = await LocalCluster.start({ controllers: 3 });
  await waitForLeader(cluster, [1, 2, 3], 10_000);
  const kafka = new Kafka({ clientId: 'it-shutdown', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'calm', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });
  await admin.disconnect();
  await eventually('full ISR', 15_000, async () => (await leaderOf(cluster.node(1).port, 'calm', 0)).isr.length === 3);
  const { leader } = await leaderOf(cluster.node(1).port, 'calm', 0);

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const acked = new Map<string, bigint>();
  let seq = 0;
  let slowestMs = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const value = `c-${seq++}`;
      const started = Date.now();
      try {
        const [r] = await producer.send({ topic: 'calm', acks: -1, messages: [{ value }] });
        acked.set(value, BigInt(r!.baseOffset!));
        slowestMs = Math.max(slowestMs, Date.now() - started);
      } catch {
        await new Promise((res) => setTimeout(res, 50));
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 1000));
  slowestMs = 0;
  const exitCode = await cluster.node(leader).stop();
  assert.equal(exitCode, 0, 'the node exits cleanly');
  const other = [1, 2, 3].find((id) => id !== leader)!;
  assert.notEqual((await leaderOf(cluster.node(other).port, 'calm', 0)).leader, leader, 'leadership moved before the exit');
  const afterStop = acked.size;
  await eventually('production goes on', 10_000, async () => acked.size > afterStop + 20);
  console.log(`slowest acknowledged produce around the controlled shutdown: ${slowestMs} ms`);
  await cluster.startNode(leader);
  await eventually('the node rejoins the ISR', 20_000, async () => (await leaderOf(cluster.node(other).port, 'calm', 0)).isr.includes(leader));
  stop = true;
  await loop;
  await producer.disconnect();
  const now = (await leaderOf(cluster.node(other).port, 'calm', 0)).leader;
  const records = await readPartition(cluster.node(now).port, 'calm', 0);
  for (const [value, offset] of acked) assert.equal(records[Number(offset)]?.value?.toString(), value, `acknowledged ${value} at ${offset}`);
});
