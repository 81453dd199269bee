/**
 * Broker sessions with real processes: when a broker is killed, the active controller fences it
 * once its session expires, and every partition it led gets a new leader from its ISR with a
 * higher leader epoch; when it comes back it registers again and is unfenced. Partitions whose only
 * replica was the dead broker show no leader (LEADER_NOT_AVAILABLE) rather than a dead one.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CreateTopics, Metadata, type CreateTopicsResponse, type MetadataResponse } from '@sluice/protocol';
import { LocalCluster, WireClient } from '@sluice/testkit';
import { eventually, waitForLeader } from './support/quorum.js';

let cluster: LocalCluster;
after(async () => cluster?.close());

async function metadata(port: number): Promise<MetadataResponse> {
  const client = await WireClient.connect(port);
  try {
    return await client.request<MetadataResponse>(Metadata, 7, { topics: null, allowAutoTopicCreation: false });
  } finally {
    client.close();
  }
}

test('a dead broker is fenced after its session and its leaderships move', async () => {
  cluster = await LocalCluster.start({ controllers: 3, brokers: 1, overrides: ['broker.session.timeout.ms=3000', 'broker.heartbeat.interval.ms=500'] });
  await waitForLeader(cluster, [1, 2, 3], 10_000);
  const client = await WireClient.connect(cluster.node(1).port);
  const created = await client.request<CreateTopicsResponse>(CreateTopics, 4, {
    topics: [
      { name: 'spread', numPartitions: 8, replicationFactor: 2, assignments: [], configs: [] },
      { name: 'only-on-4', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [4] }], configs: [] },
    ],
    timeoutMs: 10_000, validateOnly: false,
  });
  client.close();
  assert.deepEqual(created.topics.map((t) => t.errorCode), [0, 0]);
  const before = await metadata(cluster.node(1).port);
  const spread = before.topics.find((t) => t.name === 'spread')!;
  const ledBy4 = spread.partitions.filter((p) => p.leaderId === 4);
  assert.ok(ledBy4.length > 0, 'broker 4 leads some partitions of the spread topic');

  const killedAt = Date.now();
  await cluster.node(4).kill();
  await eventually('broker 4 is fenced and no partition names it as leader', 15_000, async () => {
    const now = await metadata(cluster.node(1).port);
    return !now.brokers.some((b) => b.nodeId === 4) && now.topics.every((t) => t.partitions.every((p) => p.leaderId !== 4));
  });
  console.log(`broker 4 fenced and its leaderships moved ${Date.now() - killedAt} ms after kill -9`);
  const after = await metadata(cluster.node(2).port);
  for (const old of ledBy4) {
    const now = after.topics.find((t) => t.name === 'spread')!.partitions.find((p) => p.partitionIndex === old.partitionIndex)!;
    assert.ok(now.replicaNodes.includes(now.leaderId), 'the new leader is a replica');
    assert.ok(now.leaderEpoch > old.leaderEpoch, 'the leader epoch went up');
  }
  const lonely = after.topics.find((t) => t.name === 'only-on-4')!.partitions[0]!;
  assert.equal(lonely.leaderId, -1);
  assert.equal(lonely.errorCode, 5, 'LEADER_NOT_AVAILABLE');

  await cluster.startNode(4);
  await eventually('broker 4 is back and unfenced', 15_000, async () => (await metadata(cluster.node(1).port)).brokers.some((b) => b.nodeId === 4));
  await eventually('the lonely partition has its leader back', 15_000, async () =>
    (await metadata(cluster.node(1).port)).topics.find((t) => t.name === 'only-on-4')!.partitions[0]!.leaderId === 4);
});
