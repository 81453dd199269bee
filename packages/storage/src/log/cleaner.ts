import { unlinkSync } from 'node:fs';
import { BATCH } from '@sluice/protocol';
import type { LogConfig, StorageLogger } from '../config.js';
import { OFFSET_INDEX_ENTRY_BYTES } from '../segment/offset-index.js';
import { Segment, syncDir } from '../segment/segment.js';
import { removeSwapManifest, writeSwapManifest, type CleanerCheckpoint } from './cleaner-files.js';
import { countCleanable, decideBatch, filterBatch, filterContext, forEachStoredBatch, groupSegments, OffsetMap, type FilterContext } from './compaction.js';

/** What `PartitionLog.compact` is asked to do. */
export interface CompactOptions {
  /** Only offsets below this are compacted: the high watermark (followers may still need the rest). */
  upToOffset: bigint;
  /** The time tombstone expiry and the compaction lag are measured against. */
  nowMs: number;
  /** delete.retention.ms: a tombstone stays this long after its batch's max timestamp. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: a segment whose newest batch is younger is left alone. Default 0. */
  minCompactionLagMs?: number;
  /** Distinct keys one run may track; the cleanable range ends at the segment where it fills. */
  offsetMapKeysMax?: number;
  /**
   * For crash tests only: stop right after this step, leaving the files exactly as a crash there
   * would (the log object is abandoned: closed without a flush; reopen the directory to recover).
   * A number stops after that many renames of the commit phase.
   */
  crashAfter?: CompactionStep | number;
}

/** The steps of a run that a crash test can stop after. */
export type CompactionStep = 'cleaned-written' | 'swap-renamed' | 'manifest-written' | 'swapped-in';

/** What one run did. Byte counts cover the cleanable segments only. */
export interface CompactionResult {
  /** False when there was nothing to do (nothing cleanable, or nothing new since the checkpoint and no tombstone due). */
  ran: boolean;
  /** True when the log changed under the run (truncation, retention, close) or the offset map was full at once; nothing was swapped. */
  aborted: boolean;
  /** Offsets below this were considered (the base offset of the first segment not cleanable). */
  cleanableEndOffset: bigint;
  cleanableSegments: number;
  /** Old segments replaced. */
  segmentsRewritten: number;
  /** New segments written in their place (fewer when small ones merged or emptied). */
  segmentsWritten: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** The slice of a PartitionLog a cleaning run works on. */
export interface CleanerContext {
  dir: string;
  config: LogConfig;
  logger: StorageLogger;
  /** The live segment list; the run reads the prefix it plans, and `commit` replaces it. */
  segments: readonly Segment[];
  checkpoint: CleanerCheckpoint;
  /** False once the log changed in a way that invalidates the plan, or is closing. */
  stillValid(): boolean;
  /** Replaces the first `count` segments with `replacement` (synchronously, at the swap). */
  commit(count: number, replacement: Segment[]): void;
  /** Records the new checkpoint (durably, in order with the log's other background writes). */
  saveCheckpoint(checkpoint: CleanerCheckpoint): Promise<void>;
  /** Crash tests: drop the log object as a crash would. */
  abandon(): void;
  /** Stops the log after a disk error past the commit point (files and memory may disagree); returns what to throw. */
  fail(err: unknown): Error;
}

/** Thrown inside a run to unwind it; never escapes `compactLog`. */
class RunStopped extends Error {
  constructor(readonly crashed: boolean) {
    super('compaction run stopped');
  }
}

/** One output segment and the old ones it replaces. */
interface GroupOutput {
  old: Segment[];
  /** The new segment, or null when the group emptied and is simply removed (or did not change: `changed` false). */
  output: Segment | null;
  changed: boolean;
}

const OFFSET_MAP_KEYS_MAX_DEFAULT = 1_000_000;

/**
 * One compaction run over a partition log (Kafka LogCleaner.cleanSegments, simplified): plans the
 * cleanable prefix, skips cheaply when the checkpoint says nothing changed, builds the key map
 * over the part not yet compacted, writes each group of segments to one `.cleaned` segment
 * (latest record per key, expired tombstones dropped, offsets kept), and swaps them in as
 * cleaner-files.ts describes. Reads segment by segment and yields to the event loop between
 * them; if the log changes meanwhile (`stillValid`), the run discards its output and reports
 * `aborted`.
 */
export async function compactLog(ctx: CleanerContext, opts: CompactOptions): Promise<CompactionResult> {
  const minCompactionLagMs = opts.minCompactionLagMs ?? 0;
  let count = countCleanable(ctx.segments, { upToOffset: opts.upToOffset, nowMs: opts.nowMs, minCompactionLagMs });
  const result = emptyResult(count === 0 ? ctx.segments[0]!.baseOffset : ctx.segments[count]!.baseOffset, count);
  if (count === 0 || !hasWork(ctx.checkpoint, result.cleanableEndOffset, opts)) return result;
  const map = new OffsetMap(opts.offsetMapKeysMax ?? OFFSET_MAP_KEYS_MAX_DEFAULT);
  const outputs: GroupOutput[] = [];
  try {
    count = await buildOffsetMap(ctx, map, count);
    if (count === 0) {
      ctx.logger.warn({ dir: ctx.dir, keysMax: map.keysMax }, 'compaction offset map full in the first segment to clean');
      return { ...result, ran: true, aborted: true };
    }
    Object.assign(result, emptyResult(ctx.segments[count]!.baseOffset, count), { ran: true });
    const tombstoneTimestampMin = await writeGroups(ctx, { map, count, opts, result, outputs });
    discard(outputs.filter((g) => !g.changed));
    if (outputs.some((g) => g.changed)) await swapIn(ctx, outputs, opts.crashAfter);
    result.segmentsRewritten = outputs.filter((g) => g.changed).reduce((n, g) => n + g.old.length, 0);
    result.segmentsWritten = outputs.filter((g) => g.changed && g.output).length;
    await ctx.saveCheckpoint({ cleanedUpTo: result.cleanableEndOffset, tombstoneTimestampMin });
    return result;
  } catch (err) {
    if (!(err instanceof RunStopped)) {
      discard(outputs);
      throw err;
    }
    if (err.crashed) {
      for (const group of outputs) void group.output?.close();
      ctx.abandon();
    } else {
      discard(outputs);
    }
    return { ...result, ran: true, aborted: true };
  }
}

function emptyResult(cleanableEndOffset: bigint, cleanableSegments: number): CompactionResult {
  return { ran: false, aborted: false, cleanableEndOffset, cleanableSegments, segmentsRewritten: 0, segmentsWritten: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
}

/** Whether a run could change anything: offsets not compacted yet, or a kept tombstone now past delete.retention.ms. */
function hasWork(checkpoint: CleanerCheckpoint, cleanableEndOffset: bigint, opts: CompactOptions): boolean {
  if (cleanableEndOffset > checkpoint.cleanedUpTo) return true;
  const oldest = checkpoint.tombstoneTimestampMin;
  return oldest >= 0n && opts.nowMs - Number(oldest) > opts.deleteRetentionMs;
}

/**
 * Fills the map from the segments not compacted yet (those ending above the checkpoint: the part
 * below has one record per key already). Returns how many segments the run may clean: `count`,
 * or fewer when the map filled (the range then ends before the segment where it did).
 */
async function buildOffsetMap(ctx: CleanerContext, map: OffsetMap, count: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    if (ctx.segments[i + 1]!.baseOffset <= ctx.checkpoint.cleanedUpTo) continue;
    let full = false;
    await forEachStoredBatch(ctx.segments[i]!, (batch) => {
      full ||= !map.addBatch(batch);
    }, () => pause(ctx));
    if (full) return i;
  }
  return count;
}

/**
 * Writes the output segment of every group to `.cleaned` files, counting what goes, and returns
 * the smallest max timestamp of a batch that keeps a tombstone (-1 when none does).
 */
async function writeGroups(ctx: CleanerContext, run: { map: OffsetMap; count: number; opts: CompactOptions; result: CompactionResult; outputs: GroupOutput[] }): Promise<bigint> {
  const { result, outputs } = run;
  const limits = { segmentBytes: ctx.config.segmentBytes, indexEntriesMax: Math.floor(ctx.config.segmentIndexBytesMax / OFFSET_INDEX_ENTRY_BYTES) - 1 };
  const filterCtx = filterContext(run.map, run.opts.nowMs, run.opts.deleteRetentionMs);
  let tombstoneTimestampMin = -1n;
  let first = 0;
  const keptTombstone = (batch: Buffer): void => {
    const ts = batch.readBigInt64BE(BATCH.MAX_TIMESTAMP);
    if (tombstoneTimestampMin < 0n || ts < tombstoneTimestampMin) tombstoneTimestampMin = ts;
  };
  for (const size of groupSegments(ctx.segments, run.count, limits)) {
    const old = ctx.segments.slice(first, first + size);
    const bytesBefore = old.reduce((n, s) => n + s.sizeBytes, 0);
    result.bytesBefore += bytesBefore;
    first += size;
    // A lone segment that loses nothing is not rewritten: a first pass decides, without writing.
    if (size === 1 && !(await loses(ctx, old[0]!, { filterCtx, keptTombstone }))) {
      outputs.push({ old, output: null, changed: false });
      result.bytesAfter += bytesBefore;
      continue;
    }
    const output = Segment.create(ctx.dir, old[0]!.baseOffset, ctx.config, '.cleaned');
    const group: GroupOutput = { old, output, changed: true };
    outputs.push(group);
    for (const segment of old) {
      await forEachStoredBatch(segment, (batch) => {
        const filtered = filterBatch(batch, filterCtx);
        result.recordsRemoved += filtered.recordsRemoved;
        result.tombstonesRemoved += filtered.tombstonesRemoved;
        if (filtered.keepsTombstone) keptTombstone(batch);
        if (filtered.bytes) appendStored(output, filtered.bytes);
      }, () => pause(ctx));
    }
    output.seal();
    result.bytesAfter += output.sizeBytes;
    // An emptied group goes without a replacement, except the first: it keeps logStartOffset.
    if (output.sizeBytes === 0 && first > size) {
      dropFiles(output);
      group.output = null;
    }
  }
  return tombstoneTimestampMin;
}

/** Whether filtering would remove anything from `segment`; reports the batches that keep a tombstone when it would not. */
async function loses(ctx: CleanerContext, segment: Segment, opts: { filterCtx: FilterContext; keptTombstone: (batch: Buffer) => void }): Promise<boolean> {
  let removes = false;
  const tombstones: Buffer[] = [];
  await forEachStoredBatch(segment, (batch) => {
    if (removes) return;
    const decision = decideBatch(batch, opts.filterCtx);
    removes = decision.recordsRemoved > 0;
    if (decision.keepsTombstone) tombstones.push(Buffer.from(batch.subarray(0, BATCH.HEADER_BYTES)));
  }, () => pause(ctx));
  if (!removes) for (const header of tombstones) opts.keptTombstone(header);
  return removes;
}

/** Appends one stored batch (offsets already set) to an output segment and indexes it. */
function appendStored(output: Segment, batch: Buffer): void {
  const baseOffset = batch.readBigInt64BE(BATCH.BASE_OFFSET);
  output.indexBatch({ relativeOffset: output.relative(baseOffset), position: output.sizeBytes, sizeBytes: batch.length, maxTimestamp: batch.readBigInt64BE(BATCH.MAX_TIMESTAMP) });
  output.appendBytes(batch);
}

/**
 * Swaps the changed groups in (the order cleaner-files.ts gives): fsync the outputs, rename them
 * to `.swap`, fsync the directory, write the manifest (the commit point), then, synchronously so
 * no append, read or truncation sees a half-swapped list, rename the old segments away (oldest
 * first) and the outputs into place and replace the segments in memory; finally fsync the
 * directory and delete the manifest.
 */
async function swapIn(ctx: CleanerContext, outputs: GroupOutput[], crashAfter: CompactOptions['crashAfter']): Promise<void> {
  const stopAfter = (step: CompactionStep): void => {
    if (crashAfter === step) throw new RunStopped(true);
  };
  const changed = outputs.filter((g) => g.changed);
  const written = changed.flatMap((g) => (g.output ? [g.output] : []));
  await Promise.all(written.map((s) => s.sync()));
  await pause(ctx);
  stopAfter('cleaned-written');
  for (const segment of written) segment.renameFiles(ctx.dir, '.swap');
  await syncDir(ctx.dir);
  await pause(ctx);
  stopAfter('swap-renamed');
  await writeSwapManifest(ctx.dir, { oldBaseOffsets: changed.flatMap((g) => g.old.map((s) => s.baseOffset)), newBaseOffsets: written.map((s) => s.baseOffset) });
  // Past the commit point an abort would leave a manifest recovery completes: stop only as a crash would.
  stopAfter('manifest-written');
  if (!ctx.stillValid()) {
    // Uncommit durably before the output goes, or recovery could complete a swap without it.
    removeSwapManifest(ctx.dir);
    await syncDir(ctx.dir);
    throw new RunStopped(false);
  }
  let renames = 0;
  const countRename = (): void => {
    if (++renames === crashAfter) throw new RunStopped(true);
  };
  try {
    for (const segment of changed.flatMap((g) => g.old)) segment.delete(ctx.logger, countRename);
    for (const segment of written) segment.renameFiles(ctx.dir, '', countRename);
  } catch (err) {
    // Past the commit point a disk error stops the log: memory no longer matches the files, and
    // the manifest left behind lets recovery finish the swap at the next open.
    if (err instanceof RunStopped) throw err;
    throw ctx.fail(err);
  }
  ctx.commit(outputs.reduce((n, g) => n + g.old.length, 0), outputs.flatMap((g) => (g.changed ? (g.output ? [g.output] : []) : g.old)));
  stopAfter('swapped-in');
  try {
    await syncDir(ctx.dir);
    removeSwapManifest(ctx.dir);
  } catch (err) {
    throw ctx.fail(err);
  }
}

/** Removes every output not swapped in (after an abort, or for unchanged groups). */
function discard(outputs: GroupOutput[]): void {
  for (const group of outputs) {
    if (group.output && !group.output.paths.log.endsWith('.log')) dropFiles(group.output);
    group.output = null;
  }
}

function dropFiles(segment: Segment): void {
  void segment.close();
  for (const path of [segment.paths.log, segment.paths.index, segment.paths.timeIndex]) unlinkSync(path);
}

/** Lets other work run between segments, then checks the plan still holds. */
async function pause(ctx: CleanerContext): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (!ctx.stillValid()) throw new RunStopped(false);
}
