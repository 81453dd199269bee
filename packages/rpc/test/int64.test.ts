/**
 * Proves the int64 conversions are exact over the whole signed 64-bit range (fast-check round
 * trips through bigint -> Long -> wire -> Long -> bigint), refuse out-of-range and unsafe values
 * instead of wrapping, and read unsigned Longs as unsigned.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import Long from 'long';
import { fromBigInt, sluice, toBigInt } from '../src/index.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

describe('toBigInt and fromBigInt', () => {
  it('round-trip the edges of the int64 range', () => {
    for (const value of [0n, 1n, -1n, (1n << 53n) + 1n, -(1n << 53n) - 1n, 1n << 32n, (1n << 32n) - 1n, INT64_MIN, INT64_MAX]) {
      assert.equal(toBigInt(fromBigInt(value)), value);
    }
  });

  it('round-trip any int64 through an encoded message', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (value) => {
        const bytes = sluice.raft.Entry.encode({ offset: fromBigInt(value), epoch: 0, data: Buffer.alloc(0) }).finish();
        assert.equal(toBigInt(sluice.raft.Entry.decode(bytes).offset), value);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuse values outside the int64 range', () => {
    assert.throws(() => fromBigInt(INT64_MAX + 1n), RangeError);
    assert.throws(() => fromBigInt(INT64_MIN - 1n), RangeError);
  });

  it('accept safe integer numbers and refuse the rest', () => {
    assert.equal(toBigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(toBigInt(-7), -7n);
    assert.throws(() => toBigInt(2 ** 53), RangeError);
    assert.throws(() => toBigInt(1.5), RangeError);
  });

  it('read an unsigned Long as unsigned', () => {
    assert.equal(toBigInt(Long.fromBits(-1, -1, true)), (1n << 64n) - 1n);
    assert.equal(toBigInt(Long.fromBits(-1, -1, false)), -1n);
  });
});
