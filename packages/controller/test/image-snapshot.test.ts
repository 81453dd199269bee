/**
 * Proves snapshots are lossless: `MetadataImage.fromRecords(image.toSnapshotRecords())` equals
 * the image, for a hand-built image and after every step of seeded random runs in which a
 * simulated active controller drives all planners (registrations, heartbeats, session expiry,
 * controlled shutdown, topic and partition creation and deletion, ISR changes, configs,
 * preferred elections). Each run also checks that replaying the whole log gives the same image,
 * that snapshot records survive encode/decode, that epochs never go back, and that after every
 * plan each leader is a live broker, and that a rebuilt image gives the same election plans.
 * A failing run names its seed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '@sluice/testkit';
import {
  alterPartition, BrokerSessions, createPartitions, createTopics, decodeMetadataRecord, deleteTopics, encodeMetadataRecord,
  fenceExpired, heartbeat, incrementalAlterConfigs, MetadataImage, metadataRecord, NO_LEADER, planOfflineLeaderElection, planPreferredLeaderElection,
  registerBroker, unregisterBroker, type MetadataRecord,
} from '../src/index.js';
import { acceptAll, clusterImage, incarnation, uuidSource, withTopic } from './support/fixtures.js';

function assertSnapshotEquivalent(image: MetadataImage, context: string): void {
  const snapshot = image.toSnapshotRecords();
  const rebuilt = MetadataImage.fromRecords(snapshot);
  assert.deepStrictEqual(rebuilt, image, context);
  // Equal images must give equal plans, whatever order their maps were filled in.
  assert.deepStrictEqual(planOfflineLeaderElection(rebuilt), planOfflineLeaderElection(image), context);
  assert.deepStrictEqual(planPreferredLeaderElection(rebuilt), planPreferredLeaderElection(image), context);
  const decoded = snapshot.map((r) => decodeMetadataRecord(encodeMetadataRecord(r)));
  assert.deepStrictEqual(MetadataImage.fromRecords(decoded), image, context);
}

test('a hand-built image and its snapshot are equal, and the snapshot is minimal', () => {
  let { image } = withTopic(clusterImage([1, 2, 3], ['a', 'b', 'c']), 't', [[1, 2], [2, 3], { replicas: [3, 1], isr: [3], leader: NO_LEADER, leaderEpoch: 4, partitionEpoch: 9 }]);
  image = image.applyAll([
    metadataRecord('FenceBrokerRecord', { brokerId: 2, brokerEpoch: 20n }),
    metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 't', name: 'x', value: '1' }),
    metadataRecord('ConfigRecord', { resourceType: 'broker', resourceName: '', name: 'y', value: '2' }),
  ]);
  const snapshot = image.toSnapshotRecords();
  assert.deepEqual(snapshot.map((r) => r.type), [
    'RegisterBrokerRecord', 'RegisterBrokerRecord', 'RegisterBrokerRecord', 'TopicRecord',
    'PartitionRecord', 'PartitionRecord', 'PartitionRecord', 'ConfigRecord', 'ConfigRecord',
  ]);
  assertSnapshotEquivalent(image, 'hand-built');
  assert.deepStrictEqual(MetadataImage.fromRecords([]), MetadataImage.EMPTY);
  assert.deepEqual(MetadataImage.EMPTY.toSnapshotRecords(), []);
});

/** A simulated active controller: one random planner call per step, its records applied at once. */
class Simulation {
  image = MetadataImage.EMPTY;
  sessions = BrokerSessions.EMPTY;
  readonly log: MetadataRecord[] = [];
  nowMs = 0;
  private nextEpoch = 1n;
  private readonly prng: Prng;
  private readonly newUuid: () => string;

  constructor(readonly seed: number) {
    this.prng = new Prng(seed);
    this.newUuid = uuidSource(seed + 1_000_000);
  }

  step(): string {
    this.nowMs += this.prng.int(40);
    const ops = [
      () => this.register(), () => this.beat(), () => this.beat(), () => this.beat(), () => this.beat(), () => this.beat(),
      () => this.beat(), () => this.expire(),
      () => this.createTopic(), () => this.createTopic(), () => this.deleteTopic(), () => this.grow(),
      () => this.shrinkOrExpandIsr(), () => this.shrinkOrExpandIsr(), () => this.configure(), () => this.rebalance(), () => this.unregister(),
    ];
    return this.prng.pick(ops)();
  }

  private commit(records: readonly MetadataRecord[]): void {
    this.image = this.image.applyAll(records);
    this.log.push(...records);
    this.nextEpoch += BigInt(records.length + 1);
  }

  private brokerId(): number {
    return 1 + this.prng.int(5);
  }

  private register(): string {
    const brokerId = this.brokerId();
    const incarnationId = this.prng.int(2) === 0 ? incarnation(brokerId) : this.newUuid();
    const rack = this.prng.pick([null, 'r1', 'r2']);
    const result = registerBroker(this.image, { brokerId, incarnationId, listeners: [{ name: 'PLAINTEXT', host: 'h', port: 9000 + brokerId }], rack }, this.nextEpoch);
    this.commit(result.records);
    return `register ${brokerId}`;
  }

  private beat(): string {
    const broker = this.prng.pick(this.image.brokers());
    if (broker === undefined) return 'beat (none)';
    const roll = this.prng.int(40);
    const result = heartbeat(this.image, this.sessions, {
      brokerId: broker.brokerId, brokerEpoch: broker.brokerEpoch, caughtUp: roll > 2, wantFence: roll === 3, wantShutdown: roll === 4,
    }, this.nowMs);
    this.sessions = result.sessions;
    this.commit(result.records);
    return `beat ${broker.brokerId}`;
  }

  private expire(): string {
    const result = fenceExpired(this.image, this.sessions, { nowMs: this.nowMs, sessionTimeoutMs: 1000 });
    this.sessions = result.sessions;
    this.commit(result.records);
    return `expire ${result.fencedBrokers}`;
  }

  private createTopic(): string {
    const name = `t${this.prng.int(8)}`;
    const result = createTopics(this.image, [{
      name, numPartitions: 1 + this.prng.int(4), replicationFactor: 1 + this.prng.int(3), assignments: [],
      configs: this.prng.int(2) === 0 ? [{ name: 'retention.ms', value: String(this.prng.int(1000)) }] : [],
    }], { defaultPartitions: 1, defaultReplicationFactor: 1, validateConfig: acceptAll, newUuid: this.newUuid, randomInt: (n) => this.prng.int(n), excluded: this.sessions.shuttingDown(this.image) });
    this.commit(result.records);
    return `create ${name}`;
  }

  private deleteTopic(): string {
    const topic = this.prng.pick(this.image.topics());
    if (topic === undefined) return 'delete (none)';
    this.commit(deleteTopics(this.image, [{ name: topic.name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }]).records);
    return `delete ${topic.name}`;
  }

  private grow(): string {
    const topic = this.prng.pick(this.image.topics());
    if (topic === undefined) return 'grow (none)';
    const count = topic.partitions.length + 1 + this.prng.int(2);
    this.commit(createPartitions(this.image, [{ name: topic.name, count, assignments: null }], { randomInt: (n) => this.prng.int(n) }).records);
    return `grow ${topic.name}`;
  }

  /** The leader proposes a random ISR: itself plus a random subset of its other replicas. */
  private shrinkOrExpandIsr(): string {
    const entries = [...this.image.partitions()].filter((e) => e.partition.leader !== NO_LEADER);
    const entry = this.prng.pick(entries);
    if (entry === undefined) return 'isr (none)';
    const { topic, partitionId, partition } = entry;
    const others = partition.replicas.filter((b) => b !== partition.leader && this.prng.int(2) === 0);
    const result = alterPartition(this.image, {
      brokerId: partition.leader, brokerEpoch: this.image.broker(partition.leader)!.brokerEpoch, topicId: topic.topicId,
      partitionId, leaderEpoch: partition.leaderEpoch, partitionEpoch: partition.partitionEpoch, newIsr: [partition.leader, ...others],
    }, this.sessions.shuttingDown(this.image));
    if (result.ok) this.commit(result.records);
    return `isr ${topic.name}-${partitionId} ${result.errorCode}`;
  }

  private configure(): string {
    const topic = this.prng.pick(this.image.topics());
    const resource = topic === undefined || this.prng.int(2) === 0
      ? { resourceType: 'broker' as const, resourceName: this.prng.pick(['', '1', '2']) }
      : { resourceType: 'topic' as const, resourceName: topic.name };
    const op = this.prng.int(3) === 0 ? 'DELETE' as const : 'SET' as const;
    const name = this.prng.pick(['unclean.leader.election.enable', 'retention.ms']);
    const value = name === 'retention.ms' ? String(this.prng.int(100)) : this.prng.pick(['true', 'false']);
    this.commit(incrementalAlterConfigs(this.image, [{ ...resource, configs: [{ name, op, value }] }], acceptAll).records);
    return `config ${resource.resourceType}/${resource.resourceName}`;
  }

  private rebalance(): string {
    this.commit(planPreferredLeaderElection(this.image, { excluded: this.sessions.shuttingDown(this.image) }).records);
    return 'rebalance';
  }

  private unregister(): string {
    if (this.prng.int(4) !== 0) return 'unregister (skipped)';
    const result = unregisterBroker(this.image, this.sessions, this.brokerId());
    this.sessions = result.sessions;
    this.commit(result.records);
    return 'unregister';
  }
}

/** Epochs of every surviving partition never go back, and every leader is a live broker. */
function checkProgress(before: MetadataImage, after: MetadataImage, context: string): void {
  for (const { topic, partitionId, partition } of after.partitions()) {
    const old = before.partition(topic.topicId, partitionId);
    if (old !== undefined && before.topicById(topic.topicId)!.name === topic.name) {
      assert.ok(partition.leaderEpoch >= old.leaderEpoch && partition.partitionEpoch >= old.partitionEpoch, context);
      if (partition.leader !== old.leader) assert.ok(partition.leaderEpoch > old.leaderEpoch, `${context}: leader changed without an epoch bump`);
    }
    assert.ok(partition.leader === NO_LEADER || after.isLive(partition.leader), `${context}: leader ${partition.leader} is not live`);
  }
}

const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
const STEPS = 250;

for (const seed of SEEDS) {
  test(`seeded controller run ${seed}: snapshots and log replays equal the image`, () => {
    const sim = new Simulation(seed);
    for (let step = 0; step < STEPS; step++) {
      const before = sim.image;
      const what = sim.step();
      const context = `seed ${seed} step ${step} (${what}); to replay, set SEEDS to [${seed}]`;
      checkProgress(before, sim.image, context);
      assertSnapshotEquivalent(sim.image, context);
      if (step % 25 === 24) assert.deepStrictEqual(MetadataImage.fromRecords(sim.log), sim.image, context);
    }
    assert.deepStrictEqual(MetadataImage.fromRecords(sim.log), sim.image, `seed ${seed} final replay`);
    assert.ok(sim.log.length > 50, `seed ${seed} proposed only ${sim.log.length} records`);
  });
}
