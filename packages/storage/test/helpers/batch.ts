import { BATCH, computeBatchCrc } from '@sluice/protocol';

/** What a test batch looks like; records are opaque bytes, never encoded records. */
export interface TestBatchSpec {
  /** Records in the batch; lastOffsetDelta is recordsCount - 1. */
  recordsCount?: number;
  /** Bytes after the 61-byte header. */
  recordBytes?: number;
  baseTimestamp?: bigint;
  maxTimestamp?: bigint;
  /** Byte the record area is filled with, to tell batches apart. */
  fill?: number;
}

/**
 * A valid magic-2 batch (61-byte header, opaque record bytes, CRC-32C via computeBatchCrc) with
 * base offset 0 and leader epoch -1, as a producer sends it.
 */
export function makeBatch(spec: TestBatchSpec = {}): Buffer {
  const recordsCount = spec.recordsCount ?? 1;
  const buf = Buffer.alloc(BATCH.HEADER_BYTES + (spec.recordBytes ?? 100), spec.fill ?? 0xab);
  const baseTimestamp = spec.baseTimestamp ?? 1_000n;
  buf.writeBigInt64BE(0n, BATCH.BASE_OFFSET);
  buf.writeInt32BE(buf.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  buf.writeInt32BE(-1, BATCH.PARTITION_LEADER_EPOCH);
  buf.writeInt8(2, BATCH.MAGIC);
  buf.writeInt16BE(0, BATCH.ATTRIBUTES);
  buf.writeInt32BE(recordsCount - 1, BATCH.LAST_OFFSET_DELTA);
  buf.writeBigInt64BE(baseTimestamp, BATCH.BASE_TIMESTAMP);
  buf.writeBigInt64BE(spec.maxTimestamp ?? baseTimestamp, BATCH.MAX_TIMESTAMP);
  buf.writeBigInt64BE(-1n, BATCH.PRODUCER_ID);
  buf.writeInt16BE(-1, BATCH.PRODUCER_EPOCH);
  buf.writeInt32BE(-1, BATCH.BASE_SEQUENCE);
  buf.writeInt32BE(recordsCount, BATCH.RECORDS_COUNT);
  buf.writeUInt32BE(computeBatchCrc(buf), BATCH.CRC);
  return buf;
}

/** Header fields of every batch in `chunks` (read results), in order. */
export function batchesIn(chunks: readonly Buffer[]): { baseOffset: bigint; lastOffset: bigint; sizeBytes: number; leaderEpoch: number; maxTimestamp: bigint; fill: number }[] {
  const out = [];
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; ) {
      const sizeBytes = chunk.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      const baseOffset = chunk.readBigInt64BE(at);
      out.push({
        baseOffset,
        lastOffset: baseOffset + BigInt(chunk.readInt32BE(at + BATCH.LAST_OFFSET_DELTA)),
        sizeBytes,
        leaderEpoch: chunk.readInt32BE(at + BATCH.PARTITION_LEADER_EPOCH),
        maxTimestamp: chunk.readBigInt64BE(at + BATCH.MAX_TIMESTAMP),
        fill: chunk[at + BATCH.HEADER_BYTES] ?? -1,
      });
      at += sizeBytes;
    }
  }
  return out;
}

/** Mulberry32: a small seeded PRNG so random cuts replay exactly from the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
