import { decodeMessage, encodeMessage, type Message } from './codec.js';
import { frameChunks } from './framing.js';
import {
  decodeRequestHeader, decodeResponseHeader, encodeRequestHeader, encodeResponseHeader, type RequestHeader,
} from './headers.js';
import { ProtocolDecodeError } from './primitives/errors.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';
import type { ApiSpec } from './schema.js';

const API_VERSIONS_KEY = 18;

/** True when `version` of `api` uses compact types and tagged fields (KIP-482). */
export function isFlexible(api: ApiSpec, version: number): boolean {
  return version >= api.flexibleMin;
}

/** True when `version` lies in the range the table describes and we serve. */
export function isServedVersion(api: ApiSpec, version: number): boolean {
  return version >= api.minVersion && version <= api.maxVersion;
}

/** Request header version for an API version: v2 when flexible, else v1. */
export function requestHeaderVersion(api: ApiSpec, version: number): 1 | 2 {
  return isFlexible(api, version) ? 2 : 1;
}

/** Response header version: v1 when flexible, except ApiVersions, which always answers with v0 (KIP-511). */
export function responseHeaderVersion(api: ApiSpec, version: number): 0 | 1 {
  return isFlexible(api, version) && api.apiKey !== API_VERSIONS_KEY ? 1 : 0;
}

/** What the broker learns from the first bytes of a frame, before it knows whether it can decode the body. */
export interface PeekedHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

/** Reads api key, version and correlation id without decoding the rest; throws ProtocolDecodeError on a short frame. */
export function peekRequestHeader(frame: Buffer): PeekedHeader {
  if (frame.length < 8) throw new ProtocolDecodeError(`frame of ${frame.length} bytes is shorter than a request header`);
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

/** A decoded request: its header and its body as a plain object keyed by camelCase field names. */
export interface DecodedRequest {
  header: RequestHeader;
  body: Message;
}

/**
 * Decodes a whole request frame (without size prefix) for a known API and served version.
 * Every failure, including a frame for another API or an unserved version, is a ProtocolDecodeError.
 */
export function decodeRequest(api: ApiSpec, frame: Buffer): DecodedRequest {
  const { apiKey, apiVersion: version } = peekRequestHeader(frame);
  if (apiKey !== api.apiKey) throw new ProtocolDecodeError(`frame has api key ${apiKey}, expected ${api.apiKey} (${api.name})`);
  if (!isServedVersion(api, version)) {
    throw new ProtocolDecodeError(`${api.name} v${version} is not served (${api.minVersion}-${api.maxVersion})`);
  }
  const reader = new Reader(frame);
  const header = decodeRequestHeader(reader, requestHeaderVersion(api, version));
  const body = decodeMessage(api.request, reader, version, isFlexible(api, version));
  return { header, body };
}

/** Encodes a request with its size prefix, for clients and tests. `body` may be a typed request interface. */
export function encodeRequest(api: ApiSpec, header: Omit<RequestHeader, 'apiKey'>, body: Message | object): Buffer[] {
  const writer = new Writer();
  encodeRequestHeader(writer, { ...header, apiKey: api.apiKey }, requestHeaderVersion(api, header.apiVersion));
  encodeMessage(api.request, body, writer, header.apiVersion, isFlexible(api, header.apiVersion));
  return frameChunks(writer.toChunks());
}

/** Encodes a response with its size prefix, as chunks for socket writev (records are not copied). `body` may be a typed response interface. */
export function encodeResponse(api: ApiSpec, version: number, correlationId: number, body: Message | object): Buffer[] {
  const writer = new Writer();
  encodeResponseHeader(writer, correlationId, responseHeaderVersion(api, version));
  encodeMessage(api.response, body, writer, version, isFlexible(api, version));
  return frameChunks(writer.toChunks());
}

/** Decodes a response frame (without size prefix), for clients and tests. */
export function decodeResponse(api: ApiSpec, version: number, frame: Buffer): { correlationId: number; body: Message } {
  const reader = new Reader(frame);
  const correlationId = decodeResponseHeader(reader, responseHeaderVersion(api, version));
  const body = decodeMessage(api.response, reader, version, isFlexible(api, version));
  return { correlationId, body };
}
