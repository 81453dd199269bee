/**
 * Consumer groups with kafkajs 2.2.4 against a real node, on a topic with 3 partitions:
 * 1. two consumers in group A split the partitions and together get every message exactly once;
 *    a third joining triggers a rebalance after which all partitions stay covered;
 * 2. a consumer in a new group B from the earliest offset gets everything;
 * 3. restarted in group B it gets nothing old;
 * 4. with every consumer stopped and 5 more produced, group B gets exactly those 5;
 * 5. DescribeGroups / OffsetFetch / ListOffsets give the committed offset, log end and lag per
 *    partition (checked against what was produced and consumed), and a stopped group is Empty with
 *    no members.
 * Then the node restarts and the committed offsets are still there (loaded from __consumer_offsets).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { startSingleNode } from './support/cluster.js';
import { coversExactly, deliveryCounts, startGroupConsumer, testKafka, type Delivery } from './support/groups.js';
import { eventually } from './support/quorum.js';

const TOPIC = 'orders';

async function produce(producer: Producer, values: string[]): Promise<void> {
  await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ key: value, value })) });
}

async function committed(admin: Admin, groupId: string): Promise<Map<number, bigint>> {
  const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
  return new Map(topic!.partitions.map((p) => [p.partition, BigInt(p.offset)]));
}

async function logEnds(admin: Admin): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  return new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
}

/** Waits until the group's committed offsets reach the log end of every partition. */
async function caughtUp(admin: Admin, groupId: string): Promise<void> {
  await eventually(`group ${groupId} committed up to the log end`, 30_000, async () => {
    const [c, e] = [await committed(admin, groupId), await logEnds(admin)];
    return [...e].every(([p, end]) => c.get(p) === end);
  });
}

const values = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

test('kafkajs consumer groups: split, rebalance, committed offsets, new groups, lag and restart', async () => {
  const single = await startSingleNode(['group.initial.rebalance.delay.ms=0']);
  const kafka = testKafka(single.node.bootstrap, 'it-groups');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();

  // 1. Two members split the partitions; every message is delivered exactly once.
  const sinkA: Delivery[] = [];
  const a1 = await startGroupConsumer(kafka, { groupId: 'A', topic: TOPIC, name: 'a1', sink: sinkA });
  const a2 = await startGroupConsumer(kafka, { groupId: 'A', topic: TOPIC, name: 'a2', sink: sinkA });
  await eventually('a1 and a2 split the 3 partitions', 30_000, async () => coversExactly([a1, a2], 3));
  const first = values('first', 300);
  await produce(producer, first);
  await eventually('group A received the first 300', 30_000, async () => sinkA.length >= 300);
  const counts = deliveryCounts(sinkA);
  assert.deepEqual(first.filter((v) => counts.get(v) !== 1), [], 'every message exactly once');
  assert.equal(sinkA.length, 300);
  assert.ok(new Set(sinkA.map((d) => d.consumer)).size === 2, 'both members received messages');

  // A third member triggers a rebalance; afterwards every partition is covered once.
  const joinsBefore = a1.joins() + a2.joins();
  const a3 = await startGroupConsumer(kafka, { groupId: 'A', topic: TOPIC, name: 'a3', sink: sinkA });
  await eventually('rebalance to three members covering every partition', 30_000, async () => a1.joins() + a2.joins() > joinsBefore && coversExactly([a1, a2, a3], 3));
  const live = await admin.describeGroups(['A']);
  assert.equal(live.groups[0]!.state, 'Stable');
  assert.equal(live.groups[0]!.members.length, 3);
  assert.ok(live.groups[0]!.members.every((m) => m.clientId === 'it-groups' && m.clientHost === '/127.0.0.1'), JSON.stringify(live.groups[0]!.members));
  const second = values('second', 30);
  await produce(producer, second);
  await eventually('group A received the next 30', 30_000, async () => second.every((v) => deliveryCounts(sinkA).get(v) === 1));
  await caughtUp(admin, 'A');
  await Promise.all([a1.stop(), a2.stop(), a3.stop()]);

  // 2. A new group from the earliest offset gets everything.
  const sinkB: Delivery[] = [];
  let b = await startGroupConsumer(kafka, { groupId: 'B', topic: TOPIC, name: 'b', sink: sinkB });
  await eventually('group B received all 330', 30_000, async () => sinkB.length >= 330);
  assert.deepEqual([...first, ...second].filter((v) => deliveryCounts(sinkB).get(v) !== 1), []);
  await caughtUp(admin, 'B');
  await b.stop();

  // 3. Restarted in group B, it gets nothing old.
  const sinkB2: Delivery[] = [];
  b = await startGroupConsumer(kafka, { groupId: 'B', topic: TOPIC, name: 'b', sink: sinkB2 });
  await eventually('b rejoined', 30_000, async () => b.assigned().length === 3);
  await new Promise((r) => setTimeout(r, 3000));
  assert.deepEqual(sinkB2, [], 'nothing already committed is delivered again');
  await b.stop();

  // 4. Everyone stopped; 5 more; group B gets exactly those 5.
  const endsBefore = await logEnds(admin);
  const fifth = values('late', 5);
  await produce(producer, fifth);
  const endsAfter = await logEnds(admin);

  // 5. Lag of the stopped group A: committed = log end before the 5, lag = what each partition got.
  const describedA = await admin.describeGroups(['A']);
  assert.equal(describedA.groups[0]!.state, 'Empty');
  assert.deepEqual(describedA.groups[0]!.members, []);
  const committedA = await committed(admin, 'A');
  let lagA = 0n;
  for (const [p, end] of endsAfter) {
    assert.equal(committedA.get(p), endsBefore.get(p), `group A's offset of partition ${p}`);
    lagA += end - committedA.get(p)!;
  }
  assert.equal(lagA, 5n, 'group A lags by the 5 new messages');

  const sinkB3: Delivery[] = [];
  b = await startGroupConsumer(kafka, { groupId: 'B', topic: TOPIC, name: 'b', sink: sinkB3 });
  await eventually('group B received the 5 new messages', 30_000, async () => sinkB3.length >= 5);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(sinkB3.map((d) => d.value).sort(), [...fifth].sort());
  await caughtUp(admin, 'B');
  await b.stop();
  const describedB = await admin.describeGroups(['B']);
  assert.equal(describedB.groups[0]!.state, 'Empty');
  assert.deepEqual(describedB.groups[0]!.members, []);
  const listed = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  assert.deepEqual(listed, ['A', 'B']);
  await producer.disconnect();
  await admin.disconnect();

  // The committed offsets survive a restart (the coordinator reloads __consumer_offsets).
  await single.restart();
  const again = testKafka(single.node.bootstrap, 'it-groups-2').admin();
  await again.connect();
  let reloaded = new Map<number, bigint>();
  await eventually('offsets reloaded after restart', 30_000, async () => {
    reloaded = await committed(again, 'A');
    return reloaded.size === 3 && [...reloaded.values()].every((o) => o >= 0n);
  });
  assert.deepEqual(reloaded, committedA);
  assert.deepEqual(await committed(again, 'B'), endsAfter);
  await again.disconnect();
});
