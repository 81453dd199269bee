import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, readPartitionTopicId, type LogConfig } from '@sluice/storage';
import type { BrokerConfig } from '../config/broker-config.js';
import { topicConfigNumber } from '../config/topic-config.js';
import type { Logger } from '../logger.js';
import type { TopicInfo } from '../metadata/local-metadata.js';
import { Partition } from './partition.js';

/** Extra bytes a batch may carry beyond message.max.bytes (Kafka counts the batch header separately). */
const BATCH_OVERHEAD_BYTES = 1024;

/**
 * The partitions this broker hosts, keyed by topic name and index, each with its open log.
 * On open it deletes partition directories that belong to no current topic, or to an older
 * topic of the same name (a different topic id), so deleted data is never served again.
 */
export class PartitionRegistry {
  private readonly byTopic = new Map<string, Partition[]>();

  constructor(private readonly broker: BrokerConfig, private readonly logger: Logger) {}

  /** Opens (and recovers) the logs of every known topic, removing stale directories first. */
  openAll(topics: readonly TopicInfo[]): void {
    this.removeStaleDirectories(topics);
    for (const topic of topics) this.openTopic(topic, 0);
  }

  get(topicName: string, index: number): Partition | undefined {
    return this.byTopic.get(topicName)?.[index];
  }

  partitionsOf(topicName: string): readonly Partition[] {
    return this.byTopic.get(topicName) ?? [];
  }

  all(): Partition[] {
    return [...this.byTopic.values()].flat();
  }

  /** Opens partitions [fromIndex, topic.partitionCount) of a topic (a new topic, or partitions added). */
  openTopic(topic: TopicInfo, fromIndex: number): void {
    const partitions = this.byTopic.get(topic.name) ?? [];
    for (let index = fromIndex; index < topic.partitionCount; index++) {
      const log = PartitionLog.open({
        dir: this.partitionDir(topic.name, index),
        topicId: topic.topicId,
        config: this.logConfigFor(topic),
        logger: this.logger.child({ topic: topic.name, partition: index }),
      });
      partitions[index] = new Partition({ ...topic }, index, log, 0);
    }
    this.byTopic.set(topic.name, partitions);
  }

  /** Closes and deletes every partition of a topic, data included. */
  async deleteTopic(topicName: string): Promise<void> {
    const partitions = this.byTopic.get(topicName) ?? [];
    this.byTopic.delete(topicName);
    for (const partition of partitions) await partition.log.destroy();
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
    await Promise.all(this.all().map((p) => p.log.close()));
    this.byTopic.clear();
  }

  private partitionDir(topicName: string, index: number): string {
    return join(this.broker.logDir, `${topicName}-${index}`);
  }

  /** Storage settings for a topic: its overrides over the broker defaults. */
  logConfigFor(topic: TopicInfo): LogConfig {
    const n = (key: string): number => topicConfigNumber(this.broker, topic.configs, key);
    return {
      segmentBytes: n('segment.bytes'),
      segmentMs: n('segment.ms'),
      retentionMs: n('retention.ms'),
      retentionBytes: n('retention.bytes'),
      flushIntervalMessages: n('flush.messages'),
      flushIntervalMs: n('flush.ms'),
      indexIntervalBytes: n('index.interval.bytes'),
      segmentIndexBytesMax: this.broker.logIndexSizeMaxBytes,
      batchBytesMax: Math.max(n('max.message.bytes'), this.broker.messageMaxBytes) + BATCH_OVERHEAD_BYTES,
    };
  }

  private removeStaleDirectories(topics: readonly TopicInfo[]): void {
    if (!existsSync(this.broker.logDir)) return;
    const wanted = new Map<string, string>();
    for (const t of topics) for (let i = 0; i < t.partitionCount; i++) wanted.set(`${t.name}-${i}`, t.topicId);
    for (const entry of readdirSync(this.broker.logDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^.+-\d+$/.test(entry.name)) continue;
      const dir = join(this.broker.logDir, entry.name);
      const topicId = wanted.get(entry.name);
      if (topicId !== undefined && readPartitionTopicId(dir) === topicId) continue;
      this.logger.info({ dir }, 'deleting partition directory of a deleted topic');
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
