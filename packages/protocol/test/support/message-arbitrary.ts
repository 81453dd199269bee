/**
 * Builds fast-check arbitraries from the API tables themselves, so every field of every version is
 * exercised without a hand-written generator per API. For a version, a field absent from it gets
 * its default (what the decoder will produce), a nullable field is sometimes null, and a tagged
 * field is sometimes left at its default (not sent) and sometimes set.
 */
import fc from 'fast-check';
import { defaultValue, inRange, type FieldSpec, type Message, type MessageSpec, type ScalarType } from '../../src/index.js';

/** Bounds that keep generated messages small enough for thousands of runs. */
const ARRAY_LENGTH_MAX = 3;
const STRING_LENGTH_MAX = 12;
const BYTES_LENGTH_MAX = 24;

const bytesArb = fc.uint8Array({ maxLength: BYTES_LENGTH_MAX }).map((a) => Buffer.from(a));

/** An arbitrary for one scalar type, over its whole wire range. */
export function scalarArbitrary(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'int8': return fc.integer({ min: -128, max: 127 });
    case 'int16': return fc.integer({ min: -32768, max: 32767 });
    case 'uint16': return fc.integer({ min: 0, max: 65535 });
    case 'int32': return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint32': return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64': return fc.double();
    case 'bool': return fc.boolean();
    case 'string': return fc.string({ unit: 'binary', maxLength: STRING_LENGTH_MAX });
    case 'uuid': return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a).toString('base64url'));
    case 'bytes':
    case 'records': return bytesArb;
  }
}

function presentValueArbitrary(f: FieldSpec, version: number): fc.Arbitrary<unknown> {
  if (f.type === 'struct') return fieldsArbitrary(f.fields!, version);
  if (f.type === 'array') {
    const item = f.fields ? fieldsArbitrary(f.fields, version) : scalarArbitrary(f.items!);
    return fc.array(item, { maxLength: ARRAY_LENGTH_MAX });
  }
  return scalarArbitrary(f.type);
}

/** An arbitrary for one field's value in `version`, as the decoder will return it. */
export function fieldArbitrary(f: FieldSpec, version: number): fc.Arbitrary<unknown> {
  if (!inRange(f.versions, version)) return fc.constant(defaultValue(f));
  let arb = presentValueArbitrary(f, version);
  if (inRange(f.nullableVersions, version)) arb = fc.option(arb, { nil: null, freq: 4 });
  const tagged = f.tag !== undefined && inRange(f.taggedVersions, version);
  if (tagged) arb = fc.oneof(fc.constant(defaultValue(f)), arb);
  return arb;
}

/** An arbitrary for a struct (or a whole message) made of `fields`, in `version`. */
export function fieldsArbitrary(fields: readonly FieldSpec[], version: number): fc.Arbitrary<Message> {
  const arbs = fields.map((f) => fieldArbitrary(f, version));
  return fc.tuple(...arbs).map((values) => {
    const out: Message = {};
    fields.forEach((f, i) => { out[f.name] = values[i]; });
    return out;
  });
}

/** An arbitrary for a request or response body in `version`. */
export function messageArbitrary(spec: MessageSpec, version: number): fc.Arbitrary<Message> {
  return fieldsArbitrary(spec.fields, version);
}
