import {
  Client,
  connectivityState,
  credentials,
  Metadata,
  status,
  type ChannelOptions,
  type ClientUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { invariant, RpcError, type RpcErrorOrigin } from './errors.js';
import { SILENT_RPC_LOGGER, type RpcLogger } from './logger.js';
import { RPC_DEFAULTS } from './policy.js';
import {
  methodPath,
  toGrpcDefinition,
  type AnyService,
  type MethodName,
  type RequestProps,
  type ResponseMessage,
} from './service.js';

/** Per-call options. The deadline is required: no call may wait for ever. */
export interface CallOptions {
  /** Milliseconds from now until the call fails with DEADLINE_EXCEEDED; 0 < deadlineMs <= deadlineMsMax. */
  deadlineMs: number;
  /** Cancels the call (it rejects with CANCELLED) when aborted. */
  signal?: AbortSignal;
}

/** How to reach one peer; each policy value defaults to RPC_DEFAULTS. */
export interface PeerChannelOptions {
  /** The peer's `host:port`, e.g. `127.0.0.1:9093`. */
  address: string;
  logger?: RpcLogger;
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  reconnectBackoffMsInitial?: number;
  reconnectBackoffMsMax?: number;
  messageBytesMax?: number;
  inFlightCallsMax?: number;
  deadlineMsMax?: number;
}

/** Service definitions built once per descriptor. */
const definitions = new WeakMap<AnyService, ServiceDefinition>();

function definitionOf(service: AnyService): ServiceDefinition {
  let definition = definitions.get(service);
  if (definition === undefined) {
    definition = toGrpcDefinition(service);
    definitions.set(service, definition);
  }
  return definition;
}

/**
 * The connection to one peer: one grpc-js Client (and channel with its own subchannel pool, so
 * closing it closes its connection) for any number of services on that address.
 *
 * Failure detection: keepalive pings even without calls, so a blackholed peer is dropped after
 * about keepaliveTimeMs + keepaliveTimeoutMs; reconnects back off exponentially from
 * reconnectBackoffMsInitial to reconnectBackoffMsMax. Calls never wait for a connection
 * (grpc-js's waitForReady is off): while the peer is unreachable they fail at once with
 * UNAVAILABLE, and the caller decides when to retry. grpc-js's own retries are disabled for the
 * same reason. Invariant: inFlight.size <= inFlightCallsMax.
 */
export class PeerChannel {
  /** The peer's `host:port`. */
  readonly address: string;
  private readonly client: Client;
  private readonly logger: RpcLogger;
  private readonly inFlightCallsMax: number;
  private readonly deadlineMsMax: number;
  private readonly inFlight = new Set<ClientUnaryCall>();
  private closed = false;

  constructor(options: PeerChannelOptions) {
    this.address = options.address;
    this.logger = options.logger ?? SILENT_RPC_LOGGER;
    this.inFlightCallsMax = options.inFlightCallsMax ?? RPC_DEFAULTS.inFlightCallsMax;
    this.deadlineMsMax = options.deadlineMsMax ?? RPC_DEFAULTS.deadlineMsMax;
    this.client = new Client(options.address, credentials.createInsecure(), channelOptionsFor(options));
  }

  /** Calls one method of `service` on this peer. Rejects with RpcError on any failure. */
  call<S extends AnyService, K extends MethodName<S>>(
    service: S,
    method: K,
    request: RequestProps<S, K>,
    options: CallOptions,
  ): Promise<ResponseMessage<S, K>> {
    const origin: RpcErrorOrigin = { peer: this.address, method: methodPath(service, method) };
    invariant(
      Number.isFinite(options.deadlineMs) && options.deadlineMs > 0 && options.deadlineMs <= this.deadlineMsMax,
      `${origin.method}: deadlineMs must be in (0, ${this.deadlineMsMax}], got ${options.deadlineMs}`,
    );
    const definition = definitionOf(service)[method];
    invariant(definition !== undefined, `${origin.method}: not a method of ${service.name}`);
    const refused = this.refusal(origin, options.signal);
    if (refused) return Promise.reject(refused);
    return new Promise((resolve, reject) => {
      // grpc-js may in principle call back before makeUnaryRequest returns, so the call object
      // is reached through this record rather than a variable the callback could see unset.
      const pending: { call: ClientUnaryCall | null; settled: boolean } = { call: null, settled: false };
      const onAbort = (): void => pending.call?.cancel();
      const settle = (err: RpcError | null, response?: unknown): void => {
        pending.settled = true;
        if (pending.call) this.inFlight.delete(pending.call);
        options.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(response as ResponseMessage<S, K>);
      };
      pending.call = this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        new Metadata(),
        { deadline: Date.now() + options.deadlineMs },
        (err, response) => {
          if (err) settle(new RpcError(err.code, err.details, origin, { cause: err }));
          else if (response === undefined) settle(new RpcError(status.INTERNAL, 'no response message', origin));
          else settle(null, response);
        },
      );
      if (!pending.settled) {
        this.inFlight.add(pending.call);
        options.signal?.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  /**
   * The channel's connectivity: IDLE, CONNECTING, READY, TRANSIENT_FAILURE or SHUTDOWN. With
   * `connect`, an idle channel starts connecting (useful to warm a connection up before the
   * first call).
   */
  connectivity(connect = false): string {
    return connectivityState[this.client.getChannel().getConnectivityState(connect)];
  }

  /** Number of calls in flight. */
  get inFlightCalls(): number {
    return this.inFlight.size;
  }

  /** Cancels every call in flight (they reject with CANCELLED) and closes the connection. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight.size > 0) this.logger.info({ peer: this.address, inFlightCalls: this.inFlight.size }, 'rpc channel closing with calls in flight');
    for (const call of [...this.inFlight]) call.cancel();
    this.client.close();
  }

  /** Why a call must not start, or null if it may. */
  private refusal(origin: RpcErrorOrigin, signal: AbortSignal | undefined): RpcError | null {
    if (this.closed) return new RpcError(status.CANCELLED, 'channel closed', origin);
    if (signal?.aborted) return new RpcError(status.CANCELLED, 'aborted before the call started', origin);
    if (this.inFlight.size >= this.inFlightCallsMax) {
      return new RpcError(status.RESOURCE_EXHAUSTED, `${this.inFlight.size} calls in flight (inFlightCallsMax)`, origin);
    }
    return null;
  }
}

/** The grpc-js channel options for a peer (README "Policy"). */
function channelOptionsFor(options: PeerChannelOptions): ChannelOptions {
  const messageBytesMax = options.messageBytesMax ?? RPC_DEFAULTS.messageBytesMax;
  return {
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? RPC_DEFAULTS.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? RPC_DEFAULTS.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': options.reconnectBackoffMsInitial ?? RPC_DEFAULTS.reconnectBackoffMsInitial,
    'grpc.max_reconnect_backoff_ms': options.reconnectBackoffMsMax ?? RPC_DEFAULTS.reconnectBackoffMsMax,
    'grpc.max_send_message_length': messageBytesMax,
    'grpc.max_receive_message_length': messageBytesMax,
    'grpc.enable_retries': 0,
    'grpc.use_local_subchannel_pool': 1,
  };
}

/**
 * A typed view of one service on one peer: `raft.call('Vote', request, { deadlineMs: 500 })`.
 * Cheap to create; the PeerChannel owns the connection and is what gets closed.
 */
export class RpcClient<S extends AnyService> {
  constructor(
    readonly peer: PeerChannel,
    readonly service: S,
  ) {}

  /** Calls `method` with `request`; resolves with the decoded response or rejects with RpcError. */
  call<K extends MethodName<S>>(method: K, request: RequestProps<S, K>, options: CallOptions): Promise<ResponseMessage<S, K>> {
    return this.peer.call(this.service, method, request, options);
  }
}
