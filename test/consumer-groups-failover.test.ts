/**
 * Group coordinator failover with real processes: 3 combined nodes, __consumer_offsets with
 * replication factor 3, a topic with 3 partitions (RF 3, min.insync.replicas 2). A kafkajs
 * producer writes unique values (acks=all) while one consumer of the group reads them, committing
 * as it goes: kafkajs (after every record) in one test, kafka-python (after every poll) in the
 * other. The coordinator's node is killed with kill -9 during consumption: the group moves to a
 * new coordinator (FindCoordinator names another node), the committed offset of no partition ever
 * goes back (sampled throughout), and every acknowledged value is consumed (no message skipped;
 * redelivery is allowed, at-least-once).
 *
 * The resume times printed are mostly the clients': kafkajs keeps committing to the coordinator it
 * joined through until its retries (30 here, up to 1 s apart) run out, then restarts and rejoins;
 * kafka-python looks the coordinator up again as soon as its connection fails.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { FindCoordinator, type FindCoordinatorResponse } from '@sluice/protocol';
import { LocalCluster, WireClient } from '@sluice/testkit';
import type { Kafka } from 'kafkajs';
import { startGroupConsumer, testKafka, type Delivery } from './support/groups.js';
import { eventually, waitForLeader } from './support/quorum.js';

const TOPIC = 'events';
const GROUP = 'failover-group';

let cluster: LocalCluster;
after(async () => cluster?.close());

async function coordinatorOf(port: number): Promise<number> {
  const client = await WireClient.connect(port);
  try {
    const r = await client.request<FindCoordinatorResponse>(FindCoordinator, 1, { key: GROUP, keyType: 0, coordinatorKeys: [] });
    if (r.errorCode !== 0) throw new Error(`FindCoordinator error ${r.errorCode}`);
    return r.nodeId;
  } finally {
    client.close();
  }
}

/** One group member under test: what it consumed, whether it owns every partition, how to stop it. */
interface FailoverMember {
  readonly sink: Delivery[];
  ownsAll(): boolean;
  assigned(): string;
  stop(): Promise<void>;
}

async function kafkajsMember(kafka: Kafka): Promise<FailoverMember> {
  const sink: Delivery[] = [];
  const member = await startGroupConsumer(kafka, { groupId: GROUP, topic: TOPIC, name: 'kafkajs', sink });
  return { sink, ownsAll: () => member.assigned().length === 3, assigned: () => member.assigned().join(','), stop: () => member.stop() };
}

/** kafka-python: commits what each poll returned, prints every record and every assignment. */
const PY_MEMBER = String.raw`
import signal, sys
from kafka import KafkaConsumer, ConsumerRebalanceListener, OffsetAndMetadata
bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
class Announce(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked): pass
    def on_partitions_assigned(self, assigned):
        print('assigned ' + ','.join(str(tp.partition) for tp in sorted(assigned)), flush=True)
consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(','), group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False, session_timeout_ms=10000, heartbeat_interval_ms=500)
consumer.subscribe([topic], listener=Announce())
running = True
def stop(*_):
    global running
    running = False
signal.signal(signal.SIGTERM, stop)
while running:
    for tp, records in consumer.poll(timeout_ms=200).items():
        for r in records:
            print('record %d %d %s' % (r.partition, r.offset, r.value.decode()), flush=True)
        try:
            consumer.commit({tp: OffsetAndMetadata(records[-1].offset + 1, None)})
        except Exception as e:
            print('commit failed: %r' % e, file=sys.stderr, flush=True)
consumer.close()
`;

function pythonMember(bootstrap: string): FailoverMember {
  const sink: Delivery[] = [];
  let assigned = '';
  const child = spawn('/usr/bin/python3', ['-u', '-c', PY_MEMBER, bootstrap, TOPIC, GROUP], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [kind, a, b, value] = line.split(' ');
    if (kind === 'assigned') assigned = a ?? '';
    if (kind === 'record') sink.push({ consumer: 'kafka-python', partition: Number(a), offset: BigInt(b!), value: value! });
  });
  child.stderr.resume();
  return {
    sink, ownsAll: () => assigned === '0,1,2', assigned: () => assigned,
    stop: async () => { child.kill('SIGTERM'); await exited; },
  };
}

async function coordinatorFailover(client: string, startMember: (kafka: Kafka) => Promise<FailoverMember>): Promise<void> {
  await cluster?.close();
  cluster = await LocalCluster.start({ controllers: 3, overrides: ['group.initial.rebalance.delay.ms=0', 'offsets.topic.num.partitions=6'] });
  await waitForLeader(cluster, [1, 2, 3], 10_000);
  const kafka = testKafka(cluster.bootstrap, 'it-group-failover');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });

  const member = await startMember(kafka);
  const sink = member.sink;
  await eventually('the consumer owns every partition', 30_000, async () => member.ownsAll());

  // Produce unique values; remember which were acknowledged.
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const acked = new Set<string>();
  const ackedAt = new Map<string, string>();
  let producing = true;
  let seq = 0;
  const produceLoop = (async () => {
    while (producing) {
      const values = Array.from({ length: 5 }, () => `v-${seq++}`);
      try {
        const [result] = await producer.send({ topic: TOPIC, acks: -1, timeout: 10_000, messages: values.map((value) => ({ value, partition: seq % 3 })) });
        values.forEach((v, i) => { acked.add(v); ackedAt.set(v, `${result!.partition}@${BigInt(result!.baseOffset!) + BigInt(i)}`); });
      } catch { /* not acknowledged: the value need not be consumed */ }
      // A steady 250 records/s: the consumer commits after every record, so an unthrottled
      // producer would outrun it and the test would measure kafkajs's backlog, not the failover.
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  // Sample committed offsets throughout: none may ever go back.
  const highest = new Map<number, bigint>();
  const regressions: string[] = [];
  let sampling = true;
  const sampleLoop = (async () => {
    while (sampling) {
      try {
        const [topic] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
        for (const p of topic!.partitions) {
          const offset = BigInt(p.offset);
          const before = highest.get(p.partition) ?? -1n;
          if (offset < before) regressions.push(`partition ${p.partition}: ${before} -> ${offset}`);
          if (offset > before) highest.set(p.partition, offset);
        }
      } catch { /* the coordinator is moving; sample again */ }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  await eventually('consumption under way', 30_000, async () => sink.length > 200 && highest.size === 3);
  const coordinator = await coordinatorOf(cluster.node(1).port);
  const survivor = [1, 2, 3].find((id) => id !== coordinator)!;
  const consumedAtKill = sink.length;
  const killedAt = Date.now();
  await cluster.node(coordinator).kill();

  await eventually('a new coordinator is named', 30_000, async () => (await coordinatorOf(cluster.node(survivor).port)) !== coordinator);
  const newCoordinator = await coordinatorOf(cluster.node(survivor).port);
  await eventually('consumption continues after the kill', 60_000, async () => sink.length > consumedAtKill + 200);
  const resumedMs = Date.now() - killedAt;

  await new Promise((r) => setTimeout(r, 2000));
  producing = false;
  await produceLoop;
  await eventually('every acknowledged value consumed', 60_000, async () => {
    const seen = new Set(sink.map((d) => d.value));
    return [...acked].every((v) => seen.has(v));
  }).catch(async (err: unknown) => {
    // Say enough to tell a broker fault from a slow client: what is missing, where the consumer
    // stands, and what the cluster reports now.
    const seenNow = new Set(sink.map((d) => d.value));
    const missing = [...acked].filter((v) => !seenNow.has(v)).map((v) => `${v}=${ackedAt.get(v)}`);
    const last = [0, 1, 2].map((p) => sink.filter((d) => d.partition === p).map((d) => d.offset).reduce((a, b) => (a > b ? a : b), -1n));
    const leaders = await admin.fetchTopicMetadata({ topics: [TOPIC] }).then((m) => JSON.stringify(m.topics[0]!.partitions.map((p) => [p.partitionId, p.leader, p.isr])), String);
    const ends = await admin.fetchTopicOffsets(TOPIC).then((o) => JSON.stringify(o.map((p) => [p.partition, p.high])), String);
    throw new Error(`${String(err)}; missing ${missing.length}: ${missing.slice(0, 20).join(' ')}; last consumed per partition ${last.join(',')}; committed ${JSON.stringify([...highest].map(([p, o]) => [p, String(o)]))}; assigned ${member.assigned()}; leaders/isr ${leaders}; log ends ${ends}`);
  });
  await new Promise((r) => setTimeout(r, 1000));
  sampling = false;
  await sampleLoop;

  const seen = new Set(sink.map((d) => d.value));
  assert.deepEqual([...acked].filter((v) => !seen.has(v)), [], 'no acknowledged message skipped');
  assert.deepEqual(regressions, [], 'no committed offset went back');
  assert.notEqual(newCoordinator, coordinator);
  const duplicates = sink.length - seen.size;
  console.log(`# group failover (${client}): coordinator ${coordinator} killed, ${newCoordinator} took over; consumption resumed ${resumedMs} ms after the kill; ${acked.size} acknowledged, ${sink.length} delivered (${duplicates} redelivered)`);

  await member.stop();
  await producer.disconnect();
  await admin.disconnect();
}

test('kafkajs: kill -9 of the group coordinator: the group moves, no committed offset goes back, no message is skipped', async () => {
  await coordinatorFailover('kafkajs', kafkajsMember);
});

test('kafka-python: kill -9 of the group coordinator: the group moves, no committed offset goes back, no message is skipped', async () => {
  await coordinatorFailover('kafka-python', async () => pythonMember(cluster.bootstrap));
});
