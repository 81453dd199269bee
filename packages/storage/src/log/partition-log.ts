import { mkdirSync, readdirSync } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH, KafkaError } from '@sluice/protocol';
import { SEGMENT_BYTES_LIMIT, SILENT_LOGGER, validateLogConfig, type LogConfig, type StorageLogger } from '../config.js';
import { InconsistentTopicId, invariant, InvariantError, InvalidFollowerAppend, OffsetOutOfRange, StorageFailure } from '../errors.js';
import { RELATIVE_OFFSET_MAX, Segment } from '../segment/segment.js';
import { compactLog, type CompactionResult, type CompactOptions } from './cleaner.js';
import { readCleanerCheckpoint, writeCleanerCheckpoint, type CleanerCheckpoint } from './cleaner-files.js';
import { indexAsStored, stampAndIndex, summarizeBatches, summarizeFollowerBatches, type BatchesSummary } from './append.js';
import { PARTITION_METADATA_FILE, readPartitionTopicId, writeCleanShutdown, writePartitionMetadata } from './dir-files.js';
import { Flusher } from './flusher.js';
import { readHighWatermark, writeHighWatermark } from './high-watermark-checkpoint.js';
import { LeaderEpochCache, UNDEFINED_EPOCH, type EpochEndOffset, type EpochEntry } from './leader-epoch-cache.js';
import { writeLeaderEpochCheckpoint } from './leader-epoch-checkpoint.js';
import { lastBatchOf, recoverLeaderEpochs } from './leader-epoch-recovery.js';
import { readBatches, type ReadOptions, type ReadResult } from './read.js';
import { prepareForAppends, recoverLog, rescanTail } from './recovery.js';
import { countDeletable, countExpiredByTime, countOverSize, largestTimestampMs } from './retention.js';

/** How to open a partition log. */
export interface PartitionLogOptions {
  /** The partition directory (`<topic>-<partition>`); created if missing. */
  dir: string;
  /** The topic id the directory must belong to (recorded in partition.metadata on creation). */
  topicId: string;
  config: LogConfig;
  /** Milliseconds since the epoch; injectable for tests. Defaults to Date.now. */
  clock?: () => number;
  logger?: StorageLogger;
}

/** Offsets an append assigned and the largest timestamp it carried. */
export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** Largest batch max timestamp, -1n when no batch carries one. */
  maxTimestamp: bigint;
}

/** A batch found by timestamp: its base offset and max timestamp. */
export interface TimestampAndOffset {
  offset: bigint;
  timestamp: bigint;
}

/** What an open found besides the segments: the leader epoch cache and the checkpointed high watermark. */
interface OpenedState {
  epochs: LeaderEpochCache;
  lastBatchEpoch: number;
  /** The high watermark in the checkpoint file, null when there was none. */
  highWatermark: bigint | null;
}

/**
 * The segmented log of one partition, Kafka-style: `.log` segments of magic-2 batches stored as the
 * client sent them (base offset and leader epoch stamped in), with sparse offset and time indexes.
 * Appends and reads are synchronous positional IO on the page cache (microseconds, and ordering is
 * trivial on one thread); fsync is asynchronous. Start with `append` and `read`; recovery rules are
 * in recovery.ts. A follower appends with `appendAsFollower` and finds where its log diverges from
 * the leader's with `endOffsetForEpoch` (KIP-101, KIP-279).
 *
 * Invariants: `segments` is non-empty, sorted by base offset, and the last one is active (the only
 * one appended to). logStartOffset = segments[0].baseOffset <= logEndOffset. The leader epoch cache
 * holds an entry for the first batch of every epoch newer than all before it, and none starting at
 * or above logEndOffset or (but the one covering it) below logStartOffset.
 */
export class PartitionLog {
  private nextOffset: bigint;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly epochs: LeaderEpochCache;
  /** The partition leader epoch of the last batch, UNDEFINED_EPOCH for an empty log. */
  private lastEpoch: number;
  /** A leader-epoch-checkpoint write is queued and has not started: it will take the entries as they are then. */
  private epochsSavePending = false;
  /** The last high watermark checkpointed (null: no file) and its write. */
  private highWatermark: { value: bigint | null; written: Promise<void> };
  /** How far compaction got (cleaner-files.ts). Invariant: cleanedUpTo <= logEndOffset. */
  private cleanerCheckpoint: CleanerCheckpoint;
  /** Bumped whenever segments below the active one may change (truncation, retention): a compaction run planned before must abort. */
  private structureVersion = 0;
  /** The compaction run in progress, if any: at most one at a time. */
  private compaction: Promise<unknown> | null = null;

  private constructor(
    private readonly dir: string,
    private readonly config: LogConfig,
    private readonly segments: Segment[],
    logEndOffset: bigint,
    private readonly clock: () => number,
    private readonly logger: StorageLogger,
    private readonly flusher: Flusher,
    opened: OpenedState,
  ) {
    this.nextOffset = logEndOffset;
    this.epochs = opened.epochs;
    this.lastEpoch = opened.lastBatchEpoch;
    this.highWatermark = { value: opened.highWatermark, written: Promise.resolve() };
    const checkpoint = readCleanerCheckpoint(dir, logger);
    this.cleanerCheckpoint = checkpoint.cleanedUpTo > logEndOffset ? { ...checkpoint, cleanedUpTo: logEndOffset } : checkpoint;
  }

  /**
   * Opens the log in `opts.dir`, creating the directory and partition.metadata if missing and
   * recovering from an unclean shutdown (see recovery.ts), then the leader epoch cache (see
   * leader-epoch-recovery.ts) and the checkpointed high watermark. Throws InconsistentTopicId when
   * the directory belongs to another topic id, or holds segments but no partition.metadata.
   */
  static open(opts: PartitionLogOptions): PartitionLog {
    validateLogConfig(opts.config);
    const clock = opts.clock ?? Date.now;
    const logger = opts.logger ?? SILENT_LOGGER;
    const created = claimDirectory(opts.dir, opts.topicId);
    const ctx = { dir: opts.dir, config: opts.config, logger, clock };
    const recovered = recoverLog(ctx);
    const epochs = recoverLeaderEpochs(ctx, recovered);
    const highWatermark = readCheckpointedHighWatermark(opts.dir, logger);
    let log: PartitionLog | null = null;
    const activeSegment = (): Segment => log!.active;
    const flusher = new Flusher(opts.dir, logger, activeSegment, recovered.recoveryPoint, clock());
    if (created) flusher.afterCreate();
    const opened = { epochs: epochs.cache, lastBatchEpoch: epochs.lastBatchEpoch, highWatermark };
    log = new PartitionLog(opts.dir, opts.config, recovered.segments, recovered.logEndOffset, clock, logger, flusher, opened);
    if (epochs.changed) log.saveLeaderEpochs();
    logger.info({ dir: opts.dir, logStartOffset: log.logStartOffset.toString(), logEndOffset: log.logEndOffset.toString(), segments: recovered.segments.length }, 'partition log opened');
    return log;
  }

  /** Whether the log serves requests: not closing, closed or destroyed (a failed log is still open and throws StorageFailure). */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The first offset still in the log: the oldest segment's base offset. */
  get logStartOffset(): bigint {
    return this.segments[0]!.baseOffset;
  }

  /** The offset the next append gets. */
  get logEndOffset(): bigint {
    return this.nextOffset;
  }

  /** Total bytes of all segments (what retention.bytes limits). */
  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.sizeBytes, 0);
  }

  /** How many segments the log has, the active one included. */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** The newest leader epoch that wrote to this log (the leader epoch cache's latest), -1 when none did. */
  get latestEpoch(): number {
    return this.epochs.latestEpoch;
  }

  /** The partition leader epoch of the last batch, -1 for an empty log: a follower's last fetched epoch. */
  get lastBatchEpoch(): number {
    return this.lastEpoch;
  }

  /** The leader epoch cache: (epoch, start offset) pairs, oldest first, strictly increasing in both. */
  get leaderEpochs(): readonly EpochEntry[] {
    return this.epochs.entries;
  }

  /**
   * OffsetsForLeaderEpoch on this log (KIP-101): the largest epoch <= `epoch` that wrote to it,
   * with the start offset of the next epoch, or logEndOffset when it is the latest; -1 and -1 when
   * `epoch` is below the first epoch the log knows (the follower falls back to its high watermark).
   */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    this.assertUsable();
    return this.epochs.endOffsetFor(epoch, this.nextOffset);
  }

  /**
   * The high watermark last checkpointed (read at open, or given to `checkpointHighWatermark`
   * since; 0 when there was none), clamped to [logStartOffset, logEndOffset], as Kafka clamps
   * the one it loads.
   */
  get checkpointedHighWatermark(): bigint {
    const hw = this.highWatermark.value ?? 0n;
    return hw < this.logStartOffset ? this.logStartOffset : hw > this.nextOffset ? this.nextOffset : hw;
  }

  /**
   * Appends one produce request's records: one or more concatenated batches the caller already
   * validated (CRC included). Assigns consecutive offsets from logEndOffset, stamps each batch's
   * base offset and partition leader epoch into `batches` in place (the caller's buffer is
   * modified), rolls first if the active segment is too large or old or its indexes are full,
   * writes with one positional write, updates the indexes and starts an fsync if the flush
   * policy says so. A `leaderEpoch` newer than the latest is recorded as starting at the first
   * appended offset (an older one is not: see LeaderEpochCache.assign). Throws StorageFailure if
   * the write fails or an earlier fsync did.
   */
  append(batches: Buffer, opts: { leaderEpoch: number }): AppendResult {
    this.assertUsable();
    const summary = summarizeBatches(batches, this.config.batchBytesMax);
    const baseOffset = this.nextOffset;
    const lastOffset = baseOffset + BigInt(summary.offsetCount - 1);
    const epochStarts = [{ epoch: opts.leaderEpoch, startOffset: baseOffset }];
    const index = (segment: Segment): void => stampAndIndex(batches, segment, { baseOffset, leaderEpoch: opts.leaderEpoch });
    this.writeBatches(batches, summary, { firstOffset: baseOffset, lastOffset, lastEpoch: opts.leaderEpoch, epochStarts, index });
    return { baseOffset, lastOffset, maxTimestamp: summary.maxTimestamp };
  }

  /**
   * Appends batches fetched from the leader exactly as the leader stored them: base offsets and
   * partition leader epochs are already set and never rewritten. Checks first, writing nothing on
   * failure (InvalidFollowerAppend): every batch whole and valid, CRC included; the first starting
   * at or after logEndOffset and each next one after the previous (offsets a compacted leader
   * removed leave gaps, and logEndOffset becomes the last batch's last offset + 1); leader epochs stamped and not
   * below the latest (a diverging follower truncates first, KIP-101). Each batch whose epoch is
   * newer than the latest is recorded as that epoch's start. Rolls, indexes, flushes and fails like
   * `append`, and returns the same shape.
   */
  appendAsFollower(batches: Buffer, fetchOffset: bigint): AppendResult {
    this.assertUsable();
    // Compaction leaves gaps, so a first batch above the log end is normal, but only for an answer
    // to a fetch from this very log end: one fetched before a truncation would leave a hole.
    if (fetchOffset !== this.nextOffset) {
      throw new InvalidFollowerAppend('stale-fetch', 0, `fetched from offset ${fetchOffset} but the log now ends at ${this.nextOffset}`);
    }
    const log = { logEndOffset: this.nextOffset, latestEpoch: this.epochs.latestEpoch, batchBytesMax: this.config.batchBytesMax };
    const summary = summarizeFollowerBatches(batches, log);
    const { firstOffset, lastOffset } = summary;
    const index = (segment: Segment): void => indexAsStored(batches, segment);
    this.writeBatches(batches, summary, { firstOffset, lastOffset, lastEpoch: summary.lastEpoch, epochStarts: summary.epochStarts, index });
    return { baseOffset: firstOffset, lastOffset, maxTimestamp: summary.maxTimestamp };
  }

  /**
   * Writes the high watermark to the `high-watermark` checkpoint (atomically, fsynced, in order
   * with the log's other background fsyncs); `checkpointedHighWatermark` returns it from now on
   * and after a restart. The broker calls it periodically, as Kafka's checkpoint task does. A call
   * with the value already checkpointed writes nothing and resolves with the earlier write. Await
   * it: a failed write stops the log and rejects with StorageFailure.
   */
  checkpointHighWatermark(highWatermark: bigint): Promise<void> {
    this.assertUsable();
    invariant(highWatermark >= 0n && highWatermark <= this.nextOffset, `high watermark ${highWatermark} outside [0, ${this.nextOffset}]`);
    if (highWatermark === this.highWatermark.value) return this.highWatermark.written;
    const written = this.flusher.inOrder(() => writeHighWatermark(this.dir, highWatermark), 'high watermark checkpoint');
    this.highWatermark = { value: highWatermark, written };
    return written;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` in total (the first batch even if
   * larger when `minOneBatch`, KIP-74), stopping before any batch at or above `maxOffsetExclusive`.
   * Never a partial batch. Chunks are views of freshly read bytes, one per segment touched.
   * Throws OffsetOutOfRange when offset < logStartOffset or offset > logEndOffset; offset ==
   * logEndOffset reads nothing.
   */
  read(offset: bigint, opts: ReadOptions): ReadResult {
    this.assertUsable();
    if (offset < this.logStartOffset || offset > this.nextOffset) throw new OffsetOutOfRange(offset, this.logStartOffset, this.nextOffset);
    if (offset === this.nextOffset || (opts.maxOffsetExclusive !== undefined && offset >= opts.maxOffsetExclusive)) return { chunks: [], sizeBytes: 0 };
    return this.onDisk('read', () => readBatches(this.segments, this.segmentIndexFor(offset), offset, opts));
  }

  /**
   * Kafka ListOffsets by timestamp, at batch granularity: the base offset and max timestamp of the
   * first batch whose max timestamp is >= `timestamp`, or null if there is none. (Kafka returns the
   * first record's offset inside that batch; finding it would mean decoding records.)
   */
  offsetForTimestamp(timestamp: bigint): TimestampAndOffset | null {
    this.assertUsable();
    return this.onDisk('timestamp lookup', () => this.findByTimestamp(timestamp));
  }

  /**
   * Kafka ListOffsets MAX_TIMESTAMP (KIP-734), at batch granularity: the base offset of the first
   * batch carrying the log's largest timestamp, with that timestamp; null when no batch has one.
   */
  offsetOfMaxTimestamp(): TimestampAndOffset | null {
    this.assertUsable();
    let best: Segment | null = null;
    for (const segment of this.segments) if (segment.maxTimestamp >= 0n && (!best || segment.maxTimestamp > best.maxTimestamp)) best = segment;
    if (!best) return null;
    return { offset: best.baseOffset + BigInt(best.offsetOfMaxTimestamp), timestamp: best.maxTimestamp };
  }

  /**
   * Removes every batch holding an offset >= `offset` (replication truncates a follower to the
   * leader's log). A batch straddling `offset` goes whole, so logEndOffset may end below `offset`.
   * Below logStartOffset the log is emptied and restarts at `offset` (Kafka truncateFullyAndStartAt).
   * The leader epoch cache loses its entries from the new logEndOffset on (all of them when the
   * log is emptied, as Kafka clears it).
   */
  truncateTo(offset: bigint): void {
    this.assertUsable();
    invariant(offset >= 0n, `truncate to negative offset ${offset}`);
    if (offset >= this.nextOffset) return;
    const epochsChanged = this.onDisk('truncate', () => {
      const full = offset < this.logStartOffset;
      if (full) {
        this.deleteSegments(this.segments.length);
        this.segments.push(Segment.create(this.dir, offset, this.config));
        this.nextOffset = offset;
      } else {
        const index = this.segmentIndexFor(offset);
        for (const doomed of this.segments.splice(index + 1)) doomed.delete(this.logger);
        this.nextOffset = truncateSegment(this.active, offset);
        prepareForAppends(this.active, this.clock());
      }
      this.flusher.afterTruncate(this.active.baseOffset);
      this.structureVersion++;
      this.lastEpoch = lastBatchOf(this.segments)?.partitionLeaderEpoch ?? UNDEFINED_EPOCH;
      return full ? this.epochs.clear() : this.epochs.truncateFromEnd(this.nextOffset);
    });
    if (epochsChanged) this.saveLeaderEpochs();
    // Offsets from here on will be written again: they are not compacted, whatever the checkpoint said.
    // A failed write is recorded in flusher.failure, which every later operation throws.
    if (this.cleanerCheckpoint.cleanedUpTo > this.nextOffset) this.saveCleanerCheckpoint({ ...this.cleanerCheckpoint, cleanedUpTo: this.nextOffset }).catch(() => undefined);
    this.logger.info({ dir: this.dir, offset: offset.toString(), logEndOffset: this.nextOffset.toString() }, 'log truncated');
  }

  /**
   * fsyncs the active segment and its indexes, and waits for rolled segments' fsyncs. Never blocks
   * the event loop. Once it resolves, everything appended before the call is durable.
   */
  async flush(): Promise<void> {
    this.assertUsable();
    await this.flusher.flush(this.clock());
  }

  /** Flushes if flush.ms has passed since the last flush and something was appended since; for a periodic scheduler. */
  async flushIfDue(): Promise<void> {
    this.assertUsable();
    await this.flusher.flushIfDue({ nowMs: this.clock(), flushIntervalMs: this.config.flushIntervalMs });
  }

  /**
   * Applies retention: rolls the active segment if it is older than segmentMs, then deletes the
   * oldest whole segments past retention.ms, then those over retention.bytes, moving
   * logStartOffset to the next segment's base offset (the leader epoch cache follows it). Never deletes the active segment, nor
   * anything at or above `highWatermark` (default: logEndOffset). Like Kafka, an active segment
   * that is itself past retention.ms is rolled so that it can go too. Returns segments deleted.
   */
  enforceRetention(opts: { highWatermark?: bigint } = {}): number {
    this.assertUsable();
    return this.onDisk('retention', () => this.deleteExpired(opts.highWatermark ?? this.nextOffset));
  }

  /**
   * Compacts the closed segments below `opts.upToOffset` (cleanup.policy=compact): keeps the
   * latest record per key, drops tombstones past delete.retention.ms, merges small segments, and
   * swaps the result in crash-safely (cleaner.ts, cleaner-files.ts). Offsets never change; the
   * active segment and the log's last batch are never touched. One run at a time (an overlapping
   * call is a bug); a truncation, retention deletion or close during the run makes it discard its
   * output and resolve with `aborted`. Disk errors before the swap reject with StorageFailure and
   * leave the log as it was; at or after the swap they stop the log.
   */
  compact(opts: CompactOptions): Promise<CompactionResult> {
    this.assertUsable();
    invariant(this.compaction === null, `partition log ${this.dir}: compaction already running`);
    const version = this.structureVersion;
    const run = compactLog({
      dir: this.dir, config: this.config, logger: this.logger, segments: this.segments, checkpoint: this.cleanerCheckpoint,
      stillValid: () => this.state === 'open' && !this.flusher.failure && this.structureVersion === version,
      commit: (count, replacement) => {
        this.segments.splice(0, count, ...replacement);
        this.structureVersion++;
      },
      saveCheckpoint: (checkpoint) => this.saveCleanerCheckpoint(checkpoint),
      abandon: () => this.abandon(),
      fail: (err) => this.flusher.fail(err, 'compaction swap'),
    }, opts).catch((err: unknown) => {
      if (err instanceof InvariantError || err instanceof KafkaError) throw err;
      throw new StorageFailure(`compaction failed in ${this.dir}`, err);
    });
    this.compaction = run.finally(() => (this.compaction = null)).catch(() => undefined);
    return run;
  }

  /** The cleaner checkpoint as the last compaction (or truncation) left it. */
  get cleanedUpTo(): bigint {
    return this.cleanerCheckpoint.cleanedUpTo;
  }

  /**
   * Flushes, records the active segment's max timestamp, writes the clean-shutdown marker and
   * closes every file. A log that failed closes its files without the marker and rethrows. A
   * compaction in progress aborts first.
   */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing'; // Refuse appends from here: the marker must vouch for the final size.
    await this.compaction;
    try {
      if (this.flusher.failure) throw this.flusher.failure;
      const active = this.active;
      active.seal();
      await this.flusher.flush(this.clock());
      this.flusher.markAllDurable(active.baseOffset);
      writeCleanShutdown(this.dir, { activeBaseOffset: active.baseOffset, activeSizeBytes: active.sizeBytes });
    } finally {
      await Promise.all(this.segments.map((s) => s.close()));
      this.state = 'closed';
    }
    this.logger.info({ dir: this.dir, logEndOffset: this.nextOffset.toString() }, 'partition log closed');
  }

  /**
   * Closes and removes the whole directory (topic deletion). partition.metadata goes first, so a
   * crash midway leaves a directory the broker recognizes as stale, never one it would serve.
   */
  async destroy(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    await this.compaction;
    await this.flusher.settled();
    await Promise.all(this.segments.map((s) => s.close()));
    await unlink(join(this.dir, PARTITION_METADATA_FILE)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rm(this.dir, { recursive: true, force: true });
    this.state = 'closed';
    this.logger.info({ dir: this.dir }, 'partition log destroyed');
  }

  /**
   * Runs a step that touches the disk. An environment error (EIO, ENOSPC, EMFILE...) leaves the
   * files in an unknown state, so it stops the log as StorageFailure; bugs and protocol outcomes
   * pass through unchanged.
   */
  private onDisk<T>(what: string, step: () => T): T {
    try {
      return step();
    } catch (err) {
      if (err instanceof InvariantError || err instanceof KafkaError) throw err;
      throw this.flusher.fail(err, what);
    }
  }

  /**
   * Writes checked batches to the active segment (rolling first if due), then records their
   * leader epochs: `epochStarts` newer than the latest go into the cache, whose checkpoint is
   * rewritten in the background in order with the roll's fsync (Flusher.inOrder).
   */
  private writeBatches(batches: Buffer, summary: BatchesSummary, opts: { firstOffset: bigint; lastOffset: bigint; lastEpoch: number; epochStarts: readonly EpochEntry[]; index: (segment: Segment) => void }): void {
    const nowMs = this.clock();
    const active = this.onDisk('append', () => {
      // The new segment starts at the first appended offset (above logEndOffset after a gap), as Kafka rolls.
      if (this.shouldRoll(summary, { lastOffset: opts.lastOffset, sizeBytes: batches.length, nowMs })) this.roll(opts.firstOffset);
      // Indexing before the write is safe: if the write fails, the log refuses everything after.
      opts.index(this.active);
      this.active.appendBytes(batches);
      return this.active;
    });
    if (active.sizeBytes === batches.length) {
      active.firstBatchMaxTimestamp = batches.readBigInt64BE(BATCH.MAX_TIMESTAMP);
      active.firstAppendMs = nowMs;
    }
    this.nextOffset = opts.lastOffset + 1n;
    this.lastEpoch = opts.lastEpoch;
    let epochsChanged = false;
    for (const start of opts.epochStarts) epochsChanged = this.epochs.assign(start.epoch, start.startOffset) || epochsChanged;
    if (epochsChanged) this.saveLeaderEpochs();
    this.flusher.afterAppend({ offsetCount: summary.offsetCount, nowMs }, this.config);
  }

  /**
   * Queues a rewrite of leader-epoch-checkpoint after the cache changed, behind the background
   * fsyncs already queued (Flusher.inOrder). Changes made before it starts share one write of the
   * entries as they are then.
   */
  private saveLeaderEpochs(): void {
    if (this.epochsSavePending) return;
    this.epochsSavePending = true;
    const written = this.flusher.inOrder(() => {
      this.epochsSavePending = false;
      return writeLeaderEpochCheckpoint(this.dir, this.epochs.entries);
    }, 'leader epoch checkpoint');
    // A failure is recorded in flusher.failure, which every later operation throws.
    written.catch(() => undefined);
  }

  private saveCleanerCheckpoint(checkpoint: CleanerCheckpoint): Promise<void> {
    this.cleanerCheckpoint = checkpoint;
    return this.flusher.inOrder(() => writeCleanerCheckpoint(this.dir, checkpoint), 'cleaner checkpoint');
  }

  /** What a crash does to the object (crash tests of compaction): nothing is flushed or marked clean. */
  private abandon(): void {
    this.state = 'closed';
    for (const segment of this.segments) void segment.close();
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private assertUsable(): void {
    invariant(this.state === 'open', `partition log ${this.dir} is ${this.state}`);
    if (this.flusher.failure) throw this.flusher.failure;
  }

  /** The first batch whose max timestamp is >= `timestamp`: time index, then offset index, then a header scan. */
  private findByTimestamp(timestamp: bigint): TimestampAndOffset | null {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      const fromPosition = segment.offsetIndex.lookup(segment.timeIndex.lookup(timestamp));
      let found: TimestampAndOffset | null = null;
      segment.scan({ fromPosition, verifyCrc: false }, (b) => {
        if (b.maxTimestamp < timestamp) return true;
        found = { offset: b.baseOffset, timestamp: b.maxTimestamp };
        return false;
      });
      if (found) return found;
    }
    return null;
  }

  /** Retention as `enforceRetention` describes it; returns segments deleted. */
  private deleteExpired(highWatermark: bigint): number {
    const nowMs = this.clock();
    const active = this.active;
    if (active.sizeBytes > 0 && active.firstAppendMs !== null && nowMs - active.firstAppendMs > this.config.segmentMs) this.roll();
    const byTime = { deletable: countDeletable(this.segments, highWatermark), nowMs, retentionMs: this.config.retentionMs };
    let deleted = countExpiredByTime(this.segments, byTime);
    if (deleted === this.segments.length - 1 && this.activeExpired(nowMs) && this.nextOffset <= highWatermark) {
      this.roll();
      deleted++;
    }
    this.deleteSegments(deleted);
    const bySize = countOverSize(this.segments, { deletable: countDeletable(this.segments, highWatermark), retentionBytes: this.config.retentionBytes });
    this.deleteSegments(bySize);
    if (deleted + bySize === 0) return 0;
    this.structureVersion++;
    if (this.epochs.truncateFromStart(this.logStartOffset)) this.saveLeaderEpochs();
    this.lastEpoch = lastBatchOf(this.segments)?.partitionLeaderEpoch ?? UNDEFINED_EPOCH;
    this.logger.info({ dir: this.dir, deleted: deleted + bySize, logStartOffset: this.logStartOffset.toString() }, 'retention deleted segments');
    return deleted + bySize;
  }

  /** Kafka LogSegment.shouldRoll, plus int32 limits: size, age, index room, relative offset range. */
  private shouldRoll(summary: BatchesSummary, next: { lastOffset: bigint; sizeBytes: number; nowMs: number }): boolean {
    const active = this.active;
    if (active.sizeBytes === 0) return false; // An oversized first append goes in alone, as in Kafka.
    return active.sizeBytes + next.sizeBytes > Math.min(this.config.segmentBytes, SEGMENT_BYTES_LIMIT)
      || this.ageForRollMs(summary.maxTimestamp, next.nowMs) > this.config.segmentMs
      || !active.indexesHaveRoomFor(summary.batchCount)
      || next.lastOffset - active.baseOffset > BigInt(RELATIVE_OFFSET_MAX);
  }

  /**
   * Kafka LogSegment.timeWaitedForRoll: the incoming max timestamp minus the first batch's, so
   * both come from producer clocks; wall-clock time since the first append when the first batch
   * carries no timestamp.
   */
  private ageForRollMs(incomingMaxTimestamp: bigint, nowMs: number): number {
    const active = this.active;
    const first = active.firstBatchMaxTimestamp;
    if (first !== null && first >= 0n) return Number(incomingMaxTimestamp - first);
    return active.firstAppendMs === null ? 0 : nowMs - active.firstAppendMs;
  }

  private activeExpired(nowMs: number): boolean {
    const active = this.active;
    return this.config.retentionMs >= 0 && active.sizeBytes > 0 && nowMs - largestTimestampMs(active) > this.config.retentionMs;
  }

  /** Seals the active segment, starts a new one at `baseOffset` (default logEndOffset) and fsyncs the old one in the background. */
  private roll(baseOffset = this.nextOffset): void {
    const old = this.active;
    invariant(old.sizeBytes > 0, `roll of empty segment ${old.baseOffset}`);
    invariant(baseOffset >= this.nextOffset, `roll to ${baseOffset} below log end offset ${this.nextOffset}`);
    old.seal();
    const segment = Segment.create(this.dir, baseOffset, this.config);
    this.segments.push(segment);
    this.flusher.afterRoll(old, segment.baseOffset);
    this.logger.info({ dir: this.dir, segment: segment.baseOffset.toString() }, 'segment rolled');
  }

  /** Deletes the `count` oldest segments. */
  private deleteSegments(count: number): void {
    for (const segment of this.segments.splice(0, count)) segment.delete(this.logger);
  }

  /** Index of the last segment whose base offset is <= offset (offset >= logStartOffset). */
  private segmentIndexFor(offset: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Cuts a segment before the batch holding `offset`; returns the new end offset. */
function truncateSegment(segment: Segment, offset: bigint): bigint {
  const batch = segment.locate(offset);
  if (batch) {
    segment.truncateLogTo(batch.position);
    segment.offsetIndex.truncateTo(segment.relative(batch.baseOffset));
    segment.timeIndex.truncateTo(segment.relative(batch.baseOffset));
  }
  const logEndOffset = rescanTail(segment, { verifyCrc: false });
  invariant(logEndOffset !== null, `segment ${segment.baseOffset} does not parse after truncation`);
  return logEndOffset;
}

/** The high watermark in the checkpoint file, or null when there is none; a malformed file is reported and read as none (0 is always safe). */
function readCheckpointedHighWatermark(dir: string, logger: StorageLogger): bigint | null {
  const read = readHighWatermark(dir);
  if (read.kind === 'malformed') logger.warn({ dir, problem: read.problem }, 'malformed high watermark checkpoint ignored');
  return read.kind === 'ok' ? read.value : null;
}

/**
 * Makes `dir` this topic's partition directory: creates it with partition.metadata, or checks the
 * topic id already there. Returns whether it was created.
 */
function claimDirectory(dir: string, topicId: string): boolean {
  mkdirSync(dir, { recursive: true });
  const found = readPartitionTopicId(dir);
  if (found === topicId) return false;
  if (found !== null) throw new InconsistentTopicId(dir, topicId, found);
  const hasSegments = readdirSync(dir).some((name) => name.endsWith('.log'));
  if (hasSegments) throw new InconsistentTopicId(dir, topicId, null);
  writePartitionMetadata(dir, topicId);
  return true;
}
