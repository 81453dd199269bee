/**
 * Proves the Reader turns every malformed input into ProtocolDecodeError before touching memory
 * it does not have: truncated fixed-width reads, negative and oversized lengths, absurd array
 * counts (rejected before any allocation), overlong varints. Also round-trips the zigzag
 * varint/varlong encodings used inside records against the Writer, including their extremes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, field, ProtocolDecodeError, Reader, scalarArray, skipTaggedFields, Writer } from '../../src/index.js';

function reader(hexBytes: string): Reader {
  return new Reader(Buffer.from(hexBytes, 'hex'));
}

test('fixed-width reads past the end throw ProtocolDecodeError', () => {
  assert.throws(() => reader('000000').int32(), ProtocolDecodeError);
  assert.throws(() => reader('00000000000000').int64(), ProtocolDecodeError);
  assert.throws(() => reader('').int8(), ProtocolDecodeError);
  assert.throws(() => reader('00'.repeat(15)).uuid(), ProtocolDecodeError);
  const r = reader('0001');
  r.int16();
  assert.throws(() => r.int16(), ProtocolDecodeError);
});

test('negative and oversized string and bytes lengths throw ProtocolDecodeError', () => {
  assert.throws(() => reader('fffe').nullableString(), /negative string length/);
  assert.equal(reader('ffff').nullableString(), null);
  assert.throws(() => reader('7fff41').nullableString(), ProtocolDecodeError);
  assert.throws(() => reader('fffffffe').nullableBytes(), /negative bytes length/);
  assert.throws(() => reader('7fffffff00').nullableBytes(), ProtocolDecodeError);
  assert.throws(() => reader('ffffffff0f').compactNullableString(), ProtocolDecodeError);
  assert.throws(() => reader('0500').compactNullableBytes(), ProtocolDecodeError);
});

test('absurd array lengths are rejected before allocating', () => {
  assert.throws(() => reader('7fffffff00000000').arrayLength(false), /exceeds/);
  assert.throws(() => reader('80000000').arrayLength(false), /negative array length/);
  assert.throws(() => reader('ffffffff0f').arrayLength(true), /exceeds/);
  const spec = { fields: [scalarArray('ids', 'int64', '0+')] };
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => decodeMessage(spec, reader('7ffffffe' + '00'.repeat(16)), 0, false), ProtocolDecodeError);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
});

test('varints longer than Kafka allows throw ProtocolDecodeError', () => {
  assert.throws(() => reader('ffffffffff01').uvarint(), /longer than 5 bytes/);
  assert.throws(() => reader('ffffffff7f').uvarint(), /exceeds 32 bits/);
  assert.throws(() => reader('ff'.repeat(10) + '01').varlongBigInt(), /longer than 10 bytes/);
  assert.throws(() => reader('80').uvarint(), ProtocolDecodeError);
});

test('a tagged field whose size runs past the end throws ProtocolDecodeError', () => {
  assert.throws(() => skipTaggedFields(reader('01' + '00' + '7f' + '00')), ProtocolDecodeError);
  const spec = { fields: [field('x', 'int32', '0+', { tag: 0, tagged: '0+' })] };
  assert.throws(() => decodeMessage(spec, reader('01000500'), 0, true), ProtocolDecodeError);
});

test('zigzag varint and varlong round-trip through Writer and Reader', () => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (i, l) => {
    const r = new Reader(new Writer().varint(i).varlong(l).toBuffer());
    assert.equal(r.varint(), i);
    assert.equal(r.varlongBigInt(), l);
    assert.equal(r.remaining, 0);
  }));
  assert.equal(new Writer().varint(-1).toBuffer().toString('hex'), '01');
  assert.equal(new Writer().varint(1).toBuffer().toString('hex'), '02');
  assert.equal(new Writer().varlong(-(2n ** 63n)).toBuffer().toString('hex'), 'ffffffffffffffffff01');
});

test('a reader window cannot extend past its buffer', () => {
  assert.throws(() => new Reader(Buffer.alloc(4), 0, 8), RangeError);
  const r = new Reader(Buffer.from('0000000100000002', 'hex'), 0, 4);
  assert.equal(r.int32(), 1);
  assert.throws(() => r.int32(), ProtocolDecodeError);
});
