/**
 * Snappy as Kafka clients use it in record batches: raw snappy blocks (librdkafka, kafkajs codecs)
 * or the "xerial" framing of Java's snappy-java (a magic header, then length-prefixed raw blocks).
 * Both are read; raw is written, which every client reads.
 */
import { compress, uncompress } from 'snappyjs';
import { DecompressionLimitError } from './primitives/errors.js';

/** snappy-java's stream header: magic (8 bytes), version (4), compatible version (4). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

/** One raw snappy block of `data`. */
export function snappyCompress(data: Buffer): Buffer {
  return toBuffer(compress(data));
}

/**
 * The bytes `data` decompresses to, refusing to produce more than `bytesMax` (each block declares
 * its length up front, so a bomb is refused before any allocation). Throws on malformed input.
 */
export function snappyDecompress(data: Buffer, bytesMax: number): Buffer {
  if (data.length < XERIAL_HEADER_BYTES || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    return rawBlock(data, bytesMax);
  }
  const blocks: Buffer[] = [];
  let total = 0;
  for (let at = XERIAL_HEADER_BYTES; at < data.length; ) {
    if (at + 4 > data.length) throw new Error(`xerial snappy block length cut off at byte ${at}`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > data.length) throw new Error(`xerial snappy block of ${length} bytes at byte ${at} overruns the ${data.length} bytes`);
    const block = rawBlock(data.subarray(at, at + length), bytesMax - total);
    total += block.length;
    blocks.push(block);
    at += length;
  }
  return Buffer.concat(blocks, total);
}

/** One raw block, checked first: snappyjs loops forever on some malformed input and zero-fills short input. */
function rawBlock(block: Buffer, bytesMax: number): Buffer {
  const declared = checkRawBlock(block);
  if (declared > bytesMax) throw new DecompressionLimitError(`snappy block of ${declared} bytes is above the limit of ${bytesMax}`);
  return toBuffer(uncompress(block, bytesMax));
}

/**
 * Walks a raw snappy block's elements without producing output and returns its declared length:
 * every literal must lie inside the block, every copy must reach back into what is already
 * produced, and the elements must produce exactly the declared length.
 */
export function checkRawBlock(block: Buffer): number {
  let at = 0;
  let declared = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= block.length || shift > 28) throw new Error('snappy block length is malformed');
    const byte = block[at++]!;
    declared += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  let produced = 0;
  const little = (bytes: number): number => {
    if (at + bytes > block.length) throw new Error(`snappy element cut off at byte ${at}`);
    let value = 0;
    for (let i = 0; i < bytes; i++) value += block[at + i]! * 2 ** (8 * i);
    at += bytes;
    return value;
  };
  while (at < block.length) {
    const tag = block[at++]!;
    const kind = tag & 3;
    if (kind === 0) {
      const short = tag >>> 2;
      const length = (short < 60 ? short : little(short - 59)) + 1;
      if (at + length > block.length) throw new Error(`snappy literal of ${length} bytes overruns the block at byte ${at}`);
      at += length;
      produced += length;
    } else {
      const length = kind === 1 ? ((tag >>> 2) & 7) + 4 : (tag >>> 2) + 1;
      const offset = kind === 1 ? ((tag >>> 5) << 8) + little(1) : little(kind === 2 ? 2 : 4);
      if (offset === 0 || offset > produced) throw new Error(`snappy copy reaches ${offset} bytes back from ${produced}`);
      produced += length;
    }
    if (produced > declared) throw new Error(`snappy block produces more than its declared ${declared} bytes`);
  }
  if (produced !== declared) throw new Error(`snappy block produces ${produced} of its declared ${declared} bytes`);
  return declared;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
