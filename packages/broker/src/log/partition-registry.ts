import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, readPartitionTopicId, type LogConfig } from '@sluice/storage';
import type { BrokerConfig } from '../config/broker-config.js';
import { hasCleanupPolicy, topicConfigNumber } from '../config/topic-config.js';
import type { CompactionPolicy } from './log-cleaner.js';
import type { Logger } from '../logger.js';
import type { ClusterMetadata, TopicMetadata } from '../metadata/cluster-metadata.js';
import { ReplicaFetcher, type FetcherContext } from '../replica/replica-fetcher.js';
import { Partition, type PartitionContext } from './partition.js';

/** What the registry needs to run replication: partition context, and how to reach a leader's replication listener. */
export interface ReplicationDeps extends Omit<PartitionContext, 'nodeId'> {
  fetcher: Omit<FetcherContext, 'nodeId'>;
  /** host:port of a broker's replication listener, from the metadata, or null if unknown. */
  replicationAddress(brokerId: number): string | null;
}

/** Extra bytes a batch may carry beyond message.max.bytes (Kafka counts the batch header separately). */
const BATCH_OVERHEAD_BYTES = 1024;

/**
 * The partition replicas this broker hosts, each with its open log, kept in line with the cluster
 * metadata by `reconcile`: replicas assigned here are opened (and recovered), replicas of deleted
 * topics (or an older topic of the same name, told apart by topic id) are closed and their data
 * removed, so deleted data is never served again.
 */
export class PartitionRegistry {
  private readonly byTopic = new Map<string, Map<number, Partition>>();
  private readonly byId = new Map<string, Partition>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private reconciling: Promise<void> = Promise.resolve();
  /** The metadata of the last reconcile: where topic configs come from. */
  private metadata: ClusterMetadata | null = null;

  constructor(private readonly broker: BrokerConfig, private readonly logger: Logger, private readonly replication: ReplicationDeps) {}

  /** A hosted partition by topic id (replication speaks topic ids). */
  partitionById(topicId: string, index: number): Partition | undefined {
    return this.byId.get(`${topicId}:${index}`);
  }

  get(topicName: string, index: number): Partition | undefined {
    return this.byTopic.get(topicName)?.get(index);
  }

  all(): Partition[] {
    return [...this.byTopic.values()].flatMap((m) => [...m.values()]);
  }

  /** Brings hosted replicas in line with `metadata`; calls are serialized. */
  reconcile(metadata: ClusterMetadata): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.reconcileNow(metadata));
    return this.reconciling;
  }

  private async reconcileNow(metadata: ClusterMetadata): Promise<void> {
    this.metadata = metadata;
    const wanted = new Map<string, TopicMetadata>();
    for (const topic of metadata.topics()) wanted.set(topic.name, topic);
    for (const [name, partitions] of [...this.byTopic]) {
      const topic = wanted.get(name);
      for (const partition of [...partitions.values()]) {
        const state = topic?.topicId === partition.topicId ? topic.partitions[partition.index] : undefined;
        if (state && state.replicas.includes(this.broker.nodeId)) continue;
        partitions.delete(partition.index);
        this.byId.delete(`${partition.topicId}:${partition.index}`);
        for (const fetcher of this.fetchers.values()) fetcher.remove(partition);
        this.logger.info({ topic: name, partition: partition.index, topicId: partition.topicId }, 'removing partition replica');
        await partition.log.destroy();
      }
      if (partitions.size === 0) this.byTopic.delete(name);
    }
    for (const topic of wanted.values()) this.openTopic(topic);
    await this.assignFetchers();
  }

  /** Puts every followed partition on the fetcher of its current leader, and stops fetchers left with none. */
  private async assignFetchers(): Promise<void> {
    for (const partition of this.all()) {
      const leaderId = partition.leaderId;
      const follows = !partition.isLeader && leaderId >= 0;
      for (const fetcher of this.fetchers.values()) if (fetcher.leaderId !== leaderId || !follows) fetcher.remove(partition);
      if (!follows) continue;
      const address = this.replication.replicationAddress(leaderId);
      let fetcher = this.fetchers.get(leaderId);
      if (fetcher && fetcher.address !== address) {
        this.fetchers.delete(leaderId);
        await fetcher.stop();
        fetcher = undefined;
      }
      if (!address) continue;
      if (!fetcher) {
        fetcher = new ReplicaFetcher(leaderId, address, { ...this.replication.fetcher, nodeId: this.broker.nodeId });
        this.fetchers.set(leaderId, fetcher);
      }
      if (!fetcher.has(partition)) fetcher.add(partition);
    }
    for (const [leaderId, fetcher] of [...this.fetchers]) {
      if (fetcher.size > 0) continue;
      this.fetchers.delete(leaderId);
      await fetcher.stop();
    }
  }

  /** Periodic replication work of every partition: ISR checks, expired acks=all answers. */
  tickAll(): void {
    for (const partition of this.all()) partition.tick();
  }

  /** Writes every partition's high watermark checkpoint (Kafka's replication-offset-checkpoint). */
  async checkpointHighWatermarks(): Promise<void> {
    await Promise.all(this.all().map((partition) => partition.log.checkpointHighWatermark(partition.highWatermark)));
  }

  private openTopic(topic: TopicMetadata): void {
    const partitions = this.byTopic.get(topic.name) ?? new Map<number, Partition>();
    topic.partitions.forEach((state, index) => {
      if (!state.replicas.includes(this.broker.nodeId)) return;
      const existing = partitions.get(index);
      if (existing) {
        existing.update(state);
        return;
      }
      const dir = this.partitionDir(topic.name, index);
      if (existsSync(dir) && readPartitionTopicId(dir) !== topic.topicId) {
        this.logger.info({ dir }, 'deleting partition directory of a deleted topic');
        rmSync(dir, { recursive: true, force: true });
      }
      const log = PartitionLog.open({
        dir, topicId: topic.topicId, config: this.logConfigFor(topic),
        logger: this.logger.child({ topic: topic.name, partition: index }),
      });
      const partition = new Partition(topic.name, topic.topicId, index, log, state, { ...this.replication, nodeId: this.broker.nodeId });
      partitions.set(index, partition);
      this.byId.set(`${topic.topicId}:${index}`, partition);
    });
    if (partitions.size > 0) this.byTopic.set(topic.name, partitions);
  }

  /** Deletes partition directories that belong to no topic in `metadata` (left by a crash during deletion). */
  removeOrphanDirectories(metadata: ClusterMetadata): void {
    if (!existsSync(this.broker.logDir)) return;
    for (const entry of readdirSync(this.broker.logDir, { withFileTypes: true })) {
      const match = /^(.+)-(\d+)$/.exec(entry.name);
      if (!entry.isDirectory() || !match) continue;
      const dir = join(this.broker.logDir, entry.name);
      const topicId = readPartitionTopicId(dir);
      if (topicId === null) continue; // not a partition directory (e.g. the metadata log)
      const topic = metadata.topic(match[1]!);
      const state = topic?.topicId === topicId ? topic.partitions[Number(match[2])] : undefined;
      if (state?.replicas.includes(this.broker.nodeId)) continue;
      this.logger.info({ dir }, 'deleting partition directory of a deleted topic');
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Applies retention to every log; returns how many segments were deleted. */
  enforceRetention(): number {
    let deleted = 0;
    for (const partition of this.all()) deleted += partition.log.enforceRetention();
    return deleted;
  }

  /** fsyncs every log whose flush.ms has passed since its last flush (with unflushed data). */
  async flushDue(): Promise<void> {
    await Promise.all(this.all().map((p) => p.log.flushIfDue()));
  }

  async closeAll(): Promise<void> {
    await this.reconciling;
    await Promise.all([...this.fetchers.values()].map((f) => f.stop()));
    this.fetchers.clear();
    await this.checkpointHighWatermarks();
    await Promise.all(this.all().map((p) => p.log.close()));
    this.byTopic.clear();
    this.byId.clear();
  }

  private partitionDir(topicName: string, index: number): string {
    return join(this.broker.logDir, `${topicName}-${index}`);
  }

  /** A hosted topic's compaction settings (its overrides over the broker defaults), or null when its cleanup.policy has no compact. */
  compactionPolicyFor(topicName: string): CompactionPolicy | null {
    const configs = this.metadata?.topic(topicName)?.configs;
    if (!configs || !hasCleanupPolicy(this.broker, configs, 'compact')) return null;
    return {
      deleteRetentionMs: topicConfigNumber(this.broker, configs, 'delete.retention.ms'),
      minCompactionLagMs: topicConfigNumber(this.broker, configs, 'min.compaction.lag.ms'),
    };
  }

  /** Storage settings for a topic: its overrides over the broker defaults. */
  logConfigFor(topic: TopicMetadata): LogConfig {
    const n = (key: string): number => topicConfigNumber(this.broker, topic.configs, key);
    // A compact-only topic keeps its segments until the cleaner rewrites them; retention is off.
    const retains = hasCleanupPolicy(this.broker, topic.configs, 'delete');
    return {
      segmentBytes: n('segment.bytes'),
      segmentMs: n('segment.ms'),
      retentionMs: retains ? n('retention.ms') : -1,
      retentionBytes: retains ? n('retention.bytes') : -1,
      flushIntervalMessages: n('flush.messages'),
      flushIntervalMs: n('flush.ms'),
      indexIntervalBytes: n('index.interval.bytes'),
      segmentIndexBytesMax: this.broker.logIndexSizeMaxBytes,
      batchBytesMax: Math.max(n('max.message.bytes'), this.broker.messageMaxBytes) + BATCH_OVERHEAD_BYTES,
    };
  }
}
