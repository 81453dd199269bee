import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LogConfig, StorageLogger } from '../config.js';
import { invariant } from '../errors.js';
import { classifyDirEntry } from '../segment/segment-files.js';
import { RELATIVE_OFFSET_MAX, Segment } from '../segment/segment.js';
import { finishInterruptedSwap } from './cleaner-files.js';
import { KNOWN_FILES, readCleanShutdown, readRecoveryPoint, removeCleanShutdown } from './dir-files.js';

/** What opening a partition directory needs. */
export interface RecoveryContext {
  dir: string;
  config: LogConfig;
  logger: StorageLogger;
  clock: () => number;
}

/** The log as found (and repaired) on disk. Invariant: `segments` is non-empty and sorted by base offset. */
export interface RecoveredLog {
  segments: Segment[];
  logEndOffset: bigint;
  /** Base offset of the first segment that may hold data not yet fsynced. */
  recoveryPoint: bigint;
  /**
   * Where the batches this open rescanned in full begin: the base offset of the first segment
   * scanned after an unclean shutdown, logEndOffset after a clean one. Everything below it was
   * fsynced before the recovery point passed it, so files written in order with those fsyncs
   * (the leader epoch checkpoint) can be trusted below it.
   */
  rescannedFrom: bigint;
}

/**
 * Loads the segments of a partition directory, repairing what a crash can leave behind.
 *
 * Rules (Kafka LogLoader, at segment granularity):
 * - A compaction swap a crash interrupted is completed if it was committed, else discarded
 *   (cleaner-files.ts). Leftovers (`.deleted`, `.cleaned`, `.tmp`) and index files without a
 *   `.log` are deleted.
 * - After a clean shutdown (the marker vouches for the active segment's base and size), segments
 *   are trusted; only the active segment's tail from its last offset index entry is rescanned,
 *   with CRCs, to find the log end offset.
 * - Otherwise every segment from the recovery point on, and always the last one, is scanned from
 *   its start with `checkBatch` and increasing offsets (gaps allowed: compaction removes
 *   batches); the log is cut at the first bad or partial
 *   batch and its indexes rebuilt. A cut in a segment that is not the last deletes every later
 *   segment: they were written after the bad bytes and never flushed.
 * - Any other segment whose index files are torn or disagree with the log gets its indexes rebuilt.
 * - Empty segments other than the first and the last are deleted: they hold no offsets (an empty
 *   first segment is what compaction leaves when it removed everything there, and it keeps
 *   logStartOffset in place).
 */
export function recoverLog(ctx: RecoveryContext): RecoveredLog {
  finishInterruptedSwap(ctx.dir, ctx.logger);
  const baseOffsets = listSegments(ctx);
  const marker = readCleanShutdown(ctx.dir);
  removeCleanShutdown(ctx.dir);
  const recoveryPoint = readRecoveryPoint(ctx.dir, ctx.logger);
  if (baseOffsets.length === 0) {
    // A fresh log, or one whose only segment file vanished: never restart below a known offset.
    const segment = Segment.create(ctx.dir, recoveryPoint ?? 0n, ctx.config);
    return { segments: [segment], logEndOffset: segment.baseOffset, recoveryPoint: segment.baseOffset, rescannedFrom: segment.baseOffset };
  }
  const lastBase = baseOffsets[baseOffsets.length - 1]!;
  const clean = marker !== null && marker.activeBaseOffset === lastBase;
  const segments = loadSegments(ctx, baseOffsets, { clean, recoveryPoint: recoveryPoint ?? 0n, markerSizeBytes: marker?.activeSizeBytes ?? -1 });
  const active = segments[segments.length - 1]!;
  const logEndOffset = loadActive(ctx, active);
  // Recovery checked the bytes but did not fsync them: the recovery point does not move.
  const durableBelow = clean ? active.baseOffset : (recoveryPoint ?? segments[0]!.baseOffset);
  const rescannedFrom = clean ? logEndOffset : (segments.find((s) => s.baseOffset >= (recoveryPoint ?? 0n)) ?? active).baseOffset;
  return { segments, logEndOffset, recoveryPoint: durableBelow < active.baseOffset ? durableBelow : active.baseOffset, rescannedFrom };
}

/** Base offsets of the `.log` files, ascending; deletes leftovers and orphan index files on the way. */
function listSegments(ctx: RecoveryContext): bigint[] {
  const logs = new Set<bigint>();
  const indexes: { name: string; baseOffset: bigint }[] = [];
  for (const name of readdirSync(ctx.dir)) {
    const entry = classifyDirEntry(name);
    if (entry.kind === 'leftover') {
      ctx.logger.info({ file: name }, 'deleting leftover file');
      unlinkLeftover(join(ctx.dir, name));
    } else if (entry.kind === 'segment-file') {
      if (entry.ext === 'log') logs.add(entry.baseOffset);
      else indexes.push({ name, baseOffset: entry.baseOffset });
    } else if (!KNOWN_FILES.has(name)) {
      ctx.logger.warn({ file: name }, 'unknown file in partition directory left alone');
    }
  }
  for (const index of indexes) {
    if (logs.has(index.baseOffset)) continue;
    ctx.logger.info({ file: index.name }, 'deleting index without log');
    unlinkSync(join(ctx.dir, index.name));
  }
  return [...logs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Deletes a leftover file; one already gone is fine (an unlink issued before a crash, or by a
 * previous owner of the directory, may land after the listing).
 */
function unlinkLeftover(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Opens every segment, recovering or rebuilding as the rules in `recoverLog` say. */
function loadSegments(ctx: RecoveryContext, baseOffsets: bigint[], state: { clean: boolean; recoveryPoint: bigint; markerSizeBytes: number }): Segment[] {
  const segments: Segment[] = [];
  for (let i = 0; i < baseOffsets.length; i++) {
    const isLast = i === baseOffsets.length - 1;
    const { segment, indexProblem } = Segment.open(ctx.dir, baseOffsets[i]!, ctx.config);
    const clean = state.clean && (!isLast || segment.sizeBytes === state.markerSizeBytes);
    if (!clean && (isLast || segment.baseOffset >= state.recoveryPoint)) {
      const { droppedBytes } = rebuildSegment(ctx, segment, 'unclean shutdown');
      if (droppedBytes > 0 && !isLast) {
        deleteLaterSegments(ctx, baseOffsets.slice(i + 1));
        segments.push(segment);
        break;
      }
    } else {
      const limit = isLast ? RELATIVE_OFFSET_MAX + 1 : relativeOffsetLimit({ baseOffset: segment.baseOffset, nextBaseOffset: baseOffsets[i + 1]! });
      const problem = indexProblem ?? (segment.offsetIndex.inconsistency({ logBytes: segment.sizeBytes, relativeOffsetLimit: limit }) ?? segment.timeIndex.inconsistency(limit));
      if (problem !== null) rebuildSegment(ctx, segment, problem);
      else segment.resetDerivedState();
    }
    // A compacted first segment may be left empty: it keeps logStartOffset where it was.
    if (segment.sizeBytes === 0 && !isLast && segments.length > 0) {
      ctx.logger.info({ segment: segment.baseOffset.toString() }, 'deleting empty segment');
      segment.delete(ctx.logger);
      continue;
    }
    segments.push(segment);
  }
  return segments;
}

/** Relative offsets in a segment stay below the next segment's base (and the int32 limit). */
function relativeOffsetLimit({ baseOffset, nextBaseOffset }: { baseOffset: bigint; nextBaseOffset: bigint }): number {
  const span = nextBaseOffset - baseOffset;
  return span > BigInt(RELATIVE_OFFSET_MAX) ? RELATIVE_OFFSET_MAX + 1 : Number(span);
}

function deleteLaterSegments(ctx: RecoveryContext, baseOffsets: bigint[]): void {
  for (const baseOffset of baseOffsets) {
    ctx.logger.warn({ segment: baseOffset.toString() }, 'deleting segment after a truncated one');
    Segment.open(ctx.dir, baseOffset, ctx.config).segment.delete(ctx.logger);
  }
}

/**
 * Rescans a whole segment with CRC checks and increasing offsets (gaps allowed), rebuilds both indexes from it and
 * cuts the log at the first bad or partial batch. Returns the offset after the last good batch.
 */
export function rebuildSegment(ctx: RecoveryContext, segment: Segment, reason: string): { nextOffset: bigint; droppedBytes: number } {
  segment.offsetIndex.reset();
  segment.timeIndex.reset();
  segment.resetDerivedState();
  let nextOffset = segment.baseOffset;
  let relativeTooLarge = -1;
  const end = segment.scan({ fromPosition: 0, verifyCrc: true, minBaseOffset: segment.baseOffset }, (b) => {
    const lastOffset = b.baseOffset + BigInt(b.lastOffsetDelta);
    if (lastOffset - segment.baseOffset > BigInt(RELATIVE_OFFSET_MAX)) return (relativeTooLarge = b.position), false;
    segment.indexBatch({ relativeOffset: segment.relative(b.baseOffset), position: b.position, sizeBytes: b.sizeBytes, maxTimestamp: b.maxTimestamp });
    nextOffset = lastOffset + 1n;
    return true;
  });
  const cut = end.kind === 'bad' ? end.position : relativeTooLarge >= 0 ? relativeTooLarge : segment.sizeBytes;
  const droppedBytes = segment.sizeBytes - cut;
  if (droppedBytes > 0) {
    const problem = end.kind === 'bad' ? end.problem : 'relative offset overflow';
    ctx.logger.warn({ segment: segment.baseOffset.toString(), position: cut, droppedBytes, problem }, 'truncating segment at bad batch');
    segment.truncateLogTo(cut);
  }
  segment.seal();
  ctx.logger.info({ segment: segment.baseOffset.toString(), reason, nextOffset: nextOffset.toString() }, 'segment indexes rebuilt');
  return { nextOffset, droppedBytes };
}

/**
 * Rescans the tail of a segment from its last offset index entry, restoring the running state an
 * append needs (max timestamp, bytes since the last index entry) and returning the offset after
 * the last batch, or null if the tail does not parse (the caller then rebuilds the segment).
 */
export function rescanTail(segment: Segment, opts: { verifyCrc: boolean }): bigint | null {
  segment.resetDerivedState();
  const last = segment.offsetIndex.lastEntry();
  let nextOffset = segment.baseOffset + BigInt(last?.relativeOffset ?? 0);
  const end = segment.scan({ fromPosition: last?.position ?? 0, verifyCrc: opts.verifyCrc, minBaseOffset: nextOffset }, (b) => {
    segment.observeBatch({ relativeOffset: segment.relative(b.baseOffset), sizeBytes: b.sizeBytes, maxTimestamp: b.maxTimestamp });
    nextOffset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n;
    return true;
  });
  return end.kind === 'end' ? nextOffset : null;
}

/**
 * Prepares the last segment for appends: its log end offset (from the tail, rebuilding the
 * segment if the tail does not parse) and the timestamps roll-by-age starts from.
 */
function loadActive(ctx: RecoveryContext, active: Segment): bigint {
  let logEndOffset = rescanTail(active, { verifyCrc: true });
  if (logEndOffset === null) logEndOffset = rebuildSegment(ctx, active, 'tail does not parse').nextOffset;
  prepareForAppends(active, ctx.clock());
  invariant(logEndOffset >= active.baseOffset, `log end offset ${logEndOffset} below active segment ${active.baseOffset}`);
  return logEndOffset;
}

/**
 * Sets the roll-by-age base of a segment becoming active with data already in it: its first
 * batch's timestamp, clamped to now (a future client timestamp must not postpone rolling forever).
 */
export function prepareForAppends(segment: Segment, nowMs: number): void {
  const first = segment.firstBatch();
  segment.firstBatchMaxTimestamp = first?.maxTimestamp ?? null;
  const ts = first?.maxTimestamp ?? -1n;
  segment.firstAppendMs = first === null ? null : ts >= 0n && ts <= BigInt(nowMs) ? Number(ts) : nowMs;
}
