/**
 * The record-batch compression codecs, by their number in attribute bits 0-2, and the functions that
 * compress and decompress a records section with them: gzip (node:zlib), snappy (./snappy.ts),
 * lz4 frames (lz4-napi, as Kafka and librdkafka write them) and zstd (fzstd: reading only; no
 * maintained zstd compressor runs on Node 20 without a native build).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { ProtocolDecodeError } from './primitives/errors.js';
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
    throw new ProtocolDecodeError(`${codec} records section does not decompress: ${(err as Error).message}`, { cause: err });
  }
  if (out.length > bytesMax) throw new ProtocolDecodeError(`${codec} records section decompresses to ${out.length} bytes, above the limit of ${bytesMax}`);
  return out;
}

function decompress(codec: Exclude<CompressionName, 'none'>, data: Buffer, bytesMax: number): Buffer {
  switch (codec) {
    case 'gzip': return gunzipSync(data, { maxOutputLength: bytesMax });
    case 'snappy': return snappyDecompress(data, bytesMax);
    // An lz4 frame expands at most 255 times, so the output is bounded even before the check after it.
    case 'lz4': return decompressFrameSync(data);
    case 'zstd': return zstdDecompress(data, bytesMax);
  }
}

/** zstd through fzstd's streaming decoder, stopping as soon as the output passes `bytesMax`. */
function zstdDecompress(data: Buffer, bytesMax: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const decoder = new ZstdDecompress((chunk) => {
    total += chunk.length;
    if (total > bytesMax) throw new Error(`output passes the limit of ${bytesMax} bytes`);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  });
  decoder.push(data, true);
  return Buffer.concat(chunks, total);
}
