import { ProtocolDecodeError } from './errors.js';
import { uuidFromBytes } from './uuid.js';

/**
 * Reads Kafka wire primitives from one buffer. Every read checks bounds, so a hostile
 * frame ends in a ProtocolDecodeError, never in an out-of-range read or a huge allocation.
 */
export class Reader {
  offset: number;

  constructor(readonly buf: Buffer, offset = 0, readonly end = buf.length) {
    if (offset < 0 || offset > end || end > buf.length) throw new RangeError(`reader window ${offset}..${end} outside a buffer of ${buf.length} bytes`);
    this.offset = offset;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset;
  }

  private take(n: number): number {
    if (!(n >= 0) || this.offset + n > this.end) {
      throw new ProtocolDecodeError(`need ${n} bytes at offset ${this.offset}, have ${this.end - this.offset}`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number { return this.buf.readInt8(this.take(1)); }
  int16(): number { return this.buf.readInt16BE(this.take(2)); }
  uint16(): number { return this.buf.readUInt16BE(this.take(2)); }
  int32(): number { return this.buf.readInt32BE(this.take(4)); }
  uint32(): number { return this.buf.readUInt32BE(this.take(4)); }
  int64(): bigint { return this.buf.readBigInt64BE(this.take(8)); }
  float64(): number { return this.buf.readDoubleBE(this.take(8)); }
  bool(): boolean { return this.int8() !== 0; }

  /** Unsigned LEB128 varint as used by KIP-482 compact types and tagged fields (max 5 bytes). */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf.readUInt8(this.take(1));
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) throw new ProtocolDecodeError('unsigned varint exceeds 32 bits');
        return value;
      }
    }
    throw new ProtocolDecodeError('unsigned varint longer than 5 bytes');
  }

  /** Zigzag varint (record fields): 32-bit signed. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zigzag varlong (record fields): 64-bit signed, returned as a number (deltas are small). */
  varlong(): number {
    return Number(this.varlongBigInt());
  }

  /** Zigzag varlong (record fields): 64-bit signed, exact. */
  varlongBigInt(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buf[this.take(1)]!;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        // A 10th byte may carry bits above 64; Kafka's varlong keeps only the low 64.
        const raw = BigInt.asUintN(64, value);
        return (raw >> 1n) ^ -(raw & 1n);
      }
    }
    throw new ProtocolDecodeError('varlong longer than 10 bytes');
  }

  uuid(): string { return uuidFromBytes(this.buf.subarray(this.take(16), this.offset)); }

  /** Bytes view (no copy) of the next n bytes. */
  raw(n: number): Buffer {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolDecodeError('null where a non-nullable string was expected');
    return s;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < -1) throw new ProtocolDecodeError(`negative string length ${len}`);
    return this.raw(len).toString('utf8');
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new ProtocolDecodeError('null where a non-nullable compact string was expected');
    return s;
  }

  compactNullableString(): string | null {
    const len = this.uvarint() - 1;
    if (len === -1) return null;
    return this.raw(len).toString('utf8');
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < -1) throw new ProtocolDecodeError(`negative bytes length ${len}`);
    return this.raw(len);
  }

  compactNullableBytes(): Buffer | null {
    const len = this.uvarint() - 1;
    if (len === -1) return null;
    return this.raw(len);
  }

  /** Array length: -1 means null. Checked against the bytes left so a lying length cannot allocate. */
  arrayLength(compact: boolean): number {
    const len = compact ? this.uvarint() - 1 : this.int32();
    if (len < -1) throw new ProtocolDecodeError(`negative array length ${len}`);
    if (len > this.remaining) throw new ProtocolDecodeError(`array length ${len} exceeds the ${this.remaining} bytes left`);
    return len;
  }
}
