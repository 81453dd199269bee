import {
  Server,
  ServerCredentials,
  status,
  type handleUnaryCall,
  type StatusObject,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { invariant, RpcError } from './errors.js';
import { SILENT_RPC_LOGGER, type RpcLogger } from './logger.js';
import { RPC_DEFAULTS } from './policy.js';
import { methodPath, toGrpcDefinition, type AnyService, type MethodName, type RequestMessage, type ResponseProps } from './service.js';

/** What a handler knows about the call besides its request. */
export interface CallContext {
  /** The caller's address as grpc-js reports it, e.g. `ipv4:127.0.0.1:54321`. */
  peer: string;
  /** When the caller's deadline passes, in milliseconds since the epoch; Infinity if it set none. */
  deadlineAtMs: number;
  /**
   * Aborted when the answer can no longer be delivered or is no longer wanted: the caller
   * cancelled, its deadline passed, or the server is shutting down. A long-poll handler (a Raft
   * Fetch waiting for new entries) must stop waiting when it fires.
   */
  signal: AbortSignal;
}

/**
 * Answers one call. Resolves with the response's properties (a plain object or a message
 * instance). Rejects with an RpcError to answer with that status; any other error answers
 * INTERNAL and is logged. An error named `InvariantError` (a bug, STYLE §5.1) is answered
 * INTERNAL and then rethrown outside the call, so it still stops the process.
 */
export type UnaryHandler<Request, Response> = (request: Request, context: CallContext) => Promise<Response>;

/** One handler per method of service S, keyed by proto method name. */
export type ServiceHandlers<S extends AnyService> = {
  readonly [K in MethodName<S>]: UnaryHandler<RequestMessage<S, K>, ResponseProps<S, K>>;
};

/** Server policy; each defaults to RPC_DEFAULTS. */
export interface RpcServerOptions {
  logger?: RpcLogger;
  /** How often the server pings each client connection, so dead clients' calls are cancelled. */
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  messageBytesMax?: number;
  streamsPerConnectionMax?: number;
  /** How long shutdown waits for in-flight calls before cancelling them. */
  shutdownGraceMs?: number;
}

/** Where to listen. */
export interface ListenOptions {
  /** An IP address or host name; tests use 127.0.0.1. */
  host: string;
  /** A TCP port; 0 lets the OS pick one (listen returns it). */
  port: number;
}

/** After forceShutdown, how long to wait for grpc-js to report its sockets closed. */
const FORCE_CLOSE_WAIT_MS = 1_000;

/**
 * A gRPC server for one or more service descriptors: add every service, listen once, shut down
 * once. Handlers are plain async functions typed from the descriptor. Every call a handler is
 * running is tracked, so shutdown can abort their signals and is bounded by shutdownGraceMs plus
 * FORCE_CLOSE_WAIT_MS.
 */
export class RpcServer {
  private readonly server: Server;
  private readonly logger: RpcLogger;
  private readonly shutdownGraceMs: number;
  private readonly serviceNames = new Set<string>();
  /** One controller per call whose handler has not settled. */
  private readonly inFlight = new Set<AbortController>();
  private state: 'new' | 'listening' | 'stopping' | 'stopped' = 'new';
  private stopped: Promise<void> | null = null;

  constructor(options: RpcServerOptions = {}) {
    this.logger = options.logger ?? SILENT_RPC_LOGGER;
    this.shutdownGraceMs = options.shutdownGraceMs ?? RPC_DEFAULTS.shutdownGraceMs;
    const messageBytesMax = options.messageBytesMax ?? RPC_DEFAULTS.messageBytesMax;
    this.server = new Server({
      'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? RPC_DEFAULTS.keepaliveTimeMs,
      'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? RPC_DEFAULTS.keepaliveTimeoutMs,
      'grpc.max_send_message_length': messageBytesMax,
      'grpc.max_receive_message_length': messageBytesMax,
      'grpc.max_concurrent_streams': options.streamsPerConnectionMax ?? RPC_DEFAULTS.streamsPerConnectionMax,
    });
  }

  /** Registers a service's handlers. Only before listen; each service once. */
  addService<S extends AnyService>(service: S, handlers: ServiceHandlers<S>): void {
    invariant(this.state === 'new', `addService(${service.name}) after listen`);
    invariant(!this.serviceNames.has(service.name), `service ${service.name} added twice`);
    const implementation: UntypedServiceImplementation = {};
    for (const method of Object.keys(service.methods)) {
      const handler: unknown = (handlers as Record<string, unknown>)[method];
      invariant(typeof handler === 'function', `no handler for ${methodPath(service, method)}`);
      implementation[method] = this.wrapHandler(methodPath(service, method), handler as UnaryHandler<unknown, unknown>);
    }
    this.server.addService(toGrpcDefinition(service), implementation);
    this.serviceNames.add(service.name);
  }

  /** Binds host:port and starts serving. Resolves with the bound port (the OS's pick for port 0). */
  async listen(options: ListenOptions): Promise<number> {
    invariant(this.state === 'new', 'listen called twice or after shutdown');
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const address = `${host}:${options.port}`;
    const port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (err, boundPort) => {
        if (err) reject(new Error(`rpc server cannot listen on ${address}`, { cause: err }));
        else resolve(boundPort);
      });
    });
    this.state = 'listening';
    this.logger.info({ address: `${host}:${port}`, services: [...this.serviceNames] }, 'rpc server listening');
    return port;
  }

  /**
   * Stops accepting calls, aborts the signals of calls in flight, waits up to shutdownGraceMs for
   * their answers, then cancels whatever is left and closes every connection. Idempotent.
   */
  shutdown(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  private async stop(): Promise<void> {
    this.state = 'stopping';
    for (const controller of this.inFlight) controller.abort(new Error('rpc server shutting down'));
    const closed = new Promise<void>((resolve) => {
      this.server.tryShutdown((err) => {
        // Reported and ignored: the server is going away either way, and forceShutdown follows.
        if (err) this.logger.warn({ err }, 'rpc server shutdown reported an error');
        resolve();
      });
    });
    if (!(await settlesWithin(closed, this.shutdownGraceMs))) {
      this.logger.warn({ inFlightCalls: this.inFlight.size, shutdownGraceMs: this.shutdownGraceMs }, 'rpc server cancelling calls');
      this.server.forceShutdown();
      if (!(await settlesWithin(closed, FORCE_CLOSE_WAIT_MS))) {
        this.logger.warn({ waitMs: FORCE_CLOSE_WAIT_MS }, 'rpc server sockets not closed after force shutdown');
      }
    }
    this.state = 'stopped';
  }

  /** Adapts a promise-returning handler to grpc-js's callback API, tracking it for shutdown. */
  private wrapHandler(path: string, handler: UnaryHandler<unknown, unknown>): handleUnaryCall<unknown, unknown> {
    return (call: ServerUnaryCall<unknown, unknown>, callback) => {
      const controller = new AbortController();
      const onCancelled = (): void => controller.abort(new Error('call cancelled by the caller or its deadline'));
      call.once('cancelled', onCancelled);
      this.inFlight.add(controller);
      if (this.state === 'stopping') controller.abort(new Error('rpc server shutting down'));
      const context: CallContext = { peer: call.getPeer(), deadlineAtMs: deadlineAtMs(call.getDeadline()), signal: controller.signal };
      invokeHandler(handler, call.request, context)
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(this.statusFor(err, path, context.peer)),
        )
        .finally(() => {
          this.inFlight.delete(controller);
          call.off('cancelled', onCancelled);
        });
    };
  }

  /** The status a failed handler answers with (see UnaryHandler). */
  private statusFor(err: unknown, path: string, peer: string): Partial<StatusObject> {
    if (err instanceof RpcError) return { code: err.code, details: err.details };
    this.logger.error({ err, method: path, peer }, 'rpc handler failed');
    if (err instanceof Error && err.name === 'InvariantError') {
      // A bug: answer the caller, then let it escape as an uncaught exception (STYLE §5.1).
      process.nextTick(() => {
        throw err;
      });
    }
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { code: status.INTERNAL, details: message };
  }
}

/** Runs a handler so that a synchronous throw becomes a rejection. */
async function invokeHandler(handler: UnaryHandler<unknown, unknown>, request: unknown, context: CallContext): Promise<unknown> {
  return handler(request, context);
}

/** grpc-js gives a Date or a number (Infinity when the caller set no deadline). */
function deadlineAtMs(deadline: Date | number): number {
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

/** Whether `promise` settles within `ms`; never keeps the process alive longer than that. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
