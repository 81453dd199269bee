import { status } from '@grpc/grpc-js';

/**
 * gRPC status codes (grpc-js's `status` enum), re-exported so that callers compare codes without
 * importing grpc-js: `err.code === RpcStatus.DEADLINE_EXCEEDED`.
 */
export const RpcStatus = status;
/** A gRPC status code. */
export type RpcStatus = status;

/** A broken internal invariant or a misused API: a bug. Nobody catches it. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Throws `InvariantError` unless `condition` holds. */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Where an RpcError came from: the peer's address and the full method path. */
export interface RpcErrorOrigin {
  /** The peer's `host:port` as the client dialled it, or the caller's address on the server. */
  peer: string;
  /** The full gRPC method path, e.g. `/sluice.raft.RaftService/Vote`. */
  method: string;
}

/**
 * A failed RPC (an environment failure, STYLE §5.3): the call did not produce a response. On the
 * client every failure of `RpcClient.call` rejects with this type: deadline passed
 * (DEADLINE_EXCEEDED), peer unreachable (UNAVAILABLE), cancelled (CANCELLED), too many calls in
 * flight (RESOURCE_EXHAUSTED), or a status the server's handler chose. On the server a handler may
 * throw one to answer with that status; any other thrown error becomes INTERNAL.
 */
export class RpcError extends Error {
  override name = 'RpcError';
  /** The gRPC status code. */
  readonly code: RpcStatus;
  /** The status details (the server's or grpc-js's message). */
  readonly details: string;
  /** The peer's address (see RpcErrorOrigin.peer). */
  readonly peer: string;
  /** The full method path. */
  readonly method: string;

  constructor(code: RpcStatus, details: string, origin: RpcErrorOrigin, options?: { cause?: unknown }) {
    super(`${origin.method} to ${origin.peer} failed: ${statusName(code)}: ${details}`, options);
    this.code = code;
    this.details = details;
    this.peer = origin.peer;
    this.method = origin.method;
  }

  /** The code's name, e.g. `DEADLINE_EXCEEDED`. */
  get codeName(): string {
    return statusName(this.code);
  }
}

/** The name of a gRPC status code, or `STATUS_<n>` for a code outside the enum. */
export function statusName(code: number): string {
  return RpcStatus[code] ?? `STATUS_${code}`;
}
