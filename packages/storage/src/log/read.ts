import { BATCH } from '@sluice/protocol';
import { invariant } from '../errors.js';
import type { ScannedBatch } from '../segment/batch-scan.js';
import type { Segment } from '../segment/segment.js';

/** How much a read may return. */
export interface ReadOptions {
  /** Byte budget (fetch max bytes for the partition). */
  maxBytes: number;
  /** KIP-74: return the first batch even when it alone exceeds maxBytes, so a consumer always progresses. */
  minOneBatch: boolean;
  /** Stop before the first batch whose base offset is at or above this (the high watermark). */
  maxOffsetExclusive?: bigint;
}

/** Whole batches as views of freshly read segment bytes, one chunk per segment touched. */
export interface ReadResult {
  chunks: Buffer[];
  sizeBytes: number;
}

const EMPTY: ReadResult = Object.freeze({ chunks: [], sizeBytes: 0 }) as ReadResult;

/**
 * Reads whole batches from the batch holding `offset` on, starting in `segments[first]`: one
 * positional read per segment touched, trimmed to whole batches below the limit. No record is
 * parsed and no CRC checked: consumers check CRCs, as with Kafka's zero-copy reads, and recovery
 * checked every byte that was not flushed.
 */
export function readBatches(segments: readonly Segment[], first: number, offset: bigint, opts: ReadOptions): ReadResult {
  const start = findStart(segments, first, offset);
  if (start === null) return EMPTY;
  const limit = opts.maxOffsetExclusive ?? null;
  if (limit !== null && start.batch.baseOffset >= limit) return EMPTY;
  if (start.batch.sizeBytes > opts.maxBytes && !opts.minOneBatch) return EMPTY;
  let budget = Math.max(opts.maxBytes, start.batch.sizeBytes);
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  let position = start.batch.position;
  for (let i = start.index; i < segments.length && budget >= BATCH.HEADER_BYTES; i++, position = 0) {
    const segment = segments[i]!;
    const want = Math.min(budget, segment.sizeBytes - position);
    if (want <= 0) continue;
    const buf = Buffer.allocUnsafe(want);
    segment.readInto(buf, position);
    const whole = wholeBatches(buf, limit);
    if (whole.bytes > 0) chunks.push(buf.subarray(0, whole.bytes));
    sizeBytes += whole.bytes;
    budget -= whole.bytes;
    // Go on to the next segment only when this one was read to its end.
    if (whole.reachedLimit || whole.bytes < segment.sizeBytes - position) break;
  }
  return { chunks, sizeBytes };
}

/** The batch holding `offset`, or the first batch after it (past a gap or an empty segment). */
function findStart(segments: readonly Segment[], first: number, offset: bigint): { index: number; batch: ScannedBatch } | null {
  for (let i = first; i < segments.length; i++) {
    const batch = i === first ? segments[i]!.locate(offset) : segments[i]!.firstBatch();
    if (batch) return { index: i, batch };
  }
  return null;
}

/** Bytes of the whole batches at the start of `buf` with base offsets below `limit`. */
function wholeBatches(buf: Buffer, limit: bigint | null): { bytes: number; reachedLimit: boolean } {
  let at = 0;
  while (at + BATCH.LOG_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    // Segments hold whole valid batches (recovery and append ensure it), so this is a bug or disk rot.
    invariant(size >= BATCH.HEADER_BYTES, `batch of ${size} bytes in a segment read`);
    if (at + size > buf.length) break;
    if (limit !== null && buf.readBigInt64BE(at + BATCH.BASE_OFFSET) >= limit) return { bytes: at, reachedLimit: true };
    at += size;
  }
  return { bytes: at, reachedLimit: false };
}
