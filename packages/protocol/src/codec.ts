import { ProtocolDecodeError } from './primitives/errors.js';
import { Reader } from './primitives/reader.js';
import { ZERO_UUID } from './primitives/uuid.js';
import { Writer } from './primitives/writer.js';
import { inRange, type FieldSpec, type MessageSpec, type ScalarType } from './schema.js';

/**
 * The generic reader/writer for the API tables. `flexible` selects compact types and tagged
 * fields (KIP-482). Decoded messages are plain objects keyed by field name; INT64 is bigint,
 * UUIDs are base64url strings, records are raw Buffers (a list of Buffers when encoding).
 */
export type Message = Record<string, unknown>;

/** Empty byte string: Kafka's default for a non-nullable bytes field. Shared; never written to. */
const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/** Decodes one message body for `version`; fields absent from the version get their defaults. */
export function decodeMessage(spec: MessageSpec, reader: Reader, version: number, flexible: boolean): Message {
  return decodeFields(spec.fields, reader, version, flexible);
}

/**
 * Encodes one message body for `version`; omitted fields are written as their defaults. The body
 * may be a plain Message or any of the typed request/response interfaces (interfaces are not
 * assignable to an index-signature type, hence `object`).
 */
export function encodeMessage(spec: MessageSpec, message: Message | object, writer: Writer, version: number, flexible: boolean): void {
  encodeFields(spec.fields, message as Message, writer, version, flexible);
}

function isTagged(f: FieldSpec, version: number): boolean {
  return f.tag !== undefined && inRange(f.taggedVersions, version);
}

function decodeFields(fields: readonly FieldSpec[], reader: Reader, version: number, flexible: boolean): Message {
  const out: Message = {};
  for (const f of fields) {
    if (inRange(f.versions, version) && !isTagged(f, version)) {
      out[f.name] = decodeField(f, reader, version, flexible);
    } else {
      out[f.name] = defaultValue(f);
    }
  }
  if (flexible) decodeTaggedFields(fields, reader, version, out);
  return out;
}

function decodeTaggedFields(fields: readonly FieldSpec[], reader: Reader, version: number, out: Message): void {
  const count = reader.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = reader.uvarint();
    const size = reader.uvarint();
    const known = fields.find((f) => f.tag === tag && isTagged(f, version));
    const body = new Reader(reader.raw(size));
    if (known) out[known.name] = decodeField(known, body, version, true);
  }
}

function decodeField(f: FieldSpec, reader: Reader, version: number, flexible: boolean): unknown {
  const nullable = inRange(f.nullableVersions, version);
  if (f.type === 'struct') {
    if (nullable && reader.int8() < 0) return null;
    return decodeFields(f.fields!, reader, version, flexible);
  }
  if (f.type === 'array') {
    const len = reader.arrayLength(flexible);
    if (len === -1) {
      if (!nullable) throw new ProtocolDecodeError(`null array for non-nullable field ${f.name}`);
      return null;
    }
    const items: unknown[] = new Array(len);
    for (let i = 0; i < len; i++) {
      items[i] = f.fields ? decodeFields(f.fields, reader, version, flexible) : decodeScalar(f.items!, reader, flexible, false, f.name);
    }
    return items;
  }
  return decodeScalar(f.type, reader, flexible, nullable, f.name);
}

function decodeScalar(type: ScalarType, reader: Reader, flexible: boolean, nullable: boolean, name: string): unknown {
  switch (type) {
    case 'int8': return reader.int8();
    case 'int16': return reader.int16();
    case 'uint16': return reader.uint16();
    case 'int32': return reader.int32();
    case 'uint32': return reader.uint32();
    case 'int64': return reader.int64();
    case 'float64': return reader.float64();
    case 'bool': return reader.bool();
    case 'uuid': return reader.uuid();
    case 'string': {
      const s = flexible ? reader.compactNullableString() : reader.nullableString();
      if (s === null && !nullable) throw new ProtocolDecodeError(`null for non-nullable string ${name}`);
      return s;
    }
    case 'bytes':
    case 'records': {
      const b = flexible ? reader.compactNullableBytes() : reader.nullableBytes();
      if (b === null && !nullable) throw new ProtocolDecodeError(`null for non-nullable bytes ${name}`);
      return b;
    }
  }
}

/**
 * Kafka's defaults for a field absent from a version: the declared default, else zero, empty
 * string, empty array, false, the zero UUID, an empty byte string, null records, or a null struct.
 */
export function defaultValue(f: FieldSpec): unknown {
  if (f.default !== undefined) return f.default;
  if (f.type === 'array') return [];
  if (f.type === 'struct') return null;
  return scalarDefault(f.type);
}

function scalarDefault(type: ScalarType): unknown {
  switch (type) {
    case 'int64': return 0n;
    case 'bool': return false;
    case 'string': return '';
    case 'uuid': return ZERO_UUID;
    // Kafka defaults bytes to empty (Bytes.EMPTY) but records to null.
    case 'bytes': return EMPTY_BYTES;
    case 'records': return null;
    default: return 0;
  }
}

function encodeFields(fields: readonly FieldSpec[], message: Message, writer: Writer, version: number, flexible: boolean): void {
  const tagged: FieldSpec[] = [];
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    if (isTagged(f, version)) {
      const value = message[f.name];
      if (value !== undefined && !isDefault(f, value)) tagged.push(f);
      continue;
    }
    const value = message[f.name];
    encodeField(f, value === undefined ? defaultValue(f) : value, writer, version, flexible);
  }
  if (flexible) {
    tagged.sort((a, b) => a.tag! - b.tag!);
    writer.uvarint(tagged.length);
    for (const f of tagged) {
      const body = new Writer();
      encodeField(f, message[f.name], body, version, true);
      writer.uvarint(f.tag!).uvarint(body.length);
      for (const chunk of body.toChunks()) writer.raw(chunk);
    }
  }
}

function isDefault(f: FieldSpec, value: unknown): boolean {
  const d = defaultValue(f);
  if (Array.isArray(value)) return value.length === 0 && Array.isArray(d);
  if (Buffer.isBuffer(value)) return Buffer.isBuffer(d) && value.equals(d);
  return value === d;
}

function encodeField(f: FieldSpec, value: unknown, writer: Writer, version: number, flexible: boolean): void {
  const nullable = inRange(f.nullableVersions, version);
  // A null non-nullable struct is written as its defaults; any other null would make a frame
  // that Kafka clients (and our own decoder) reject, so it is refused here.
  if (value === null && !nullable && f.type !== 'struct') {
    throw new TypeError(`field ${f.name} is not nullable in version ${version}`);
  }
  if (f.type === 'struct') {
    if (nullable) {
      writer.int8(value === null ? -1 : 1);
      if (value === null) return;
    }
    encodeFields(f.fields!, (value ?? {}) as Message, writer, version, flexible);
    return;
  }
  if (f.type === 'array') {
    const items = value as unknown[] | null;
    writer.arrayLength(items === null ? null : items.length, flexible);
    if (items === null) return;
    for (const item of items) {
      if (f.fields) encodeFields(f.fields, item as Message, writer, version, flexible);
      else encodeScalar(f.items!, item, writer, flexible);
    }
    return;
  }
  encodeScalar(f.type, value, writer, flexible);
}

function encodeScalar(type: ScalarType, value: unknown, writer: Writer, flexible: boolean): void {
  switch (type) {
    case 'int8': writer.int8(value as number); return;
    case 'int16': writer.int16(value as number); return;
    case 'uint16': writer.uint16(value as number); return;
    case 'int32': writer.int32(value as number); return;
    case 'uint32': writer.uint32(value as number); return;
    case 'int64': writer.int64(BigInt(value as bigint | number)); return;
    case 'float64': writer.float64(value as number); return;
    case 'bool': writer.bool(value as boolean); return;
    case 'uuid': writer.uuid(value as string); return;
    case 'string':
      if (flexible) writer.compactNullableString(value as string | null);
      else writer.nullableString(value as string | null);
      return;
    case 'bytes':
      if (flexible) writer.compactNullableBytes(value as Buffer | null);
      else writer.nullableBytes(value as Buffer | null);
      return;
    case 'records':
      // Records may be a list of batch buffers served straight from segments.
      if (Array.isArray(value)) writer.bytesList(value as Buffer[], flexible);
      else if (flexible) writer.compactNullableBytes(value as Buffer | null);
      else writer.nullableBytes(value as Buffer | null);
      return;
  }
}
