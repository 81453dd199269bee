/**
 * A versioned, self-describing byte format for metadata records: JSON in UTF-8 with a `type` and
 * a `version` beside the fields. Each record type has a schema naming its current version, the
 * kind of every field, and one upgrade step per older version, so a node decodes any record an
 * older node wrote and refuses, with a clear error, one a newer node wrote.
 */
import { uuidFromBytes, uuidToBytes } from '@sluice/protocol';
import { invariant } from './errors.js';

/** How one field is checked and represented in JSON. */
export type FieldKind =
  | 'int32'
  | 'int64'
  | 'boolean'
  | 'string'
  | 'nullableString'
  | 'uuid'
  | 'int32Array'
  | 'listeners'
  | 'configResourceType';

/** A field's kind; a trailing '?' marks a field that may be absent (absent means "no change"). */
export type FieldSpec = FieldKind | `${FieldKind}?`;

/** The JSON fields of one record version, before validation. */
export type RawFields = Record<string, unknown>;

/** The current layout of one record type and how to bring older versions up to it. */
export interface RecordSchema {
  /** The version this code writes. Records in memory always have this version. */
  readonly version: number;
  /** Every field in encoding order. */
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** `upgrades[v - 1]` turns the fields of version v into those of version v + 1. */
  readonly upgrades: readonly ((fields: RawFields) => RawFields)[];
}

/** Bytes that are not a record this code can read: corrupt, unknown type, or a newer version. */
export class RecordFormatError extends Error {
  override name = 'RecordFormatError';
}

/** The part every record shares: its discriminant and the version of its layout. */
export interface VersionedRecord {
  readonly type: string;
  readonly version: number;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const PORT_MAX = 65535;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Encodes and decodes records of type `R` using one schema per record type. */
export class RecordCodec<R extends VersionedRecord> {
  constructor(private readonly schemas: Readonly<Record<string, RecordSchema>>) {
    for (const [type, schema] of Object.entries(schemas)) {
      invariant(Number.isInteger(schema.version) && schema.version >= 1, `${type}: version must be >= 1`);
      invariant(schema.upgrades.length === schema.version - 1, `${type}: needs one upgrade per older version`);
    }
  }

  /** The record as UTF-8 JSON, fields in schema order. A record that breaks its schema is a bug. */
  encode(record: R): Buffer {
    const schema = this.schemas[record.type];
    invariant(schema !== undefined, `no schema for record type ${record.type}`);
    invariant(record.version === schema.version, `${record.type} v${record.version} is not current (v${schema.version})`);
    const out: RawFields = { type: record.type, version: record.version };
    const fields = record as unknown as RawFields;
    for (const [name, spec] of Object.entries(schema.fields)) {
      const value = fields[name];
      const problem = fieldProblem(spec, value, 'memory');
      invariant(problem === null, `${record.type}.${name}: ${problem}`);
      if (value !== undefined) out[name] = typeof value === 'bigint' ? value.toString() : value;
    }
    return Buffer.from(JSON.stringify(out), 'utf8');
  }

  /** The record in `bytes`, upgraded to the current version. Throws RecordFormatError otherwise. */
  decode(bytes: Uint8Array): R {
    const { type, version, fields } = parseEnvelope(bytes);
    const schema = Object.hasOwn(this.schemas, type) ? this.schemas[type] : undefined;
    if (schema === undefined) {
      throw new RecordFormatError(`unknown metadata record type "${type}" (written by a newer version?)`);
    }
    if (version > schema.version) {
      throw new RecordFormatError(`${type} v${version} is newer than this node supports (v${schema.version})`);
    }
    let upgraded = fields;
    for (let v = version; v < schema.version; v++) upgraded = schema.upgrades[v - 1]!(upgraded);
    return { type, version: schema.version, ...validateFields(type, schema, upgraded) } as unknown as R;
  }
}

function parseEnvelope(bytes: Uint8Array): { type: string; version: number; fields: RawFields } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw new RecordFormatError('metadata record is not UTF-8 JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RecordFormatError('metadata record is not a JSON object');
  }
  const { type, version, ...fields } = parsed as RawFields;
  if (typeof type !== 'string') throw new RecordFormatError('metadata record has no string "type"');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new RecordFormatError(`${type}: "version" must be an integer >= 1`);
  }
  return { type, version, fields };
}

function validateFields(type: string, schema: RecordSchema, raw: RawFields): RawFields {
  const out: RawFields = {};
  for (const [name, spec] of Object.entries(schema.fields)) {
    const problem = fieldProblem(spec, raw[name], 'json');
    if (problem !== null) throw new RecordFormatError(`${type} v${schema.version}.${name}: ${problem}`);
    if (raw[name] !== undefined) out[name] = fromJson(spec, raw[name]);
  }
  const extra = Object.keys(raw).filter((name) => !Object.hasOwn(schema.fields, name));
  if (extra.length > 0) throw new RecordFormatError(`${type} v${schema.version}: unknown fields ${extra.join(', ')}`);
  return out;
}

function fromJson(spec: FieldSpec, value: unknown): unknown {
  if (baseKind(spec) === 'int64') return BigInt(value as string);
  if (baseKind(spec) === 'listeners') {
    return (value as { name: string; host: string; port: number }[]).map(({ name, host, port }) => ({ name, host, port }));
  }
  return value;
}

function baseKind(spec: FieldSpec): FieldKind {
  return (spec.endsWith('?') ? spec.slice(0, -1) : spec) as FieldKind;
}

/**
 * Why `value` does not fit `spec`, or null when it does. `form` says whether the value is in its
 * in-memory shape (int64 as bigint) or its JSON shape (int64 as a decimal string).
 */
function fieldProblem(spec: FieldSpec, value: unknown, form: 'memory' | 'json'): string | null {
  if (value === undefined) return spec.endsWith('?') ? null : 'missing';
  const kind = baseKind(spec);
  const ok = kindCheck(kind, value, form);
  return ok ? null : `not a valid ${kind}: ${describe(value)}`;
}

function kindCheck(kind: FieldKind, value: unknown, form: 'memory' | 'json'): boolean {
  switch (kind) {
    case 'int32':
      return isInt32(value);
    case 'int64':
      return form === 'memory' ? typeof value === 'bigint' && isInt64(value) : isInt64String(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'nullableString':
      return value === null || typeof value === 'string';
    case 'uuid':
      return isUuid(value);
    case 'int32Array':
      return Array.isArray(value) && value.every(isInt32);
    case 'listeners':
      return Array.isArray(value) && value.every(isListener);
    case 'configResourceType':
      return value === 'topic' || value === 'broker';
  }
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

function isInt64String(value: unknown): boolean {
  return typeof value === 'string' && /^-?(0|[1-9][0-9]{0,18})$/.test(value) && isInt64(BigInt(value));
}

/** Whether `value` is the canonical 22-character base64url text of 16 bytes, as Kafka prints a Uuid. */
export function isUuid(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(value)) return false;
  return uuidFromBytes(uuidToBytes(value)) === value;
}

function isListener(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { name, host, port, ...rest } = value as RawFields;
  return typeof name === 'string' && typeof host === 'string' && isInt32(port) && port >= 0 && port <= PORT_MAX
    && Object.keys(rest).length === 0;
}

function describe(value: unknown): string {
  const text = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
  return text === undefined ? String(value) : text.slice(0, 80);
}
