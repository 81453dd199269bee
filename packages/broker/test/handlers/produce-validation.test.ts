/**
 * Proves that recordsProblem accepts well-formed magic 2 record batches (one, or several back to
 * back) built by encodeRecordBatch, and refuses each kind of bad input with the Kafka error code a
 * producer expects: no records or a truncated or CRC-damaged batch -> CORRUPT_MESSAGE, an old
 * message format -> UNSUPPORTED_FOR_MESSAGE_FORMAT, a batch above the limit -> MESSAGE_TOO_LARGE,
 * and a record count that disagrees with the last offset delta -> INVALID_RECORD. Damaged
 * batches are made by editing one header field of a valid batch (recomputing the CRC-32C with
 * computeBatchCrc where only the field itself should be wrong).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH, computeBatchCrc, encodeRecordBatch, ErrorCode } from '@sluice/protocol';
import { recordsProblem } from '../../src/handlers/produce-validation.js';

const LIMIT = 1048588;

/** A valid batch of `count` small records with a fixed timestamp. */
function batch(count: number, valueBytes = 8): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(valueBytes, i) }));
  return encodeRecordBatch({ baseTimestamp: 1_700_000_000_000n, records });
}

/** A copy of `original` with `edit` applied and the CRC recomputed, so only the edited field is wrong. */
function edited(original: Buffer, edit: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(original);
  edit(copy);
  copy.writeUInt32BE(computeBatchCrc(copy), BATCH.CRC);
  return copy;
}

test('a single valid batch passes', () => {
  assert.equal(recordsProblem(batch(1), LIMIT), null);
  assert.equal(recordsProblem(batch(5), LIMIT), null);
});

test('several valid batches back to back pass', () => {
  assert.equal(recordsProblem(Buffer.concat([batch(1), batch(3), batch(2)]), LIMIT), null);
});

test('null or empty records are CORRUPT_MESSAGE', () => {
  assert.equal(recordsProblem(null, LIMIT)?.errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.equal(recordsProblem(Buffer.alloc(0), LIMIT)?.errorCode, ErrorCode.CORRUPT_MESSAGE);
});

test('a truncated batch is CORRUPT_MESSAGE, alone or after a good batch', () => {
  const whole = batch(3);
  for (const cut of [1, BATCH.HEADER_BYTES - 1, BATCH.HEADER_BYTES, whole.length - 1]) {
    const result = recordsProblem(whole.subarray(0, cut), LIMIT);
    assert.equal(result?.errorCode, ErrorCode.CORRUPT_MESSAGE, `cut at ${cut}`);
  }
  const trailing = recordsProblem(Buffer.concat([batch(1), whole.subarray(0, 70)]), LIMIT);
  assert.equal(trailing?.errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.match(trailing?.message ?? '', /Record batch 1 .*truncated/);
});

test('a negative batch length is CORRUPT_MESSAGE', () => {
  const bad = Buffer.from(batch(1));
  bad.writeInt32BE(-1, BATCH.BATCH_LENGTH);
  assert.equal(recordsProblem(bad, LIMIT)?.errorCode, ErrorCode.CORRUPT_MESSAGE);
});

test('a flipped byte under the CRC, or in the CRC itself, is CORRUPT_MESSAGE', () => {
  const good = batch(2);
  for (const at of [BATCH.ATTRIBUTES, BATCH.RECORDS_COUNT + 2, good.length - 1, BATCH.CRC]) {
    const bad = Buffer.from(good);
    bad[at]! ^= 0x01;
    const result = recordsProblem(bad, LIMIT);
    assert.equal(result?.errorCode, ErrorCode.CORRUPT_MESSAGE, `flip at ${at}`);
    assert.match(result?.message ?? '', /bad-crc/);
  }
});

test('a damaged second batch is reported by its index', () => {
  const second = Buffer.from(batch(1));
  second[second.length - 1]! ^= 0xff;
  assert.match(recordsProblem(Buffer.concat([batch(1), second]), LIMIT)?.message ?? '', /^Record batch 1 /);
});

test('magic 1 is UNSUPPORTED_FOR_MESSAGE_FORMAT', () => {
  const old = edited(batch(1), (b) => b.writeInt8(1, BATCH.MAGIC));
  const result = recordsProblem(old, LIMIT);
  assert.equal(result?.errorCode, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
  assert.match(result?.message ?? '', /magic 2/);
});

test('a real magic 1 message set shorter than a v2 header gets the same code as a longer one', () => {
  // One legacy v1 message, 35 bytes: offset 0, size 23, crc (left zero: magic is checked first),
  // magic 1 at byte 16 as in v2, attributes 0, timestamp 0, null key, value "v".
  const v1 = Buffer.alloc(35);
  v1.writeInt32BE(v1.length - BATCH.LOG_OVERHEAD, 8);
  v1.writeInt8(1, 16);
  v1.writeInt32BE(-1, 26);
  v1.writeInt32BE(1, 30);
  v1.write('v', 34);
  assert.equal(recordsProblem(v1, LIMIT)?.errorCode, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
});

test('a batch above the limit is MESSAGE_TOO_LARGE; one exactly at the limit passes', () => {
  const big = batch(4, 100);
  assert.equal(recordsProblem(big, big.length), null);
  const result = recordsProblem(big, big.length - 1);
  assert.equal(result?.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  assert.match(result?.message ?? '', new RegExp(`${big.length} bytes, above the limit of ${big.length - 1}`));
});

test('the limit applies to each batch, not to their sum', () => {
  const one = batch(2);
  assert.equal(recordsProblem(Buffer.concat([one, one, one]), one.length), null);
});

test('recordsCount that disagrees with lastOffsetDelta is INVALID_RECORD', () => {
  const good = batch(3);
  const tooMany = edited(good, (b) => b.writeInt32BE(4, BATCH.RECORDS_COUNT));
  const tooFewDeltas = edited(good, (b) => b.writeInt32BE(1, BATCH.LAST_OFFSET_DELTA));
  const empty = edited(good, (b) => {
    b.writeInt32BE(0, BATCH.RECORDS_COUNT);
    b.writeInt32BE(-1, BATCH.LAST_OFFSET_DELTA);
  });
  for (const bad of [tooMany, tooFewDeltas, empty]) {
    assert.equal(recordsProblem(bad, LIMIT)?.errorCode, ErrorCode.INVALID_RECORD);
  }
  assert.match(recordsProblem(tooMany, LIMIT)?.message ?? '', /has 4 records but last offset delta 2/);
});

test('the error codes are Kafka\'s numbers', () => {
  assert.equal(ErrorCode.CORRUPT_MESSAGE, 2);
  assert.equal(ErrorCode.MESSAGE_TOO_LARGE, 10);
  assert.equal(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 43);
  assert.equal(ErrorCode.INVALID_RECORD, 87);
});
