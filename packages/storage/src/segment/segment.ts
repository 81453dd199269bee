import { closeSync, constants, existsSync, fstatSync, fsync, ftruncateSync, openSync, renameSync, unlink } from 'node:fs';
import type { LogConfig, StorageLogger } from '../config.js';
import { invariant } from '../errors.js';
import { scanBatches, type ScanEnd, type ScannedBatch } from './batch-scan.js';
import { EntryFile, OPEN_OR_CREATE, readFully, writeFully } from './entry-file.js';
import { OFFSET_INDEX_ENTRY_BYTES, OffsetIndex } from './offset-index.js';
import { segmentPaths, type SegmentFileSuffix, type SegmentPaths } from './segment-files.js';
import { TIME_INDEX_ENTRY_BYTES, TimeIndex } from './time-index.js';

/** Relative offsets are int32 in both indexes; a segment rolls before passing this (Kafka does too). */
export const RELATIVE_OFFSET_MAX = 0x7fffffff;

/** The settings a segment uses; a subset of LogConfig. */
export type SegmentConfig = Pick<LogConfig, 'indexIntervalBytes' | 'segmentIndexBytesMax' | 'batchBytesMax'>;

/**
 * One segment: a `.log` file of whole magic-2 batches starting at `baseOffset`, with its offset and
 * time indexes. File descriptors stay open for the segment's life; reads and appends are
 * synchronous positional IO, fsync is asynchronous.
 *
 * Invariant: the log file holds exactly `sizeBytes` bytes of contiguous whole batches (recovery
 * establishes it at open, and every later change keeps it).
 */
export class Segment {
  /** Where the files are now; `renameFiles` changes it while compaction swaps a segment in. */
  paths: SegmentPaths;
  /** Largest batch max timestamp in the segment; -1n (NO_TIMESTAMP) when it has none. */
  maxTimestamp = -1n;
  /** Relative offset of the first batch that carries `maxTimestamp`. */
  offsetOfMaxTimestamp = 0;
  /** Max timestamp of the first batch, for roll by age (Kafka's `rollingBasedTimestamp`); null when unknown. */
  firstBatchMaxTimestamp: bigint | null = null;
  /** Clock time of the first append (or of opening an existing segment), for roll by wall-clock age. */
  firstAppendMs: number | null = null;
  /** Log bytes appended since the last offset index entry (Kafka `bytesSinceLastIndexEntry`). */
  private bytesSinceIndexEntry = 0;
  /** The last fsync started; closing waits for it so a descriptor is never closed under an fsync. */
  private syncing: Promise<unknown> = Promise.resolve();
  private closing = false;

  private constructor(
    readonly baseOffset: bigint,
    dir: string,
    private readonly logFd: number,
    public sizeBytes: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly config: SegmentConfig,
    suffix: SegmentFileSuffix = '',
  ) {
    this.paths = segmentPaths(dir, baseOffset, suffix);
  }

  /**
   * Creates an empty segment, replacing any files of that name. Compaction writes its output
   * under a `.cleaned` suffix and renames it into place later (`renameFiles`).
   */
  static create(dir: string, baseOffset: bigint, config: SegmentConfig, suffix: SegmentFileSuffix = ''): Segment {
    const paths = segmentPaths(dir, baseOffset, suffix);
    const logFd = openSync(paths.log, 'w+');
    const { offsetIndex, timeIndex } = openIndexes(paths, config, true);
    return new Segment(baseOffset, dir, logFd, 0, offsetIndex.index, timeIndex.index, config, suffix);
  }

  /**
   * Renames the three files to carry `suffix` (open descriptors follow the files), log first.
   * `afterEach` runs after every rename, so crash tests can stop between two of them.
   */
  renameFiles(dir: string, suffix: SegmentFileSuffix, afterEach: () => void = () => undefined): void {
    const to = segmentPaths(dir, this.baseOffset, suffix);
    for (const key of ['log', 'index', 'timeIndex'] as const) {
      renameSync(this.paths[key], to[key]);
      this.paths = { ...this.paths, [key]: to[key] };
      afterEach();
    }
  }

  /**
   * Opens an existing segment as found on disk. `indexProblem` says why the index files cannot be
   * trusted (missing, or not a whole number of entries after a torn write), or is null.
   */
  static open(dir: string, baseOffset: bigint, config: SegmentConfig): { segment: Segment; indexProblem: string | null } {
    const paths = segmentPaths(dir, baseOffset);
    const missing = !existsSync(paths.index) || !existsSync(paths.timeIndex);
    const logFd = openSync(paths.log, OPEN_OR_CREATE);
    const sizeBytes = fstatSync(logFd).size;
    const { offsetIndex, timeIndex } = openIndexes(paths, config, false);
    const segment = new Segment(baseOffset, dir, logFd, sizeBytes, offsetIndex.index, timeIndex.index, config);
    const torn = offsetIndex.tornBytes + timeIndex.tornBytes > 0;
    return { segment, indexProblem: missing ? 'missing index file' : torn ? 'torn index file' : null };
  }

  /** `offset` relative to the base offset; callers keep it within [0, RELATIVE_OFFSET_MAX]. */
  relative(offset: bigint): number {
    return Number(offset - this.baseOffset);
  }

  /** Whether the indexes have room for entries for `batchCount` more batches plus the final time entry. */
  indexesHaveRoomFor(batchCount: number): boolean {
    return this.offsetIndex.hasRoomFor(batchCount) && this.timeIndex.hasRoomFor(batchCount + 1);
  }

  /** Appends whole batches at the end of the log (one positional write). */
  appendBytes(batches: Buffer): void {
    invariant(this.sizeBytes + batches.length <= 0x7fffffff, `segment ${this.baseOffset} would pass 2 GiB`);
    writeFully(this.logFd, batches, this.sizeBytes);
    this.sizeBytes += batches.length;
  }

  /**
   * Records one batch written at `position` in the indexes, Kafka's rule: an offset index entry
   * when more than indexIntervalBytes were appended since the last one, and a time index entry
   * beside it when the max timestamp grew (LogSegment.append).
   */
  indexBatch(batch: { relativeOffset: number; position: number; sizeBytes: number; maxTimestamp: bigint }): void {
    if (batch.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = batch.maxTimestamp;
      this.offsetOfMaxTimestamp = batch.relativeOffset;
    }
    if (this.bytesSinceIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append({ relativeOffset: batch.relativeOffset, position: batch.position });
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += batch.sizeBytes;
  }

  /**
   * Takes a batch already in the log (and already indexed, or past the last index entry) into the
   * running max timestamp and bytes-since-index count, when rescanning a tail.
   */
  observeBatch(batch: { relativeOffset: number; sizeBytes: number; maxTimestamp: bigint }): void {
    if (batch.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = batch.maxTimestamp;
      this.offsetOfMaxTimestamp = batch.relativeOffset;
    }
    this.bytesSinceIndexEntry += batch.sizeBytes;
  }

  /** Reads `buf.length` bytes at `position`; the range must lie within the log. */
  readInto(buf: Buffer, position: number): void {
    invariant(position >= 0 && position + buf.length <= this.sizeBytes, `read [${position}, +${buf.length}) outside segment ${this.baseOffset} of ${this.sizeBytes} bytes`);
    const n = readFully(this.logFd, buf, position);
    invariant(n === buf.length, `segment ${this.baseOffset} is shorter on disk than ${this.sizeBytes} bytes`);
  }

  /** Walks batches from `fromPosition` to the end of the log; see `scanBatches`. */
  scan(opts: { fromPosition: number; verifyCrc: boolean; minBaseOffset?: bigint }, visit: (b: ScannedBatch) => boolean): ScanEnd {
    return scanBatches({ ...opts, fd: this.logFd, endPosition: this.sizeBytes, batchBytesMax: this.config.batchBytesMax }, visit);
  }

  /**
   * The batch holding `offset` (its last offset is >= offset), found by an offset index lookup and
   * a header scan forward; null if every batch of the segment ends below `offset`.
   */
  locate(offset: bigint): ScannedBatch | null {
    const fromPosition = this.offsetIndex.lookup(Math.min(this.relative(offset), RELATIVE_OFFSET_MAX));
    let found: ScannedBatch | null = null;
    const end = this.scan({ fromPosition, verifyCrc: false }, (b) => {
      if (b.baseOffset + BigInt(b.lastOffsetDelta) < offset) return true;
      found = b;
      return false;
    });
    invariant(end.kind !== 'bad', `segment ${this.baseOffset}: bad batch at ${end.position} while reading`);
    return found;
  }

  /** The header of the first batch, or null for an empty segment. */
  firstBatch(): ScannedBatch | null {
    let first: ScannedBatch | null = null;
    this.scan({ fromPosition: 0, verifyCrc: false }, (b) => ((first = b), false));
    return first;
  }

  /**
   * The header of the last batch, or null for an empty segment: a header scan from the last offset
   * index entry, so it reads at most about indexIntervalBytes of the log.
   */
  lastBatch(): ScannedBatch | null {
    let last: ScannedBatch | null = null;
    this.scan({ fromPosition: this.offsetIndex.lastEntry()?.position ?? 0, verifyCrc: false }, (b) => ((last = b), true));
    return last;
  }

  /** Clock time of the last modification, Kafka's fallback age for a segment without timestamps. */
  lastModifiedMs(): number {
    return fstatSync(this.logFd).mtimeMs;
  }

  /**
   * Restarts the running max timestamp from the last time index entry and the bytes-since-index
   * count from zero, before a rebuild (indexes emptied first) or a tail rescan (which then feeds
   * every batch from the last offset index entry on to `observeBatch`).
   */
  resetDerivedState(): void {
    const last = this.timeIndex.lastEntry();
    this.maxTimestamp = last?.timestamp ?? -1n;
    this.offsetOfMaxTimestamp = last?.relativeOffset ?? 0;
    this.bytesSinceIndexEntry = 0;
  }

  /** Cuts the log at `position` (a batch boundary). Index entries are the caller's business. */
  truncateLogTo(position: number): void {
    invariant(position >= 0 && position <= this.sizeBytes, `truncate segment ${this.baseOffset} to ${position} of ${this.sizeBytes}`);
    ftruncateSync(this.logFd, position);
    this.sizeBytes = position;
  }

  /** Writes index entries still only in memory to the index files. */
  writeIndexes(): void {
    this.offsetIndex.file.writePending();
    this.timeIndex.file.writePending();
  }

  /**
   * Called when the segment stops being active: a last time index entry records the segment's
   * max timestamp for retention and timestamp lookups after a restart (Kafka onBecomeInactiveSegment).
   */
  seal(): void {
    if (this.maxTimestamp >= 0n) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    this.writeIndexes();
  }

  /**
   * Writes pending index entries, then fsyncs the log and both indexes. A segment being closed
   * (deleted, or the log closing after its final flush) has nothing left to make durable.
   */
  sync(): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.writeIndexes();
    const done = Promise.all([fsyncFd(this.logFd), this.offsetIndex.file.sync(), this.timeIndex.file.sync()]).then(() => undefined);
    this.syncing = done.catch(() => undefined);
    return done;
  }

  /** Closes the descriptors once any fsync in flight has finished (its outcome is the syncer's concern). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.syncing;
    closeSync(this.logFd);
    this.offsetIndex.file.close();
    this.timeIndex.file.close();
  }

  /**
   * Removes the segment's files: renamed to `.deleted` at once (a crash leaves names recovery
   * deletes), unlinked in the background so freeing a large file never blocks the event loop, and
   * closed after any fsync in flight. `afterEachRename` lets crash tests stop between renames.
   */
  delete(logger: StorageLogger, afterEachRename: () => void = () => undefined): void {
    for (const path of [this.paths.log, this.paths.index, this.paths.timeIndex]) {
      const doomed = `${path}.deleted`;
      renameSync(path, doomed);
      // A failed unlink only leaves a `.deleted` file, which the next open removes; nothing reads it.
      unlink(doomed, (err) => err && logger.warn({ path: doomed, err }, 'segment file unlink failed'));
      afterEachRename();
    }
    // The files are already gone from the directory; a failed close only leaks a descriptor.
    this.close().catch((err: unknown) => logger.warn({ segment: this.baseOffset.toString(), err }, 'segment close failed'));
  }
}

function openIndexes(paths: SegmentPaths, config: SegmentConfig, truncate: boolean) {
  const offsetFile = EntryFile.open(paths.index, OFFSET_INDEX_ENTRY_BYTES, { truncate });
  const timeFile = EntryFile.open(paths.timeIndex, TIME_INDEX_ENTRY_BYTES, { truncate });
  return {
    offsetIndex: { index: new OffsetIndex(offsetFile.file, Math.floor(config.segmentIndexBytesMax / OFFSET_INDEX_ENTRY_BYTES)), tornBytes: offsetFile.tornBytes },
    // One slot is kept for the final entry `seal` writes.
    timeIndex: { index: new TimeIndex(timeFile.file, Math.floor(config.segmentIndexBytesMax / TIME_INDEX_ENTRY_BYTES) - 1), tornBytes: timeFile.tornBytes },
  };
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** fsync of a directory, so file creations, renames and deletions in it are durable. */
export function syncDir(dir: string): Promise<void> {
  const fd = openSync(dir, constants.O_RDONLY);
  return fsyncFd(fd).finally(() => closeSync(fd));
}
