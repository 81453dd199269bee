/**
 * The record-batch compression codecs, by their number in attribute bits 0-2, and the functions that
 * compress and decompress a records section with them: gzip (node:zlib), snappy (./snappy.ts),
 * lz4 frames (lz4-napi, as Kafka and librdkafka write them) and zstd (fzstd: reading only; no
 * maintained zstd compressor runs on Node 20 without a native build).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { DecompressionLimitError, ProtocolDecodeError } from './primitives/errors.js';
import { snappyCompress, snappyDecompress } from './snappy.js';

/** Compression codecs by their number in attribute bits 0-2. */
export const COMPRESSION_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** A codec's name. */
export type CompressionName = (typeof COMPRESSION_CODECS)[number];

/** The codecs this package can write. */
export const WRITABLE_CODECS = ['none', 'gzip', 'snappy', 'lz4'] as const;

/** A codec this package can write. */
export type WritableCompression = (typeof WRITABLE_CODECS)[number];

/** Thrown when a codec cannot be used in the asked direction (zstd compression). */
export class UnsupportedCompressionError extends Error {
  override name = 'UnsupportedCompressionError';

  constructor(readonly codec: CompressionName, direction = 'decoding') {
    super(`record batch compression '${codec}' is not supported for ${direction}`);
  }
}

/** Largest records section one batch may decompress to unless the caller says otherwise (64 MiB). */
export const DECOMPRESSED_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

/** `data` compressed with `codec`. */
export function compressSection(codec: WritableCompression, data: Buffer): Buffer {
  switch (codec) {
    case 'none': return data;
    case 'gzip': return gzipSync(data);
    case 'snappy': return snappyCompress(data);
    case 'lz4': return compressFrameSync(data);
  }
  // Reached only past the type checker (zstd, or a name read from outside).
  throw new UnsupportedCompressionError(codec as CompressionName, 'encoding');
}

/**
 * A records section in `codec` decompressed, at most `bytesMax` bytes (a guard against
 * decompression bombs). Malformed input throws ProtocolDecodeError.
 */
export function decompressSection(codec: CompressionName, data: Buffer, bytesMax: number): Buffer {
  if (codec === 'none') return data;
  let out: Buffer;
  try {
    out = decompress(codec, data, bytesMax);
  } catch (err) {
    if (err instanceof DecompressionLimitError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressionLimitError(`${codec} records section decompresses past the limit of ${bytesMax} bytes`, { cause: err });
    throw new ProtocolDecodeError(`${codec} records section does not decompress: ${(err as Error).message}`, { cause: err });
  }
  if (out.length > bytesMax) throw new DecompressionLimitError(`${codec} records section decompresses to ${out.length} bytes, above the limit of ${bytesMax}`);
  return out;
}

function decompress(codec: Exclude<CompressionName, 'none'>, data: Buffer, bytesMax: number): Buffer {
  switch (codec) {
    case 'gzip': return gunzipSync(data, { maxOutputLength: bytesMax });
    case 'snappy': return snappyDecompress(data, bytesMax);
    case 'lz4': {
      // lz4-napi takes no output limit: the frame's own block headers bound what it can produce.
      const bound = lz4OutputBound(data);
      if (bound > bytesMax) throw new DecompressionLimitError(`lz4 frame may decompress to ${bound} bytes, above the limit of ${bytesMax}`);
      return decompressFrameSync(data);
    }
    case 'zstd': {
      // fzstd allocates the window a frame header asks for (up to 2 GiB) whatever the output, and
      // copies it once per block: both are bounded from the headers before it starts.
      const cost = zstdFrameCost(data);
      if (cost.windowBytes > ZSTD_WINDOW_BYTES_MAX) throw new DecompressionLimitError(`zstd frame asks for a ${cost.windowBytes}-byte window, above the limit of ${ZSTD_WINDOW_BYTES_MAX}`);
      if (cost.copyBytes > ZSTD_COPY_BYTES_MAX) throw new DecompressionLimitError(`zstd frames would copy ${cost.copyBytes} bytes of window (blocks x window), above the limit of ${ZSTD_COPY_BYTES_MAX}`);
      return zstdDecompress(data, bytesMax);
    }
  }
}

/** zstd through fzstd's streaming decoder, stopping as soon as the output passes `bytesMax`. */
function zstdDecompress(data: Buffer, bytesMax: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const decoder = new ZstdDecompress((chunk) => {
    total += chunk.length;
    if (total > bytesMax) throw new DecompressionLimitError(`zstd records section decompresses past the limit of ${bytesMax} bytes`);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  });
  decoder.push(data, true);
  return Buffer.concat(chunks, total);
}

const LZ4_FRAME_MAGIC = 0x184d2204;
/** Block maximum sizes by the BD byte's bits 4-6 (values 4-7; others are invalid). */
const LZ4_BLOCK_MAX: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

/**
 * The most bytes the LZ4 frames in `data` can decompress to, from their headers alone: each
 * compressed block at most the frame's block maximum, each stored block its own size. Throws on a
 * frame that is cut off or not an LZ4 frame.
 */
export function lz4OutputBound(data: Buffer): number {
  let bound = 0;
  let at = 0;
  const need = (n: number): void => {
    if (at + n > data.length) throw new Error(`lz4 frame cut off at byte ${at}`);
  };
  while (at < data.length) {
    need(7);
    if (data.readUInt32LE(at) !== LZ4_FRAME_MAGIC) throw new Error(`not an lz4 frame at byte ${at}`);
    const flags = data[at + 4]!;
    const blockMax = LZ4_BLOCK_MAX[(data[at + 5]! >> 4) & 0x07];
    if (blockMax === undefined) throw new Error('lz4 frame has an invalid block size');
    const blockChecksum = (flags & 0x10) !== 0;
    at += 6 + ((flags & 0x08) !== 0 ? 8 : 0) + ((flags & 0x01) !== 0 ? 4 : 0) + 1;
    for (;;) {
      need(4);
      const word = data.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      need(size + (blockChecksum ? 4 : 0));
      bound += stored ? size : blockMax;
      at += size + (blockChecksum ? 4 : 0);
    }
    if ((flags & 0x04) !== 0) {
      need(4);
      at += 4;
    }
  }
  return bound;
}

const ZSTD_FRAME_MAGIC = 0xfd2fb528;
/** zstd's default decoder limit (windowLog 27): no encoder at default settings asks for more. */
const ZSTD_WINDOW_BYTES_MAX = 128 * 1024 * 1024;
/**
 * How much window copying (block count times window size) a section may cost fzstd. Producers
 * size a batch's window to its content, so a 32 MiB batch in 128 KiB blocks costs 8 GiB; a run of
 * tiny blocks under a large window costs as much for almost no output.
 */
const ZSTD_COPY_BYTES_MAX = 8 * 1024 * 1024 * 1024;

/** What decoding some zstd frames costs fzstd, read from the headers alone. */
export interface ZstdFrameCost {
  /** The largest window a frame asks for: fzstd allocates it. */
  windowBytes: number;
  /** The sum over blocks of their frame's window: fzstd copies the window once per block. */
  copyBytes: number;
}

/**
 * The cost of decoding the zstd frames in `data`, from the frame headers and block headers.
 * Skippable frames are passed over. Throws on a frame that is cut off or not zstd.
 */
export function zstdFrameCost(data: Buffer): ZstdFrameCost {
  const cost: ZstdFrameCost = { windowBytes: 0, copyBytes: 0 };
  let at = 0;
  const need = (n: number): void => {
    if (at + n > data.length) throw new Error(`zstd frame cut off at byte ${at}`);
  };
  while (at < data.length) {
    need(8);
    const magic = data.readUInt32LE(at);
    if ((magic & 0xfffffff0) === 0x184d2a50) { // skippable frame: magic, length, payload
      at += 8 + data.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== ZSTD_FRAME_MAGIC) throw new Error(`not a zstd frame at byte ${at}`);
    const descriptor = data[at + 4]!;
    at += 5;
    const singleSegment = (descriptor & 0x20) !== 0;
    const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
    const dictIdBytes = [0, 1, 2, 4][descriptor & 0x03]!;
    let window = 0;
    if (!singleSegment) {
      need(1);
      const wd = data[at++]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 0x07);
    }
    need(dictIdBytes + contentSizeBytes);
    at += dictIdBytes;
    if (singleSegment) window = readLittleEndian(data, at, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
    at += contentSizeBytes;
    cost.windowBytes = Math.max(cost.windowBytes, window);
    for (let last = false; !last; ) {
      need(3);
      const header = data.readUIntLE(at, 3);
      at += 3;
      last = (header & 1) === 1;
      const type = (header >> 1) & 0x03;
      if (type === 3) throw new Error('zstd block of the reserved type');
      const size = type === 1 ? 1 : header >>> 3;
      need(size);
      at += size;
      cost.copyBytes += window;
    }
    if ((descriptor & 0x04) !== 0) {
      need(4);
      at += 4;
    }
  }
  return cost;
}

function readLittleEndian(data: Buffer, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + data[at + i]!;
  return value;
}
