import type { ScannedBatch } from '../segment/batch-scan.js';
import type { Segment } from '../segment/segment.js';
import { LeaderEpochCache, UNDEFINED_EPOCH, type EpochEntry } from './leader-epoch-cache.js';
import { readLeaderEpochCheckpoint } from './leader-epoch-checkpoint.js';
import type { RecoveryContext } from './recovery.js';

/** The leader epoch cache as recovered at open. */
export interface RecoveredLeaderEpochs {
  cache: LeaderEpochCache;
  /** Whether the cache differs from the checkpoint file (missing, malformed or repaired): the caller rewrites it. */
  changed: boolean;
  /** The partition leader epoch of the last batch, UNDEFINED_EPOCH for an empty log. */
  lastBatchEpoch: number;
}

/** The recovered log, as recoverLog returned it. */
export interface RecoveredSegments {
  segments: readonly Segment[];
  logEndOffset: bigint;
  rescannedFrom: bigint;
}

/**
 * Loads the leader epoch cache and makes it agree with the recovered log, reading batch headers
 * only (never records or CRCs):
 * - A missing or malformed checkpoint is rebuilt from the header of every batch in the log.
 * - Otherwise the checkpoint is trusted below `rescannedFrom` (the Flusher writes it in order with
 *   segment fsyncs, so it is durable for everything below the recovery point); entries from there
 *   on are dropped and re-derived from the batches recovery rescanned, which also drops entries
 *   past a torn tail. Entries below logStartOffset are trimmed (retention ran after the last write).
 * - If the first or last batch then carries an epoch newer than the entry covering its offset (the
 *   checkpoint lost an entry), the cache is rebuilt from the whole log after all.
 */
export function recoverLeaderEpochs(ctx: RecoveryContext, log: RecoveredSegments): RecoveredLeaderEpochs {
  const logStartOffset = log.segments[0]!.baseOffset;
  const lastBatch = lastBatchOf(log.segments);
  const lastBatchEpoch = lastBatch?.partitionLeaderEpoch ?? UNDEFINED_EPOCH;
  const read = readLeaderEpochCheckpoint(ctx.dir);
  if (read.kind === 'ok') {
    const cache = new LeaderEpochCache(read.value);
    cache.truncateFromStart(logStartOffset);
    cache.truncateFromEnd(log.rescannedFrom);
    replayEpochs(ctx, log.segments, { cache, from: log.rescannedFrom });
    const problem = missingEpochProblem(cache, [log.segments[0]!.firstBatch(), lastBatch]);
    if (problem === null) return { cache, changed: !sameEntries(cache.entries, read.value), lastBatchEpoch };
    ctx.logger.warn({ dir: ctx.dir, problem }, 'leader epoch checkpoint disagrees with the log, rebuilding it');
  } else if (read.kind === 'malformed') {
    ctx.logger.warn({ dir: ctx.dir, problem: read.problem }, 'malformed leader epoch checkpoint, rebuilding it');
  } else if (log.logEndOffset > logStartOffset) {
    ctx.logger.info({ dir: ctx.dir }, 'no leader epoch checkpoint, rebuilding it from the log');
  }
  const cache = new LeaderEpochCache();
  replayEpochs(ctx, log.segments, { cache, from: logStartOffset });
  return { cache, changed: true, lastBatchEpoch };
}

/** The header of the log's last batch, or null for an empty log. Only the active segment can be empty, so this reads one or two segment tails. */
export function lastBatchOf(segments: readonly Segment[]): ScannedBatch | null {
  for (let i = segments.length - 1; i >= 0; i--) {
    const batch = segments[i]!.lastBatch();
    if (batch) return batch;
  }
  return null;
}

/**
 * Assigns the epoch of every batch in the segments starting at or after `from` (a segment base
 * offset, or logEndOffset for none), exactly as appends did: an epoch not newer than the latest
 * changes nothing.
 */
function replayEpochs(ctx: RecoveryContext, segments: readonly Segment[], { cache, from }: { cache: LeaderEpochCache; from: bigint }): void {
  for (const segment of segments) {
    if (segment.baseOffset < from) continue;
    const end = segment.scan({ fromPosition: 0, verifyCrc: false }, (b) => {
      cache.assign(b.partitionLeaderEpoch, b.baseOffset);
      return true;
    });
    // Recovery left only whole batches, but a segment below the recovery point is trusted without
    // a scan; a rotten header there ends the replay of that segment, and the log serves it as is.
    if (end.kind === 'bad') ctx.logger.warn({ segment: segment.baseOffset.toString(), position: end.position, problem: end.problem }, 'bad batch header while replaying leader epochs');
  }
}

/** Why the cache cannot be right about one of `batches`: it carries an epoch newer than the entry covering it. */
function missingEpochProblem(cache: LeaderEpochCache, batches: readonly (ScannedBatch | null)[]): string | null {
  for (const batch of batches) {
    if (!batch) continue;
    const covering = cache.epochForOffset(batch.baseOffset);
    if (batch.partitionLeaderEpoch > covering) return `batch at offset ${batch.baseOffset} has leader epoch ${batch.partitionLeaderEpoch}, the checkpoint says ${covering}`;
  }
  return null;
}

function sameEntries(a: readonly EpochEntry[], b: readonly EpochEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.epoch === b[i]!.epoch && e.startOffset === b[i]!.startOffset);
}
