import {
  ApiVersions, decodeRequest, encodeResponse, ErrorCode, peekRequestHeader, ProtocolDecodeError,
  type ApiSpec, type Message, type RequestHeader,
} from '@sluice/protocol';
import type { Logger } from '../logger.js';

/** What a handler learns about its request besides the body. */
export interface RequestContext {
  header: RequestHeader;
  apiVersion: number;
  /** The client's address as this broker sees it ('' when unknown), for group member descriptions. */
  clientHost: string;
}

/** Serves one API: decodes nothing itself, receives the typed body, returns the response body or null (no response, e.g. acks=0). */
export interface ApiHandler {
  readonly api: ApiSpec;
  handle(body: Message, ctx: RequestContext): Promise<Message | null>;
}

/** Ties a typed handler function to its API table; the one place request/response types meet the untyped codec. */
export function defineHandler<Req, Res>(api: ApiSpec, fn: (body: Req, ctx: RequestContext) => Promise<Res | null> | Res | null): ApiHandler {
  return {
    api,
    handle: async (body, ctx) => (await fn(body as Req, ctx)) as Message | null,
  };
}

/** The result of one frame: bytes to send, nothing to send, or a reason to close the connection. */
export type Outcome =
  | { kind: 'respond'; chunks: Buffer[] }
  | { kind: 'none' }
  | { kind: 'close'; reason: string };

/** The versions of one API the broker serves, as ApiVersions reports them. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/**
 * Dispatches request frames to handlers by API key. Unknown keys and unserved versions close the
 * connection, except ApiVersions, which answers UNSUPPORTED_VERSION in the v0 format so that
 * clients can retry with a version we serve (KIP-511).
 */
export class RequestRouter {
  private readonly handlers = new Map<number, ApiHandler>();

  constructor(private readonly logger: Logger) {}

  register(handler: ApiHandler): void {
    this.handlers.set(handler.api.apiKey, handler);
  }

  /** Every served API and version range, in key order. */
  supportedApis(): ApiVersionRange[] {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.api.apiKey, minVersion: h.api.minVersion, maxVersion: h.api.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  async handle(frame: Buffer, clientHost = ''): Promise<Outcome> {
    let peeked;
    try {
      peeked = peekRequestHeader(frame);
    } catch (err) {
      return { kind: 'close', reason: (err as Error).message };
    }
    const handler = this.handlers.get(peeked.apiKey);
    if (!handler) return { kind: 'close', reason: `unknown api key ${peeked.apiKey}` };
    const { api } = handler;
    if (peeked.apiVersion < api.minVersion || peeked.apiVersion > api.maxVersion) {
      if (api.apiKey === ApiVersions.apiKey) return this.unsupportedApiVersions(peeked.correlationId);
      return { kind: 'close', reason: `${api.name} v${peeked.apiVersion} not served (${api.minVersion}-${api.maxVersion})` };
    }
    return this.dispatch(handler, frame, clientHost);
  }

  private async dispatch(handler: ApiHandler, frame: Buffer, clientHost: string): Promise<Outcome> {
    let decoded;
    try {
      decoded = decodeRequest(handler.api, frame);
    } catch (err) {
      if (err instanceof ProtocolDecodeError) return { kind: 'close', reason: `${handler.api.name}: ${err.message}` };
      throw err;
    }
    const { header, body } = decoded;
    try {
      const response = await handler.handle(body, { header, apiVersion: header.apiVersion, clientHost });
      if (response === null) return { kind: 'none' };
      return { kind: 'respond', chunks: encodeResponse(handler.api, header.apiVersion, header.correlationId, response) };
    } catch (err) {
      // A handler (or its response encoding) failing on a request it accepted is a broker bug; this
      // connection is closed so the client reconnects and retries, while the broker keeps serving everyone else.
      this.logger.error({ err, api: handler.api.name, version: header.apiVersion }, 'request handler failed');
      return { kind: 'close', reason: `${handler.api.name} handler failed` };
    }
  }

  private unsupportedApiVersions(correlationId: number): Outcome {
    const body = { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.supportedApis(), throttleTimeMs: 0 };
    return { kind: 'respond', chunks: encodeResponse(ApiVersions, 0, correlationId, body) };
  }
}
