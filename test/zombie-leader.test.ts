/**
 * A paused old leader (SIGSTOP longer than the broker session, then SIGCONT) acknowledges nothing:
 * while it was frozen the controller fenced it and elected a new leader with a higher epoch; an
 * acks=all produce sent straight to the resumed old leader is refused or times out, and never
 * appears in the partition; the old leader truncates whatever it appended as a zombie and rejoins
 * the ISR as a follower (faults.md invariant 12).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  CreateTopics, encodeRecordBatch, Metadata, Produce,
  type CreateTopicsResponse, type MetadataResponse, type ProduceResponse,
} from '@sluice/protocol';
import { LocalCluster, WireClient } from '@sluice/testkit';
import { readPartition } from './support/fetch-reader.js';
import { eventually, waitForLeader } from './support/quorum.js';

let cluster: LocalCluster;
after(async () => cluster?.close());

async function state(port: number): Promise<{ leader: number; epoch: number; isr: number[] }> {
  const client = await WireClient.connect(port);
  try {
    const m = await client.request<MetadataResponse>(Metadata, 7, { topics: [{ name: 'zombie' }], allowAutoTopicCreation: false });
    const p = m.topics[0]!.partitions[0]!;
    return { leader: p.leaderId, epoch: p.leaderEpoch, isr: [...p.isrNodes] };
  } finally {
    client.close();
  }
}

async function produce(port: number, value: string, timeoutMs: number): Promise<number> {
  const client = await WireClient.connect(port);
  try {
    const response = await client.request<ProduceResponse>(Produce, 7, {
      transactionalId: null, acks: -1, timeoutMs,
      topicData: [{ name: 'zombie', partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ key: null, value: Buffer.from(value) }] }) }] }],
    });
    return response.responses[0]!.partitionResponses[0]!.errorCode;
  } catch {
    return -1; // the connection failed: nothing was acknowledged
  } finally {
    client.close();
  }
}

test('a resumed zombie leader acknowledges nothing and rejoins as a follower', async () => {
  cluster = await LocalCluster.start({ controllers: 3, overrides: ['replica.lag.time.max.ms=3000'] });
  await waitForLeader(cluster, [1, 2, 3], 10_000);
  const admin = await WireClient.connect(cluster.node(1).port);
  const created = await admin.request<CreateTopicsResponse>(CreateTopics, 4, {
    topics: [{ name: 'zombie', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [{ name: 'min.insync.replicas', value: '2' }] }],
    timeoutMs: 10_000, validateOnly: false,
  });
  admin.close();
  assert.equal(created.topics[0]!.errorCode, 0);
  await eventually('full ISR', 15_000, async () => (await state(cluster.node(1).port)).isr.length === 3);
  const old = await state(cluster.node(1).port);
  assert.equal(await produce(cluster.node(old.leader).port, 'before', 5000), 0);

  const other = [1, 2, 3].find((id) => id !== old.leader)!;
  cluster.node(old.leader).pause();
  try {
    await eventually('a new leader with a higher epoch', 20_000, async () => {
      const now = await state(cluster.node(other).port);
      return now.leader !== old.leader && now.leader >= 0 && now.epoch > old.epoch;
    });
    const fresh = await state(cluster.node(other).port);
    await eventually('the new leader takes writes', 20_000, async () => (await produce(cluster.node(fresh.leader).port, 'after', 5000)) === 0);
  } finally {
    cluster.node(old.leader).resume();
  }
  const code = await produce(cluster.node(old.leader).port, 'zombie-write', 3000);
  assert.notEqual(code, 0, `the resumed old leader must not acknowledge (answered ${code})`);

  await eventually('the old leader rejoins the ISR as a follower', 30_000, async () => {
    const now = await state(cluster.node(other).port);
    return now.isr.includes(old.leader);
  });
  const now = await state(cluster.node(other).port);
  const values = (await readPartition(cluster.node(now.leader).port, 'zombie', 0)).map((r) => r.value!.toString());
  assert.ok(values.includes('before') && values.includes('after'), `acknowledged writes kept: ${values.join(',')}`);
  assert.ok(!values.includes('zombie-write'), 'the zombie write is not in the partition');
});
