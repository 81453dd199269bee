import { BATCH } from '@sluice/protocol';
import { invariant } from '../errors.js';
import type { Segment } from '../segment/segment.js';

/** What an append needs to know about the batches of one produce request before writing them. */
export interface BatchesSummary {
  batchCount: number;
  /** Offsets the batches take: the sum of lastOffsetDelta + 1. */
  offsetCount: number;
  /** Largest batch max timestamp; -1n (NO_TIMESTAMP) when none carries one. */
  maxTimestamp: bigint;
}

/**
 * Walks the headers of concatenated batches, checking only that they tile the buffer (the caller
 * validated them, CRC included; a mismatch here is a bug in the caller).
 */
export function summarizeBatches(batches: Buffer, batchBytesMax: number): BatchesSummary {
  invariant(batches.length >= BATCH.HEADER_BYTES, `append of ${batches.length} bytes holds no batch`);
  let batchCount = 0;
  let offsetCount = 0;
  let maxTimestamp = -1n;
  for (let at = 0; at < batches.length; ) {
    invariant(batches.length - at >= BATCH.HEADER_BYTES, `append: ${batches.length - at} trailing bytes at ${at} are not a batch`);
    const size = batches.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    const lastOffsetDelta = batches.readInt32BE(at + BATCH.LAST_OFFSET_DELTA);
    invariant(size >= BATCH.HEADER_BYTES && size <= batchBytesMax && at + size <= batches.length, `append: batch at ${at} has bad size ${size}`);
    invariant(batches.readInt8(at + BATCH.MAGIC) === 2 && lastOffsetDelta >= 0, `append: batch at ${at} is not a magic-2 batch`);
    const ts = batches.readBigInt64BE(at + BATCH.MAX_TIMESTAMP);
    if (ts > maxTimestamp) maxTimestamp = ts;
    batchCount++;
    offsetCount += lastOffsetDelta + 1;
    at += size;
  }
  return { batchCount, offsetCount, maxTimestamp };
}

/**
 * Writes each batch's broker-assigned base offset and the leader epoch into its header (the CRC
 * does not cover them) and records it in the segment's indexes as if written at `position`.
 */
export function stampAndIndex(batches: Buffer, segment: Segment, opts: { baseOffset: bigint; leaderEpoch: number }): void {
  let offset = opts.baseOffset;
  const position = segment.sizeBytes;
  for (let at = 0; at < batches.length; ) {
    const size = batches.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    // What stampBatch does, without a subarray per batch.
    batches.writeBigInt64BE(offset, at + BATCH.BASE_OFFSET);
    batches.writeInt32BE(opts.leaderEpoch, at + BATCH.PARTITION_LEADER_EPOCH);
    const maxTimestamp = batches.readBigInt64BE(at + BATCH.MAX_TIMESTAMP);
    segment.indexBatch({ relativeOffset: segment.relative(offset), position: position + at, sizeBytes: size, maxTimestamp });
    offset += BigInt(batches.readInt32BE(at + BATCH.LAST_OFFSET_DELTA) + 1);
    at += size;
  }
}
