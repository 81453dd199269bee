/**
 * The logging the rpc layer needs: pino's `(fields, message)` call shape, so a pino logger (or a
 * child with `nodeId` bound) can be passed as is.
 */
export interface RpcLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Discards everything: the default when the caller passes no logger. */
export const SILENT_RPC_LOGGER: RpcLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
