import type { Segment } from '../segment/segment.js';

/**
 * Retention decisions, Kafka UnifiedLog.deleteOldSegments at segment granularity: each returns how
 * many of the oldest segments to delete. Only a prefix is ever deleted, so the log stays contiguous
 * and logStartOffset moves to the next remaining segment's base offset.
 */

/**
 * The largest timestamp retention.ms compares with: the segment's max batch timestamp, or the log
 * file's modification time when no batch carries one (Kafka LogSegment.largestTimestamp).
 */
export function largestTimestampMs(segment: Segment): number {
  return segment.maxTimestamp >= 0n ? Number(segment.maxTimestamp) : segment.lastModifiedMs();
}

/**
 * How many of the oldest segments among the first `deletable` are past retention.ms: the leading
 * run whose largest timestamp is more than retentionMs before now. An empty segment (what
 * compaction may leave first) holds nothing to keep and never holds the run up.
 */
export function countExpiredByTime(segments: readonly Segment[], opts: { deletable: number; nowMs: number; retentionMs: number }): number {
  if (opts.retentionMs < 0) return 0;
  let n = 0;
  while (n < opts.deletable && (segments[n]!.sizeBytes === 0 || opts.nowMs - largestTimestampMs(segments[n]!) > opts.retentionMs)) n++;
  return n;
}

/**
 * How many of the oldest segments among the first `deletable` go for retention.bytes: while the
 * log stays at or above the limit without the segment, delete it.
 */
export function countOverSize(segments: readonly Segment[], opts: { deletable: number; retentionBytes: number }): number {
  if (opts.retentionBytes < 0) return 0;
  let excess = segments.reduce((sum, s) => sum + s.sizeBytes, 0) - opts.retentionBytes;
  let n = 0;
  while (n < opts.deletable && excess - segments[n]!.sizeBytes >= 0) {
    excess -= segments[n]!.sizeBytes;
    n++;
  }
  return n;
}

/**
 * How many of the oldest segments retention may touch at all: the inactive ones whose offsets all
 * lie below the high watermark (Kafka never deletes what followers may still need).
 */
export function countDeletable(segments: readonly Segment[], highWatermark: bigint): number {
  let n = 0;
  while (n < segments.length - 1 && segments[n + 1]!.baseOffset <= highWatermark) n++;
  return n;
}
