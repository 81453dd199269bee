/**
 * Legacy message sets (magic 0/1, Produce v0-2) decode with their keys, values and timestamps,
 * compressed wrappers included, and become one magic-2 batch; damaged sets are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { crc32 } from '@node-rs/crc32';
import { compressFrameSync } from 'lz4-napi';
import { DecompressionLimitError, decodeLegacyMessageSet, decodeRecordBatches, encodeLegacyMessage, ProtocolDecodeError, snappyCompress, UnsupportedCompressionError, upConvertMessageSet } from '../src/index.js';

const MAX = 1024 * 1024;

const message = (magic: 0 | 1, codec: number, key: Buffer | null, value: Buffer | null, timestamp = 1_700_000_000_000n, offset = 0n): Buffer =>
  encodeLegacyMessage({ magic, codec, key, value, timestamp, offset });

const plain = (magic: 0 | 1): Buffer => Buffer.concat([
  message(magic, 0, Buffer.from('k1'), Buffer.from('v1'), 1_700_000_000_000n, 0n),
  message(magic, 0, null, Buffer.from('v2'), 1_700_000_000_005n, 1n),
  message(magic, 0, Buffer.from('k3'), null, 1_700_000_000_002n, 2n),
]);

test('magic 0 and 1 sets decode with keys, values and (magic 1) timestamps', () => {
  const v1 = decodeLegacyMessageSet(plain(1), { left: MAX });
  assert.equal(v1.compression, 'none');
  assert.deepEqual(v1.messages.map((m) => [m.key?.toString() ?? null, m.value?.toString() ?? null, m.timestamp]),
    [['k1', 'v1', 1_700_000_000_000n], [null, 'v2', 1_700_000_000_005n], ['k3', null, 1_700_000_000_002n]]);
  const v0 = decodeLegacyMessageSet(plain(0), { left: MAX });
  assert.deepEqual(v0.messages.map((m) => [m.magic, m.timestamp]), [[0, null], [0, null], [0, null]]);
});

test('a gzip, snappy or lz4 wrapper message yields its inner messages and codec', () => {
  for (const [codec, name, compress] of [[1, 'gzip', gzipSync], [2, 'snappy', snappyCompress], [3, 'lz4', compressFrameSync]] as const) {
    const wrapped = message(1, codec, null, compress(plain(1)), 1_700_000_000_005n, 2n);
    const set = decodeLegacyMessageSet(wrapped, { left: MAX });
    assert.equal(set.compression, name);
    assert.deepEqual(set.messages.map((m) => m.value?.toString() ?? null), ['v1', 'v2', null]);
  }
});

test('up-conversion: one magic-2 batch, same records, codec kept, magic 0 stamped with the receive time', () => {
  const wrapped = message(1, 1, null, gzipSync(plain(1)));
  const [batch, ...rest] = decodeRecordBatches(upConvertMessageSet(wrapped, 42n, { left: MAX }));
  assert.equal(rest.length, 0);
  assert.equal(batch!.compression, 'gzip');
  assert.deepEqual(batch!.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null, r.timestamp]), [
    [0n, 'k1', 'v1', 1_700_000_000_000n], [1n, null, 'v2', 1_700_000_000_005n], [2n, 'k3', null, 1_700_000_000_002n]]);
  assert.equal(batch!.maxTimestamp, 1_700_000_000_005n);
  const fromV0 = decodeRecordBatches(upConvertMessageSet(plain(0), 42n, { left: MAX }))[0]!;
  assert.deepEqual(fromV0.records.map((r) => r.timestamp), [42n, 42n, 42n]);
});

test('damaged sets are refused: CRC, cut-off message, bad size, bad magic, empty, zstd, bytes that are not lz4', () => {
  const good = plain(1);
  const flipped = Buffer.from(good);
  flipped[good.length - 1] ^= 0xff;
  assert.throws(() => decodeLegacyMessageSet(flipped, { left: MAX }), /fails its CRC/);
  assert.throws(() => decodeLegacyMessageSet(good.subarray(0, good.length - 3), { left: MAX }), ProtocolDecodeError);
  assert.throws(() => decodeLegacyMessageSet(good.subarray(0, 7), { left: MAX }), /cut off/);
  const badSize = Buffer.from(good);
  badSize.writeInt32BE(3, 8);
  assert.throws(() => decodeLegacyMessageSet(badSize, { left: MAX }), /message size 3/);
  const magic2 = message(1, 0, null, Buffer.from('x'));
  magic2[16] = 2;
  magic2.writeUInt32BE(crc32(magic2.subarray(16)) >>> 0, 12);
  assert.throws(() => decodeLegacyMessageSet(magic2, { left: MAX }), /magic 2/);
  assert.throws(() => upConvertMessageSet(Buffer.alloc(0), 0n, { left: MAX }), /without messages/);
  assert.throws(() => decodeLegacyMessageSet(message(1, 4, null, Buffer.from('zstd bytes')), { left: MAX }), UnsupportedCompressionError);
  assert.throws(() => decodeLegacyMessageSet(message(1, 3, null, Buffer.from('not lz4')), { left: MAX }), /lz4 records section does not decompress/);
  const bomb = message(1, 1, null, gzipSync(Buffer.alloc(2 * MAX)));
  assert.throws(() => decodeLegacyMessageSet(bomb, { left: MAX }), DecompressionLimitError);
});

test('the decompression bound holds for the whole set, not per compressed message', () => {
  const inner = gzipSync(Buffer.concat(Array.from({ length: 40 }, () => message(1, 0, null, Buffer.alloc(1000)))));
  const one = message(1, 1, null, inner);
  const decompressed = decodeLegacyMessageSet(one, { left: MAX }).messages.length;
  assert.equal(decompressed, 40);
  const innerBytes = 40 * (16 + 2 + 8 + 8 + 1000);
  // Each wrapper alone fits in twice its size; five of them together do not.
  assert.throws(() => decodeLegacyMessageSet(Buffer.concat(Array.from({ length: 5 }, () => one)), { left: innerBytes * 2 }), DecompressionLimitError);
  assert.equal(decodeLegacyMessageSet(Buffer.concat([one, one]), { left: innerBytes * 2 }).messages.length, 80);
});

/** Two messages each as kafka-python's LegacyRecordBatchBuilder writes them (key/value, then a null key). */
const KAFKA_PYTHON_SETS = {
  0: '0000000000000000000000162356c1370000000000036b65790000000576616c7565000000000000000100000010d5960a780000ffffffff000000027632',
  1: '00000000000000000000001ebbee87d101000000018bcfe5687b000000036b65790000000576616c75650000000000000001000000187393d01b01000000018bcfe569c8ffffffff000000027632',
} as const;

test('message sets written by another client decode, CRCs included; ours encode to the same bytes', () => {
  for (const magic of [0, 1] as const) {
    const bytes = Buffer.from(KAFKA_PYTHON_SETS[magic], 'hex');
    const set = decodeLegacyMessageSet(bytes, { left: MAX });
    assert.deepEqual(set.messages.map((m) => [m.key?.toString() ?? null, m.value?.toString(), m.timestamp]),
      [['key', 'value', magic === 1 ? 1_700_000_000_123n : null], [null, 'v2', magic === 1 ? 1_700_000_000_456n : null]]);
    const ours = Buffer.concat([
      encodeLegacyMessage({ magic, timestamp: 1_700_000_000_123n, offset: 0n, key: Buffer.from('key'), value: Buffer.from('value') }),
      encodeLegacyMessage({ magic, timestamp: 1_700_000_000_456n, offset: 1n, key: null, value: Buffer.from('v2') }),
    ]);
    assert.equal(ours.toString('hex'), KAFKA_PYTHON_SETS[magic], `magic ${magic}`);
  }
});
