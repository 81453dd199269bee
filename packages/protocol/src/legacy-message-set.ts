/**
 * Legacy message sets (magic 0 and 1), the records format of Produce v0-2. The broker stores
 * magic-2 batches only, so such a set is up-converted into one batch, as Kafka does on append.
 * Each message: offset i64, size i32, crc u32 (CRC-32 of what follows it), magic i8, attributes i8,
 * timestamp i64 (magic 1 only), key and value as i32-length bytes (-1: null). A compressed message
 * (codec in attribute bits 0-2) holds a whole inner message set, compressed, as its value.
 */
import { crc32 } from '@node-rs/crc32';
import { DecompressionLimitError, ProtocolDecodeError } from './primitives/errors.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';
import { COMPRESSION_CODECS, decompressSection, UnsupportedCompressionError, type CompressionName, type WritableCompression } from './compression.js';
import { encodeRecordBatch, type RecordInput } from './record-batch.js';
import { BATCH, COMPRESSION_CODEC_MASK } from './record-batch-header.js';

/** crc + magic + attributes + key length + value length: the smallest magic-0 message body. */
const MESSAGE_V0_BYTES_MIN = 14;

/** One decoded message; `timestamp` is null for magic 0 (and for magic 1's "no timestamp", -1). */
export interface LegacyMessage {
  magic: 0 | 1;
  timestamp: bigint | null;
  key: Buffer | null;
  value: Buffer | null;
}

/** A decoded message set: its messages in order, and the codec the producer compressed them with. */
export interface LegacyMessageSet {
  compression: CompressionName;
  messages: LegacyMessage[];
}

/**
 * Decodes a magic 0/1 message set, inner sets of compressed messages included, taking what it
 * decompresses from `budget` (DecompressionLimitError when that runs out). Throws
 * ProtocolDecodeError on a cut-off message, a bad size, magic or CRC, or a wrapper that does not
 * decompress (magic 0 lz4, whose frame checksum old Kafka clients computed wrongly, among them);
 * UnsupportedCompressionError for zstd, which only magic 2 may use.
 */
export function decodeLegacyMessageSet(buf: Buffer, budget: DecompressionBudget): LegacyMessageSet {
  const set: LegacyMessageSet = { compression: 'none', messages: [] };
  readMessages(buf, budget, set, false);
  return set;
}

/**
 * How many decompressed bytes may still be produced, shared by every compressed message it is
 * given to (a whole request's, say): a bound each message had alone would let many small bombs
 * through together.
 */
export interface DecompressionBudget {
  left: number;
}

function readMessages(buf: Buffer, budget: DecompressionBudget, set: LegacyMessageSet, inner: boolean): void {
  const reader = new Reader(buf);
  while (reader.remaining > 0) {
    // offset + size precede every message, as they precede a batch.
    if (reader.remaining < BATCH.LOG_OVERHEAD) throw new ProtocolDecodeError(`message cut off: ${reader.remaining} bytes left where a message starts`);
    reader.int64();
    const size = reader.int32();
    if (size < MESSAGE_V0_BYTES_MIN || size > reader.remaining) throw new ProtocolDecodeError(`message size ${size} outside ${MESSAGE_V0_BYTES_MIN}..${reader.remaining}`);
    const start = reader.offset;
    const message = new Reader(buf, start, start + size);
    reader.raw(size);
    const crc = message.uint32();
    if ((crc32(buf.subarray(message.offset, start + size)) >>> 0) !== crc) throw new ProtocolDecodeError(`message at byte ${start - BATCH.LOG_OVERHEAD} fails its CRC`);
    const magic = message.int8();
    if (magic !== 0 && magic !== 1) throw new ProtocolDecodeError(`message magic ${magic} in a legacy message set`);
    const codec = COMPRESSION_CODECS[message.int8() & COMPRESSION_CODEC_MASK];
    if (codec === undefined) throw new ProtocolDecodeError('message compression codec out of range');
    const timestamp = magic === 1 ? message.int64() : null;
    const key = message.nullableBytes();
    const value = message.nullableBytes();
    if (codec === 'none') {
      set.messages.push({ magic, timestamp: timestamp === null || timestamp < 0n ? null : timestamp, key, value });
      continue;
    }
    if (inner) throw new ProtocolDecodeError('compressed message inside a compressed message');
    // As Kafka: zstd came with magic 2, so clients that write magic 0/1 never use it.
    if (codec === 'zstd') throw new UnsupportedCompressionError(codec, 'messages below magic 2');
    if (value === null) throw new ProtocolDecodeError('compressed message without a value');
    if (set.compression === 'none') set.compression = codec;
    if (budget.left <= 0) throw new DecompressionLimitError('no decompression budget left for another compressed message');
    const section = decompressSection(codec, value, budget.left);
    budget.left -= section.length;
    readMessages(section, budget, set, true);
  }
}

/**
 * One magic-2 batch holding a legacy set's messages, compressed with the producer's codec.
 * Messages without a timestamp (magic 0) get `nowMs`.
 */
export function upConvertMessageSet(buf: Buffer, nowMs: bigint, budget: DecompressionBudget): Buffer {
  const set = decodeLegacyMessageSet(buf, budget);
  if (set.messages.length === 0) throw new ProtocolDecodeError('message set without messages');
  const records: RecordInput[] = set.messages.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp ?? nowMs }));
  return encodeRecordBatch({ records, compression: set.compression as WritableCompression });
}

/** What to put in one legacy message (for tests and tools): magic 1 carries the timestamp. */
export interface LegacyMessageInput {
  magic: 0 | 1;
  /** Compression codec number in attribute bits 0-2 (a wrapper's value is then a compressed message set). */
  codec?: number;
  timestamp?: bigint;
  offset?: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

/** Encodes one legacy message with its size and CRC-32, as a Produce v0-2 client writes it. */
export function encodeLegacyMessage(input: LegacyMessageInput): Buffer {
  const w = new Writer();
  w.int8(input.magic).int8(input.codec ?? 0);
  if (input.magic === 1) w.int64(input.timestamp ?? -1n);
  for (const b of [input.key, input.value]) {
    if (b === null) w.int32(-1);
    else w.int32(b.length).raw(b);
  }
  const body = w.toBuffer();
  const head = Buffer.alloc(BATCH.LOG_OVERHEAD + 4);
  head.writeBigInt64BE(input.offset ?? 0n, BATCH.BASE_OFFSET);
  head.writeInt32BE(body.length + 4, BATCH.BATCH_LENGTH);
  head.writeUInt32BE(crc32(body) >>> 0, BATCH.LOG_OVERHEAD);
  return Buffer.concat([head, body]);
}
