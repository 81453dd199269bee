/**
 * Snappy as Kafka clients use it in record batches: raw snappy blocks (librdkafka, kafkajs codecs)
 * or the "xerial" framing of Java's snappy-java (a magic header, then length-prefixed raw blocks).
 * Both are read; raw is written, which every client reads.
 */
import { compress, uncompress } from 'snappyjs';

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
    return toBuffer(uncompress(data, bytesMax));
  }
  const blocks: Buffer[] = [];
  let total = 0;
  for (let at = XERIAL_HEADER_BYTES; at < data.length; ) {
    if (at + 4 > data.length) throw new Error(`xerial snappy block length cut off at byte ${at}`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > data.length) throw new Error(`xerial snappy block of ${length} bytes at byte ${at} overruns the ${data.length} bytes`);
    const block = toBuffer(uncompress(data.subarray(at, at + length), bytesMax - total));
    total += block.length;
    blocks.push(block);
    at += length;
  }
  return Buffer.concat(blocks, total);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
