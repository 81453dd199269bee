import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';

/** Request header v0–v2. v1 adds the client id (always a classic nullable string), v2 adds tagged fields. */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads a request header (v1 or v2); the client id is a classic nullable string even in v2. */
export function decodeRequestHeader(reader: Reader, headerVersion: 1 | 2): RequestHeader {
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientId = reader.nullableString();
  if (headerVersion === 2) skipTaggedFields(reader);
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Writes a request header (v1 or v2, with an empty tagged-field section in v2). */
export function encodeRequestHeader(writer: Writer, header: RequestHeader, headerVersion: 1 | 2): void {
  writer.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).nullableString(header.clientId);
  if (headerVersion === 2) writer.uvarint(0);
}

/** Response header v0 (correlation id) or v1 (plus tagged fields). */
export function encodeResponseHeader(writer: Writer, correlationId: number, headerVersion: 0 | 1): void {
  writer.int32(correlationId);
  if (headerVersion === 1) writer.uvarint(0);
}

/** Reads a response header (v0 or v1) and returns its correlation id. */
export function decodeResponseHeader(reader: Reader, headerVersion: 0 | 1): number {
  const correlationId = reader.int32();
  if (headerVersion === 1) skipTaggedFields(reader);
  return correlationId;
}

/** Skips a tagged-field section whose fields the reader does not need. */
export function skipTaggedFields(reader: Reader): void {
  const count = reader.uvarint();
  for (let i = 0; i < count; i++) {
    reader.uvarint();
    reader.raw(reader.uvarint());
  }
}
