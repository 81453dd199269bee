import type { CompactionResult, PartitionLog } from '@sluice/storage';
import type { Logger } from '../logger.js';
import type { Partition } from './partition.js';

/** What the cleaner uses of a hosted partition replica. */
export type CleanablePartition = Pick<Partition, 'topicName' | 'index' | 'highWatermark'> & { log: Pick<PartitionLog, 'compact' | 'isOpen'> };

/** A topic's compaction settings, or null when its cleanup.policy does not include compact. */
export interface CompactionPolicy {
  deleteRetentionMs: number;
  minCompactionLagMs: number;
}

/** What the cleaner needs from the broker around it. */
export interface LogCleanerDeps {
  /** The partition replicas hosted here now. */
  partitions(): CleanablePartition[];
  /** The effective compaction settings of a topic (its overrides over the broker defaults), or null. */
  policyFor(topicName: string): CompactionPolicy | null;
  /** log.cleaner.backoff.ms: the pause between two passes over the logs. */
  backoffMs: number;
  now(): number;
  logger: Logger;
}

/**
 * The broker's log cleaner (Kafka's LogCleaner thread, one of it): every log.cleaner.backoff.ms,
 * one pass over the hosted replicas whose cleanup.policy includes compact ("compact" or
 * "compact,delete"), compacting each below its high watermark, one log at a time. A pass starts
 * only after the previous one finished, so runs never overlap. Retention may run on the same log
 * meanwhile: a retention deletion, a truncation or a close makes the run discard its output
 * (PartitionLog.compact), so the two never conflict.
 */
export class LogCleaner {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: LogCleanerDeps) {}

  start(): void {
    this.schedule();
  }

  /** Stops scheduling passes; resolves when the pass in progress (if any) has finished or aborted. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.pass;
  }

  /** One pass over every compacted replica now; resolves when it is done (tests and the timer use it). */
  runOnce(): Promise<void> {
    this.pass = this.pass.then(() => this.cleanAll());
    return this.pass;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().then(() => this.schedule());
    }, this.deps.backoffMs);
    this.timer.unref();
  }

  private async cleanAll(): Promise<void> {
    for (const partition of this.deps.partitions()) {
      if (this.stopped) return;
      const policy = this.deps.policyFor(partition.topicName);
      if (!policy || !partition.log.isOpen) continue;
      await this.clean(partition, policy);
    }
  }

  private async clean(partition: CleanablePartition, policy: CompactionPolicy): Promise<void> {
    const where = { topic: partition.topicName, partition: partition.index };
    try {
      const result = await partition.log.compact({ upToOffset: partition.highWatermark, nowMs: this.deps.now(), ...policy });
      if (result.segmentsRewritten > 0) this.deps.logger.info({ ...where, ...describe(result) }, 'log compacted');
    } catch (err) {
      // The run left the log as it was (a failure at the swap stops the log itself, and its next
      // append or fetch reports it); the other logs can still be cleaned, and this one next pass.
      this.deps.logger.error({ ...where, err }, 'log compaction failed');
    }
  }
}

/** The result as log fields (bigints as strings: pino writes JSON). */
function describe(result: CompactionResult): Record<string, number | string | boolean> {
  return {
    cleanableEndOffset: result.cleanableEndOffset.toString(),
    segmentsRewritten: result.segmentsRewritten,
    segmentsWritten: result.segmentsWritten,
    recordsRemoved: result.recordsRemoved,
    tombstonesRemoved: result.tombstonesRemoved,
    bytesBefore: result.bytesBefore,
    bytesAfter: result.bytesAfter,
  };
}
