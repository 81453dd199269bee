import { COMPRESSION_CODECS, compressSection, DECOMPRESSED_BYTES_MAX_DEFAULT, decompressSection, type CompressionName, type WritableCompression } from './compression.js';
import { ProtocolDecodeError } from './primitives/errors.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';
import {
  BATCH, checkBatch, COMPRESSION_CODEC_MASK, computeBatchCrc, CONTROL_FLAG, readBatchHeader,
  TIMESTAMP_TYPE_LOG_APPEND, TRANSACTIONAL_FLAG, type BatchHeader,
} from './record-batch-header.js';

/**
 * Full record batch v2 (magic 2) encoding and decoding, for tests and tools. The broker never
 * decodes records on its hot path: it checks and stamps batch headers (record-batch-header.ts)
 * and stores batches, compressed or not, as they came. Record layout per Kafka's DefaultRecord:
 * length, attributes, timestampDelta, offsetDelta, key, value and headers, with zigzag varints.
 */

/** Which clock a batch's timestamps come from (attribute bit 3). */
export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** A record header: a string key and optional bytes. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record to encode. `timestamp` defaults to the batch base timestamp, `offsetDelta` to its index. */
export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  timestamp?: bigint;
  offsetDelta?: number;
}

/** What to put in a batch. Defaults: offset 0, epoch -1, no producer (-1/-1/-1), no compression, CreateTime. */
export interface EncodeRecordBatchOptions {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  /** Defaults to the first record's timestamp, else the current time (a zero timestamp would fall to time retention at once). */
  baseTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  compression?: WritableCompression;
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
  records: RecordInput[];
}

/** A decoded record, with its absolute offset and timestamp. Key and value are views, not copies. */
export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  offsetDelta: number;
  timestampDelta: bigint;
  attributes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** A decoded batch: its header fields, the meaning of its attributes, and its records. */
export interface DecodedBatch extends BatchHeader {
  compression: CompressionName;
  timestampType: TimestampType;
  transactional: boolean;
  control: boolean;
  records: DecodedRecord[];
}

/** Limits for decoding. */
export interface DecodeRecordBatchesOptions {
  /** Largest decompressed records section accepted from one batch (guards against gzip bombs). Default 64 MiB. */
  decompressedBytesMax?: number;
}

/** Encodes one batch with its CRC-32C, lastOffsetDelta and maxTimestamp computed from the records. */
export function encodeRecordBatch(opts: EncodeRecordBatchOptions): Buffer {
  if (opts.records.length === 0) throw new RangeError('a record batch needs at least one record');
  const baseTimestamp = opts.baseTimestamp ?? opts.records[0]!.timestamp ?? BigInt(Date.now());
  const timestamps = opts.records.map((r) => r.timestamp ?? baseTimestamp);
  const body = encodeRecords(opts.records, timestamps, baseTimestamp);
  const compression = opts.compression ?? 'none';
  const payload = compressSection(compression, body);
  const header = Buffer.alloc(BATCH.HEADER_BYTES);
  header.writeBigInt64BE(opts.baseOffset ?? 0n, BATCH.BASE_OFFSET);
  header.writeInt32BE(BATCH.HEADER_BYTES + payload.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  header.writeInt32BE(opts.partitionLeaderEpoch ?? -1, BATCH.PARTITION_LEADER_EPOCH);
  header.writeInt8(2, BATCH.MAGIC);
  header.writeInt16BE(batchAttributes(opts), BATCH.ATTRIBUTES);
  header.writeInt32BE(lastOffsetDelta(opts.records), BATCH.LAST_OFFSET_DELTA);
  header.writeBigInt64BE(baseTimestamp, BATCH.BASE_TIMESTAMP);
  header.writeBigInt64BE(timestamps.reduce((a, b) => (b > a ? b : a)), BATCH.MAX_TIMESTAMP);
  header.writeBigInt64BE(opts.producerId ?? -1n, BATCH.PRODUCER_ID);
  header.writeInt16BE(opts.producerEpoch ?? -1, BATCH.PRODUCER_EPOCH);
  header.writeInt32BE(opts.baseSequence ?? -1, BATCH.BASE_SEQUENCE);
  header.writeInt32BE(opts.records.length, BATCH.RECORDS_COUNT);
  const batch = Buffer.concat([header, payload]);
  batch.writeUInt32BE(computeBatchCrc(batch), BATCH.CRC);
  return batch;
}

function batchAttributes(opts: EncodeRecordBatchOptions): number {
  return COMPRESSION_CODECS.indexOf(opts.compression ?? 'none')
    | (opts.timestampType === 'LogAppendTime' ? TIMESTAMP_TYPE_LOG_APPEND : 0)
    | (opts.transactional === true ? TRANSACTIONAL_FLAG : 0)
    | (opts.control === true ? CONTROL_FLAG : 0);
}

function lastOffsetDelta(records: readonly RecordInput[]): number {
  return records[records.length - 1]!.offsetDelta ?? records.length - 1;
}

function encodeRecords(records: readonly RecordInput[], timestamps: readonly bigint[], baseTimestamp: bigint): Buffer {
  const out = new Writer();
  records.forEach((record, i) => {
    const body = encodeRecordBody(record, timestamps[i]! - baseTimestamp, record.offsetDelta ?? i);
    out.varint(body.length).raw(body);
  });
  return out.toBuffer();
}

function encodeRecordBody(record: RecordInput, timestampDelta: bigint, offsetDelta: number): Buffer {
  const w = new Writer();
  w.int8(0).varlong(timestampDelta).varint(offsetDelta);
  writeVarBytes(w, record.key);
  writeVarBytes(w, record.value);
  const headers = record.headers ?? [];
  w.varint(headers.length);
  for (const h of headers) {
    writeVarBytes(w, Buffer.from(h.key, 'utf8'));
    writeVarBytes(w, h.value);
  }
  return w.toBuffer();
}

function writeVarBytes(w: Writer, bytes: Buffer | null): void {
  if (bytes === null) w.varint(-1);
  else w.varint(bytes.length).raw(bytes);
}

/**
 * Decodes every complete batch in `buf` (batches back to back, as in a log segment or a fetch
 * response). A trailing partial batch, which a fetch response may end with, is skipped. A bad
 * length, magic or CRC, or malformed records, throw ProtocolDecodeError; snappy, lz4 and zstd
 * throw UnsupportedCompressionError.
 */
export function decodeRecordBatches(buf: Buffer, options: DecodeRecordBatchesOptions = {}): DecodedBatch[] {
  const batches: DecodedBatch[] = [];
  let at = 0;
  while (at < buf.length) {
    const size = checkBatch(buf, at, Number.MAX_SAFE_INTEGER);
    if (size === 'truncated') break;
    if (typeof size !== 'number') throw new ProtocolDecodeError(`record batch at byte ${at}: ${size}`);
    batches.push(decodeBatch(buf.subarray(at, at + size), options));
    at += size;
  }
  return batches;
}

function decodeBatch(batch: Buffer, options: DecodeRecordBatchesOptions): DecodedBatch {
  const header = readBatchHeader(batch);
  const codec = COMPRESSION_CODECS[header.attributes & COMPRESSION_CODEC_MASK];
  if (codec === undefined) throw new ProtocolDecodeError(`unknown compression codec ${header.attributes & COMPRESSION_CODEC_MASK}`);
  const timestampType: TimestampType = (header.attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0 ? 'LogAppendTime' : 'CreateTime';
  const section = decompressSection(codec, batch.subarray(BATCH.HEADER_BYTES), options.decompressedBytesMax ?? DECOMPRESSED_BYTES_MAX_DEFAULT);
  return {
    ...header,
    compression: codec,
    timestampType,
    transactional: (header.attributes & TRANSACTIONAL_FLAG) !== 0,
    control: (header.attributes & CONTROL_FLAG) !== 0,
    records: decodeRecords(section, header, timestampType),
  };
}

function decodeRecords(section: Buffer, header: BatchHeader, timestampType: TimestampType): DecodedRecord[] {
  if (header.recordsCount < 0) throw new ProtocolDecodeError(`negative records count ${header.recordsCount}`);
  const reader = new Reader(section);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < header.recordsCount; i++) {
    const length = reader.varint();
    if (length < 0 || length > reader.remaining) throw new ProtocolDecodeError(`record ${i} length ${length} outside the ${reader.remaining} bytes left`);
    records.push(decodeRecord(new Reader(section, reader.offset, reader.offset + length), header, timestampType));
    reader.raw(length);
  }
  if (reader.remaining !== 0) throw new ProtocolDecodeError(`${reader.remaining} bytes after the last of ${header.recordsCount} records`);
  return records;
}

function decodeRecord(r: Reader, header: BatchHeader, timestampType: TimestampType): DecodedRecord {
  const attributes = r.int8();
  const timestampDelta = r.varlongBigInt();
  const offsetDelta = r.varint();
  const key = readVarBytes(r);
  const value = readVarBytes(r);
  const headerCount = r.varint();
  if (headerCount < 0 || headerCount > r.remaining) throw new ProtocolDecodeError(`record header count ${headerCount} is invalid`);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const headerKey = readVarBytes(r);
    if (headerKey === null) throw new ProtocolDecodeError('null record header key');
    headers.push({ key: headerKey.toString('utf8'), value: readVarBytes(r) });
  }
  if (r.remaining !== 0) throw new ProtocolDecodeError(`${r.remaining} bytes left over inside a record`);
  // Kafka: with LogAppendTime every record takes the batch's max timestamp.
  const timestamp = timestampType === 'LogAppendTime' ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
  return { offset: header.baseOffset + BigInt(offsetDelta), timestamp, offsetDelta, timestampDelta, attributes, key, value, headers };
}

function readVarBytes(r: Reader): Buffer | null {
  const len = r.varint();
  if (len === -1) return null;
  if (len < -1) throw new ProtocolDecodeError(`negative length ${len} in a record`);
  return r.raw(len);
}
