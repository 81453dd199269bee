/**
 * Proves record batch v2 encoding against a batch written out byte by byte from Kafka's layout
 * (with its CRC-32C checked by an independent bitwise implementation), round-trips random
 * batches with fast-check, and shows that decoding stops cleanly at a trailing partial batch and
 * fails only with ProtocolDecodeError (or UnsupportedCompressionError) on bad input.
 */
import assert from 'node:assert/strict';
import { compressFrameSync } from 'lz4-napi';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  BATCH, computeBatchCrc, decodeRecordBatches, encodeRecordBatch, ProtocolDecodeError, snappyCompress, snappyDecompress, decompressSection, lz4OutputBound, zstdFrameCost,
  type EncodeRecordBatchOptions, type RecordInput,
} from '../src/index.js';

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit: slow but independent of @node-rs/crc32. */
function referenceCrc32c(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One record (key "k", value "v", header h=x) in a batch at offset 0, timestamp 1000, written out by hand. */
const FIXTURE_HEX = [
  '0000000000000000', // baseOffset 0
  '0000003e', // batchLength 62 = 74 bytes - 12
  '00000000', // partitionLeaderEpoch 0
  '02', // magic 2
  'CRC_HERE', // crc32c(attributes..end)
  '0000', // attributes: no compression, CreateTime
  '00000000', // lastOffsetDelta 0
  '00000000000003e8', // baseTimestamp 1000
  '00000000000003e8', // maxTimestamp 1000
  'ffffffffffffffff', // producerId -1
  'ffff', // producerEpoch -1
  'ffffffff', // baseSequence -1
  '00000001', // recordsCount 1
  '18', // record length 12 (zigzag 24)
  '00', // record attributes
  '00', // timestampDelta 0
  '00', // offsetDelta 0
  '02', '6b', // key length 1, "k"
  '02', '76', // value length 1, "v"
  '02', // one header
  '02', '68', // header key length 1, "h"
  '02', '78', // header value length 1, "x"
].join('');

function fixtureBytes(): Buffer {
  const withoutCrc = Buffer.from(FIXTURE_HEX.replace('CRC_HERE', '00000000'), 'hex');
  const crc = referenceCrc32c(withoutCrc.subarray(BATCH.ATTRIBUTES));
  return Buffer.from(FIXTURE_HEX.replace('CRC_HERE', crc.toString(16).padStart(8, '0')), 'hex');
}

test('the reference CRC-32C gives the standard check value', () => {
  assert.equal(referenceCrc32c(Buffer.from('123456789')), 0xe3069283);
});

test('encoding matches the hand-written fixture byte for byte', () => {
  const encoded = encodeRecordBatch({
    baseOffset: 0n, partitionLeaderEpoch: 0, baseTimestamp: 1000n,
    records: [{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] }],
  });
  const expected = fixtureBytes();
  assert.equal(encoded.toString('hex'), expected.toString('hex'));
  assert.equal(computeBatchCrc(encoded), referenceCrc32c(encoded.subarray(BATCH.ATTRIBUTES)));
});

test('decoding the fixture gives its record with absolute offset and timestamp', () => {
  const fixture = fixtureBytes();
  fixture.writeBigInt64BE(41n, BATCH.BASE_OFFSET); // outside the CRC, as the broker stamps it
  const [batch, ...rest] = decodeRecordBatches(fixture);
  assert.equal(rest.length, 0);
  assert.equal(batch!.baseOffset, 41n);
  assert.equal(batch!.compression, 'none');
  assert.deepEqual(batch!.records.map((r) => [r.offset, r.timestamp, String(r.key), String(r.value), r.headers.map((h) => `${h.key}=${String(h.value)}`)]),
    [[41n, 1000n, 'k', 'v', ['h=x']]]);
});

const bytesArb = fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { freq: 4 });
const recordArb = fc.record({
  key: bytesArb,
  value: bytesArb,
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: bytesArb }, { noNullPrototype: true }), { maxLength: 3 }),
  timestamp: fc.bigInt({ min: 0n, max: 2n ** 50n }),
}, { noNullPrototype: true });
const batchArb: fc.Arbitrary<EncodeRecordBatchOptions> = fc.record({
  baseOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  producerId: fc.bigInt({ min: -1n, max: 2n ** 40n }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  compression: fc.constantFrom('none' as const, 'gzip' as const, 'snappy' as const),
  transactional: fc.boolean(),
  records: fc.array(recordArb, { minLength: 1, maxLength: 8 }),
}, { noNullPrototype: true });

function expectedRecords(opts: EncodeRecordBatchOptions): unknown[] {
  return opts.records.map((r: RecordInput, i) => ({
    offset: opts.baseOffset! + BigInt(i), timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers,
  }));
}

test('random batches round-trip through encode and decode', () => {
  fc.assert(fc.property(batchArb, (opts) => {
    const [batch] = decodeRecordBatches(encodeRecordBatch(opts));
    assert.equal(batch!.producerId, opts.producerId);
    assert.equal(batch!.compression, opts.compression);
    assert.equal(batch!.transactional, opts.transactional);
    assert.equal(batch!.lastOffsetDelta, opts.records.length - 1);
    assert.equal(batch!.maxTimestamp, opts.records.reduce((m, r) => (r.timestamp! > m ? r.timestamp! : m), -1n));
    const got = batch!.records.map(({ offset, timestamp, key, value, headers }) => ({ offset, timestamp, key, value, headers }));
    assert.deepEqual(got, expectedRecords(opts));
  }), { numRuns: 300 });
});

test('concatenated batches decode in order and a trailing partial batch is skipped', () => {
  fc.assert(fc.property(fc.array(batchArb, { minLength: 1, maxLength: 4 }), fc.nat(), (all, cut) => {
    const encoded = all.map(encodeRecordBatch);
    const last = encoded[encoded.length - 1]!;
    const partial = last.subarray(0, cut % last.length);
    const decoded = decodeRecordBatches(Buffer.concat([...encoded.slice(0, -1), partial]));
    assert.deepEqual(decoded.map((b) => b.baseOffset), all.slice(0, -1).map((o) => o.baseOffset));
  }), { numRuns: 100 });
});

test('LogAppendTime records take the batch max timestamp', () => {
  const batch = encodeRecordBatch({
    baseTimestamp: 10n, timestampType: 'LogAppendTime',
    records: [{ key: null, value: null, timestamp: 10n }, { key: null, value: null, timestamp: 30n }],
  });
  const [decoded] = decodeRecordBatches(batch);
  assert.equal(decoded!.timestampType, 'LogAppendTime');
  assert.deepEqual(decoded!.records.map((r) => r.timestamp), [30n, 30n]);
});

function withAttributes(batch: Buffer, attributes: number): Buffer {
  const copy = Buffer.from(batch);
  copy.writeInt16BE(attributes, BATCH.ATTRIBUTES);
  copy.writeUInt32BE(computeBatchCrc(copy), BATCH.CRC);
  return copy;
}

/** The records section of three records (k-alpha/alpha x10, k-beta/beta x10, k-gamma/gamma x10), compressed by the zstd command-line tool. */
const ZSTD_SECTION = Buffer.from('28b52ffd24b5cd010092820911b0b9019849246e8784750eb9cc8959ab52beabde5856b0d7e3a9104b016cf41dd1b965d9de0600ba067805fd1200d6f7354184f205a1155a18', 'hex');

test('lz4 batches round-trip; zstd batches (written by the reference tool) decode; zstd is refused for writing by name', () => {
  const records = ['alpha', 'beta', 'gamma'].map((v) => ({ key: Buffer.from(`k-${v}`), value: Buffer.from(v.repeat(10)) }));
  const lz4 = encodeRecordBatch({ baseTimestamp: 0n, compression: 'lz4', records });
  assert.equal(lz4.subarray(BATCH.HEADER_BYTES, BATCH.HEADER_BYTES + 4).toString('hex'), '04224d18', 'an lz4 frame, as Kafka writes');
  const [decodedLz4] = decodeRecordBatches(lz4);
  assert.equal(decodedLz4!.compression, 'lz4');
  assert.deepEqual(decodedLz4!.records.map((r) => [r.key!.toString(), r.value!.toString()]), records.map((r) => [r.key.toString(), r.value.toString()]));

  const header = encodeRecordBatch({ baseTimestamp: 0n, records }).subarray(0, BATCH.HEADER_BYTES);
  const zstd = Buffer.concat([header, ZSTD_SECTION]);
  zstd.writeInt32BE(zstd.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  const [decodedZstd] = decodeRecordBatches(withAttributes(zstd, 4));
  assert.equal(decodedZstd!.compression, 'zstd');
  assert.deepEqual(decodedZstd!.records.map((r) => r.value!.toString()), records.map((r) => r.value.toString()));
  assert.throws(() => decompressSection('zstd', ZSTD_SECTION, 100), /decompresses past the limit of 100 bytes/);
  assert.throws(() => encodeRecordBatch({ records, compression: 'zstd' as 'lz4' }), /zstd/);
});

test('an lz4 frame whose blocks could decompress past the bound is refused before decoding', () => {
  const frame = compressFrameSync(Buffer.alloc(100_000, 7));
  assert.ok(lz4OutputBound(frame) >= 100_000, 'a real frame: its bound covers its output');
  assert.equal(decompressSection('lz4', frame, 1 << 20).length, 100_000);
  // A 4 MiB-block frame header, then 20 tiny blocks: up to 80 MiB of output from a few hundred bytes.
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x00]);
  const block = Buffer.from([0x05, 0, 0, 0, 1, 2, 3, 4, 5]);
  const bomb = Buffer.concat([header, ...Array.from({ length: 20 }, () => block), Buffer.alloc(4)]);
  assert.equal(lz4OutputBound(bomb), 20 * 4 * 1024 * 1024);
  assert.throws(() => decompressSection('lz4', bomb, 64 * 1024 * 1024), /may decompress to 83886080 bytes, above the limit/);
  assert.throws(() => lz4OutputBound(bomb.subarray(0, 20)), /cut off/);
  assert.throws(() => lz4OutputBound(Buffer.from('not a frame at all')), /not an lz4 frame/);
});

test('zstd frames asking for a huge window, or many tiny blocks under a large one, are refused before fzstd runs', () => {
  assert.ok(zstdFrameCost(ZSTD_SECTION).windowBytes <= 1024, 'the reference tool sizes the window to the content');
  const rleBlock = (last: boolean): Buffer => Buffer.from([(last ? 1 : 0) | (1 << 1) | (1 << 3), 0x00, 0x00, 0x61]);
  // Window descriptor 0xA7: a 1.875 GiB window, then one last RLE block of one byte.
  const frame = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa7]), rleBlock(true)]);
  assert.deepEqual(zstdFrameCost(frame), { windowBytes: 2 ** 30 + 7 * 2 ** 27, copyBytes: 2 ** 30 + 7 * 2 ** 27 });
  assert.throws(() => decompressSection('zstd', frame, 64 * 1024 * 1024), /asks for a 2013265920-byte window, above the limit of 134217728/);
  const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 0x02, 0, 0, 0, 9, 9]);
  assert.equal(zstdFrameCost(Buffer.concat([skippable, frame])).windowBytes, 2 ** 30 + 7 * 2 ** 27, 'skippable frames are passed over');
  assert.throws(() => zstdFrameCost(frame.subarray(0, 8)), /cut off/);
  // A 64 MiB window (descriptor 0x80) and 200 one-byte RLE blocks: 12.5 GiB of copying for 200 bytes.
  const tiny = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x80]), ...Array.from({ length: 199 }, () => rleBlock(false)), rleBlock(true)]);
  assert.equal(zstdFrameCost(tiny).copyBytes, 200 * 64 * 2 ** 20);
  assert.throws(() => decompressSection('zstd', tiny, 64 * 1024 * 1024), /would copy 13421772800 bytes of window/);
});

test('codecs 5-7 are corrupt; bytes that are not snappy, lz4 or zstd fail as corrupt', () => {
  const plain = encodeRecordBatch({ baseTimestamp: 0n, records: [{ key: null, value: Buffer.from('x') }] });
  assert.throws(() => decodeRecordBatches(withAttributes(plain, 6)), ProtocolDecodeError);
  for (const codec of [2, 3, 4]) assert.throws(() => decodeRecordBatches(withAttributes(plain, codec)), ProtocolDecodeError, `codec ${codec}`);
});

test('snappy: raw blocks round-trip, Java\'s xerial framing is read, and a bomb is refused before allocating', () => {
  const records = Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i} `.repeat(20)) }));
  const batch = encodeRecordBatch({ baseTimestamp: 0n, compression: 'snappy', records });
  assert.ok(batch.length < encodeRecordBatch({ baseTimestamp: 0n, records }).length / 3, 'it compresses');
  const [decoded] = decodeRecordBatches(batch);
  assert.equal(decoded!.compression, 'snappy');
  assert.deepEqual(decoded!.records.map((r) => r.value!.toString()), records.map((r) => r.value.toString()));

  const text = Buffer.from('the quick brown fox '.repeat(100));
  const halves = [text.subarray(0, 700), text.subarray(700)].map(snappyCompress);
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const lengthPrefixed = (block: Buffer): Buffer[] => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    return [length, block];
  };
  const framed = Buffer.concat([header, ...halves.flatMap(lengthPrefixed)]);
  assert.deepEqual(snappyDecompress(framed, 1 << 20), text);
  assert.throws(() => snappyDecompress(framed, 1000), /snappy block of 1300 bytes is above the limit of 300/);
  assert.throws(() => snappyDecompress(snappyCompress(Buffer.alloc(1 << 20)), 1024), /above the limit of 1024/);
});

test('malformed snappy fails fast: a literal whose length wraps around, short input, copies before the start', () => {
  const cases = [
    Buffer.from([0x10, 0xfc, 0xfa, 0xff, 0xff, 0xff]), // a 4-byte literal length of 2^32-5 (snappyjs alone loops forever)
    Buffer.from([0xe8, 0x07, 0x00, 0x61]), // declares 1000 bytes, holds one
    Buffer.from([0x04, 0x01, 0x05, 0x00]), // a copy with nothing before it
    Buffer.from([0x80]), // a length varint cut off
  ];
  for (const data of cases) assert.throws(() => snappyDecompress(data, 1 << 20), Error, data.toString('hex'));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    try {
      snappyDecompress(Buffer.from(bytes), 1 << 16);
    } catch { /* refused: fine, as long as it returns */ }
  }), { numRuns: 2000 });
});

test('a flipped bit fails the CRC check; a gzip bomb is bounded', () => {
  const batch = encodeRecordBatch({ baseTimestamp: 0n, records: [{ key: null, value: Buffer.from('abc') }] });
  const flipped = Buffer.from(batch);
  flipped[flipped.length - 1]! ^= 1;
  assert.throws(() => decodeRecordBatches(flipped), /bad-crc/);
  const big = encodeRecordBatch({ baseTimestamp: 0n, compression: 'gzip', records: [{ key: null, value: Buffer.alloc(1 << 20) }] });
  assert.ok(big.length < 4096);
  assert.throws(() => decodeRecordBatches(big, { decompressedBytesMax: 1 << 16 }), ProtocolDecodeError);
});

test('mutated record sections (with a valid CRC) only ever throw ProtocolDecodeError', () => {
  fc.assert(fc.property(batchArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (opts, edits) => {
    const batch = Buffer.from(encodeRecordBatch({ ...opts, compression: 'none' }));
    for (const [at, byte] of edits) batch[BATCH.ATTRIBUTES + 2 + (at % (batch.length - BATCH.ATTRIBUTES - 2))] = byte;
    batch.writeInt16BE(0, BATCH.ATTRIBUTES);
    batch.writeUInt32BE(computeBatchCrc(batch), BATCH.CRC);
    try {
      decodeRecordBatches(batch);
    } catch (err) {
      assert.ok(err instanceof ProtocolDecodeError, `unexpected ${String(err)}`);
    }
  }), { numRuns: 2000 });
});
