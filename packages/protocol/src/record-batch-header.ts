import { crc32c } from '@node-rs/crc32';
import { ProtocolDecodeError } from './primitives/errors.js';

/**
 * Record batch v2 (magic 2) header layout. Offsets are byte positions from the batch start.
 * The CRC-32C covers everything from `attributes` to the end of the batch, so the broker may
 * rewrite `baseOffset` and `partitionLeaderEpoch` without recomputing it.
 */
export const BATCH = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  /** Size of the header; records follow. */
  HEADER_BYTES: 61,
  /** baseOffset + batchLength: the bytes not counted by batchLength. */
  LOG_OVERHEAD: 12,
} as const;

/** Attribute bits 0-2: compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
export const COMPRESSION_CODEC_MASK = 0x07;
/** Attribute bit 3: timestamps are LogAppendTime (set by the broker), not CreateTime. */
export const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
/** Attribute bit 4: the batch belongs to a transaction. */
export const TRANSACTIONAL_FLAG = 0x10;
/** Attribute bit 5: the batch holds control records (transaction markers). */
export const CONTROL_FLAG = 0x20;

/** The fields of a batch header the broker needs, read without touching the records. */
export interface BatchHeader {
  baseOffset: bigint;
  /** Total size of the batch in bytes, including baseOffset and batchLength. */
  sizeBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Why a byte range is not a valid batch: too short for a header, length field out of range, wrong magic, or CRC mismatch. */
export type BatchProblem = 'truncated' | 'bad-length' | 'bad-magic' | 'bad-crc';

/** Reads the header of the batch at `at`; throws ProtocolDecodeError when fewer than 61 bytes remain. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  if (at < 0 || buf.length - at < BATCH.HEADER_BYTES) {
    throw new ProtocolDecodeError(`batch header needs ${BATCH.HEADER_BYTES} bytes at ${at}, buffer has ${buf.length}`);
  }
  return {
    baseOffset: buf.readBigInt64BE(at + BATCH.BASE_OFFSET),
    sizeBytes: buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(at + BATCH.PARTITION_LEADER_EPOCH),
    magic: buf.readInt8(at + BATCH.MAGIC),
    crc: buf.readUInt32BE(at + BATCH.CRC),
    attributes: buf.readInt16BE(at + BATCH.ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(at + BATCH.LAST_OFFSET_DELTA),
    baseTimestamp: buf.readBigInt64BE(at + BATCH.BASE_TIMESTAMP),
    maxTimestamp: buf.readBigInt64BE(at + BATCH.MAX_TIMESTAMP),
    producerId: buf.readBigInt64BE(at + BATCH.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(at + BATCH.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(at + BATCH.BASE_SEQUENCE),
    recordsCount: buf.readInt32BE(at + BATCH.RECORDS_COUNT),
  };
}

/** CRC-32C over attributes..end, as stored in the header. */
export function computeBatchCrc(batch: Buffer): number {
  return crc32c(batch.subarray(BATCH.ATTRIBUTES)) >>> 0;
}

/**
 * Checks the batch starting at `at` in `buf`: returns its total size, or the problem.
 * `sizeBytesMax` bounds the length field so a corrupt length cannot claim the rest of a file.
 */
export function checkBatch(buf: Buffer, at: number, sizeBytesMax: number): number | BatchProblem {
  if (buf.length - at < BATCH.HEADER_BYTES) return 'truncated';
  const size = buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  if (size < BATCH.HEADER_BYTES || size > sizeBytesMax) return 'bad-length';
  if (buf.length - at < size) return 'truncated';
  if (buf.readInt8(at + BATCH.MAGIC) !== 2) return 'bad-magic';
  const stored = buf.readUInt32BE(at + BATCH.CRC);
  if (computeBatchCrc(buf.subarray(at, at + size)) !== stored) return 'bad-crc';
  return size;
}

/** Writes the broker-assigned base offset and leader epoch into a batch (CRC stays valid). */
export function stampBatch(batch: Buffer, baseOffset: bigint, partitionLeaderEpoch: number): void {
  batch.writeBigInt64BE(baseOffset, BATCH.BASE_OFFSET);
  batch.writeInt32BE(partitionLeaderEpoch, BATCH.PARTITION_LEADER_EPOCH);
}
