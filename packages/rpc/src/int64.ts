import Long from 'long';

/**
 * Conversions between protobuf 64-bit integers and bigint.
 *
 * The generated code is built with `--force-long` (scripts/gen-proto.sh), so every int64, uint64,
 * sint64, fixed64 and sfixed64 field is typed `Long` in decoded messages and `Long | null` in the
 * properties a caller encodes: never a lossy `number`. Sluice keeps INT64 values as bigint in memory
 * (STYLE §3), so the code that maps protobuf messages to domain types (the quorum driver, the
 * controller client) converts each such field once, with these two functions, and nowhere else.
 */

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * The exact value of a decoded 64-bit field. Accepts a `number` too (protobufjs encodes plain
 * numbers given by a caller), but only a safe integer: anything else was already lossy.
 */
export function toBigInt(value: Long | number): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer for an int64 field: ${value}`);
    return BigInt(value);
  }
  // Built from the two 32-bit halves rather than Long#toBigInt so the result does not depend on
  // which copy of the long package decoded the value.
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? BigInt.asUintN(64, bits) : BigInt.asIntN(64, bits);
}

/**
 * The signed Long for an int64 field. Throws RangeError outside [-2^63, 2^63 - 1] instead of
 * wrapping, since a wrapped offset or size would be a silent corruption.
 */
export function fromBigInt(value: bigint): Long {
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`out of int64 range: ${value}`);
  const low = Number(BigInt.asIntN(32, value));
  const high = Number(BigInt.asIntN(32, value >> 32n));
  return Long.fromBits(low, high, false);
}
