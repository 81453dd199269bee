import { BATCH, checkBatch } from '@sluice/protocol';
import { invariant, InvalidFollowerAppend } from '../errors.js';
import type { Segment } from '../segment/segment.js';
import type { EpochEntry } from './leader-epoch-cache.js';

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

/** What a follower append needs to know about batches fetched from the leader. */
export interface FollowerBatchesSummary extends BatchesSummary {
  /** Base offset of the first batch: logEndOffset, or above it after offsets the leader compacted away. */
  firstOffset: bigint;
  /** Last offset of the last batch. */
  lastOffset: bigint;
  /** Where each epoch newer than the log's latest starts: the epoch and the base offset of its first batch. */
  epochStarts: EpochEntry[];
  /** The leader epoch of the last batch. */
  lastEpoch: number;
}

/**
 * Checks batches fetched from the leader before a follower appends them as they are: each one
 * whole and valid (length bound, magic 2, CRC-32C: the bytes crossed the network), the first
 * starting at or after `logEndOffset` and each next one after the previous one's last offset
 * (gaps are allowed: a compacted leader has removed batches, Kafka's follower accepts them too),
 * and leader epochs stamped and never going back. Throws InvalidFollowerAppend at the first
 * violation.
 */
export function summarizeFollowerBatches(batches: Buffer, log: { logEndOffset: bigint; latestEpoch: number; batchBytesMax: number }): FollowerBatchesSummary {
  invariant(batches.length > 0, 'follower append of 0 bytes');
  const summary: FollowerBatchesSummary = { batchCount: 0, offsetCount: 0, maxTimestamp: -1n, firstOffset: -1n, lastOffset: -1n, epochStarts: [], lastEpoch: log.latestEpoch };
  let minBase = log.logEndOffset;
  for (let at = 0; at < batches.length; ) {
    const size = checkBatch(batches, at, log.batchBytesMax);
    if (typeof size === 'string') throw new InvalidFollowerAppend(size, at, `batch at byte ${at} is ${size}`);
    const baseOffset = batches.readBigInt64BE(at + BATCH.BASE_OFFSET);
    const lastOffsetDelta = batches.readInt32BE(at + BATCH.LAST_OFFSET_DELTA);
    const epoch = batches.readInt32BE(at + BATCH.PARTITION_LEADER_EPOCH);
    if (baseOffset < minBase || lastOffsetDelta < 0) {
      const problem = at === 0 ? 'unexpected-base-offset' : 'overlapping-offsets';
      throw new InvalidFollowerAppend(problem, at, `batch at byte ${at} has base offset ${baseOffset} and last offset delta ${lastOffsetDelta}, expected a base offset of at least ${minBase}`);
    }
    if (epoch < 0) throw new InvalidFollowerAppend('missing-leader-epoch', at, `batch at offset ${baseOffset} has leader epoch ${epoch}`);
    if (epoch < summary.lastEpoch) throw new InvalidFollowerAppend('leader-epoch-goes-back', at, `batch at offset ${baseOffset} has leader epoch ${epoch} after ${summary.lastEpoch}`);
    if (epoch > summary.lastEpoch) summary.epochStarts.push({ epoch, startOffset: baseOffset });
    summary.lastEpoch = epoch;
    const ts = batches.readBigInt64BE(at + BATCH.MAX_TIMESTAMP);
    if (ts > summary.maxTimestamp) summary.maxTimestamp = ts;
    if (summary.batchCount === 0) summary.firstOffset = baseOffset;
    summary.batchCount++;
    summary.offsetCount += lastOffsetDelta + 1;
    summary.lastOffset = baseOffset + BigInt(lastOffsetDelta);
    minBase = summary.lastOffset + 1n;
    at += size;
  }
  return summary;
}

/** Records batches that already carry their base offsets (a follower's) in the segment's indexes, as if written at the segment's end. */
export function indexAsStored(batches: Buffer, segment: Segment): void {
  const position = segment.sizeBytes;
  for (let at = 0; at < batches.length; ) {
    const size = batches.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    const relativeOffset = segment.relative(batches.readBigInt64BE(at + BATCH.BASE_OFFSET));
    segment.indexBatch({ relativeOffset, position: position + at, sizeBytes: size, maxTimestamp: batches.readBigInt64BE(at + BATCH.MAX_TIMESTAMP) });
    at += size;
  }
}
