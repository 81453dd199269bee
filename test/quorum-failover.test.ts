/**
 * The metadata quorum with real processes: three combined controller+broker nodes and one
 * broker-only node. A leader is elected; topics created through any node reach every node (the
 * broker-only one through its observer); kill -9 of the quorum leader elects a new one (the time is
 * measured and printed) and loses no topic; the killed node catches up after restart; and after all
 * controllers stop and start again the metadata is recovered from disk.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { LocalCluster } from '@sluice/testkit';
import { createTopics, eventually, topicNames, waitForLeader } from './support/quorum.js';

let cluster: LocalCluster;
after(async () => cluster?.close());

test('leader election, failover after kill -9, and recovery from disk', async () => {
  cluster = await LocalCluster.start({ controllers: 3, brokers: 1 });
  const first = await waitForLeader(cluster, [1, 2, 3], 10_000);
  assert.deepEqual(await createTopics(cluster.node(4).port, ['alpha', 'beta']), [0, 0], 'created through the broker-only node');
  assert.deepEqual(await createTopics(cluster.node(1).port, ['gamma'], 3), [0]);
  for (const id of [1, 2, 3, 4]) {
    await eventually(`node ${id} sees the topics`, 10_000, async () => (await topicNames(cluster.node(id).port)).join() === 'alpha,beta,gamma');
  }

  const killedAt = Date.now();
  await cluster.node(first.leaderId).kill();
  const survivors = [1, 2, 3].filter((id) => id !== first.leaderId);
  const second = await waitForLeader(cluster, survivors, 15_000, first.epoch);
  const electionMs = Date.now() - killedAt;
  console.log(`quorum failover: leader ${first.leaderId} killed, node ${second.leaderId} leads epoch ${second.epoch} after ${electionMs} ms`);
  assert.ok(second.epoch > first.epoch);
  for (const id of [...survivors, 4]) assert.deepEqual(await topicNames(cluster.node(id).port), ['alpha', 'beta', 'gamma'], `node ${id} lost nothing`);
  assert.deepEqual(await createTopics(cluster.node(4).port, ['delta']), [0], 'the new leader commits');

  await cluster.startNode(first.leaderId);
  await eventually('the restarted node catches up', 15_000, async () => (await topicNames(cluster.node(first.leaderId).port)).includes('delta'));

  for (const id of [1, 2, 3, 4]) await cluster.node(id).stop();
  await Promise.all([1, 2, 3, 4].map((id) => cluster.startNode(id)));
  await waitForLeader(cluster, [1, 2, 3], 15_000);
  for (const id of [1, 2, 3, 4]) {
    await eventually(`node ${id} recovered the metadata`, 15_000, async () => (await topicNames(cluster.node(id).port)).join() === 'alpha,beta,delta,gamma');
  }
});
