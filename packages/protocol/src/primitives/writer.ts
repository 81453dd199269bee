import { uuidToBytes } from './uuid.js';

const CHUNK_BYTES = 16 * 1024;
/** Buffers at least this large are appended by reference instead of copied. */
const ZERO_COPY_MIN_BYTES = 1024;

/**
 * Writes Kafka wire primitives. Small values go into a scratch chunk; large byte strings
 * (record batches read from segments) are kept by reference, so a fetch response is
 * written to the socket without copying its records.
 */
export class Writer {
  private chunks: Buffer[] = [];
  private current: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private flushedBytes = 0;

  get length(): number {
    return this.flushedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.current.length) return;
    this.seal();
    this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, n));
  }

  private seal(): void {
    if (this.pos > 0) {
      this.chunks.push(this.current.subarray(0, this.pos));
      this.flushedBytes += this.pos;
      this.current = this.current.subarray(this.pos);
      this.pos = 0;
    }
  }

  int8(v: number): this { this.ensure(1); this.current.writeInt8(v, this.pos); this.pos += 1; return this; }
  int16(v: number): this { this.ensure(2); this.current.writeInt16BE(v, this.pos); this.pos += 2; return this; }
  uint16(v: number): this { this.ensure(2); this.current.writeUInt16BE(v, this.pos); this.pos += 2; return this; }
  int32(v: number): this { this.ensure(4); this.current.writeInt32BE(v, this.pos); this.pos += 4; return this; }
  uint32(v: number): this { this.ensure(4); this.current.writeUInt32BE(v >>> 0, this.pos); this.pos += 4; return this; }
  int64(v: bigint): this { this.ensure(8); this.current.writeBigInt64BE(v, this.pos); this.pos += 8; return this; }
  float64(v: number): this { this.ensure(8); this.current.writeDoubleBE(v, this.pos); this.pos += 8; return this; }
  bool(v: boolean): this { return this.int8(v ? 1 : 0); }

  uvarint(v: number): this {
    this.ensure(5);
    let value = v >>> 0;
    while (value >= 0x80) {
      this.current[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.current[this.pos++] = value;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varlong(v: number | bigint): this {
    let value = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    this.ensure(10);
    while (value >= 0x80n) {
      this.current[this.pos++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.current[this.pos++] = Number(value);
    return this;
  }

  uuid(v: string): this { return this.raw(uuidToBytes(v)); }

  raw(bytes: Buffer): this {
    if (bytes.length >= ZERO_COPY_MIN_BYTES) {
      this.seal();
      this.chunks.push(bytes);
      this.flushedBytes += bytes.length;
      return this;
    }
    this.ensure(bytes.length);
    bytes.copy(this.current, this.pos);
    this.pos += bytes.length;
    return this;
  }

  string(v: string): this { return this.nullableString(v); }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const bytes = Buffer.from(v, 'utf8');
    return this.int16(bytes.length).raw(bytes);
  }

  compactString(v: string): this { return this.compactNullableString(v); }

  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const bytes = Buffer.from(v, 'utf8');
    return this.uvarint(bytes.length + 1).raw(bytes);
  }

  nullableBytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    return this.int32(v.length).raw(v);
  }

  compactNullableBytes(v: Buffer | null): this {
    if (v === null) return this.uvarint(0);
    return this.uvarint(v.length + 1).raw(v);
  }

  /** Writes a list of buffers as one length-prefixed byte string (a records field). */
  bytesList(parts: readonly Buffer[], compact: boolean): this {
    const total = parts.reduce((sum, p) => sum + p.length, 0);
    if (compact) this.uvarint(total + 1);
    else this.int32(total);
    for (const part of parts) this.raw(part);
    return this;
  }

  arrayLength(len: number | null, compact: boolean): this {
    if (len === null) return compact ? this.uvarint(0) : this.int32(-1);
    return compact ? this.uvarint(len + 1) : this.int32(len);
  }

  /** The written bytes as a list of chunks (no copy), for socket writev. */
  toChunks(): Buffer[] {
    this.seal();
    return this.chunks;
  }

  /** The written bytes as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushedBytes);
  }
}
