/**
 * The numbers behind the rpc layer's failure detection and bounds, in one place (README "Policy").
 * Every value can be overridden per PeerChannel or RpcServer; these are the defaults.
 */
export const RPC_DEFAULTS = {
  /**
   * An idle or busy connection is pinged this often, with or without calls in flight
   * (grpc.keepalive_time_ms, grpc.keepalive_permit_without_calls = 1), so a blackholed peer,
   * which never answers and never resets, is noticed without waiting for TCP's own timeouts.
   */
  keepaliveTimeMs: 5_000,
  /** A ping unanswered for this long closes the connection (grpc.keepalive_timeout_ms). */
  keepaliveTimeoutMs: 5_000,
  /**
   * Reconnect backoff after a failed connection attempt: starts here and grows (x1.6, ±20% jitter,
   * grpc-js's schedule) up to reconnectBackoffMsMax (grpc.initial_reconnect_backoff_ms).
   */
  reconnectBackoffMsInitial: 100,
  /**
   * The backoff's cap (grpc.max_reconnect_backoff_ms): a peer that comes back is reached again
   * within about this long, well inside an election timeout's worth of retries.
   */
  reconnectBackoffMsMax: 2_000,
  /** Largest message either side sends or accepts (grpc.max_send/receive_message_length). */
  messageBytesMax: 16 * 1024 * 1024,
  /** Calls one PeerChannel may have in flight; one more is refused with RESOURCE_EXHAUSTED. */
  inFlightCallsMax: 1_024,
  /** Largest deadline a call may ask for: a larger one is a bug (a call that can hang for ever). */
  deadlineMsMax: 10 * 60 * 1_000,
  /** Concurrent calls the server accepts on one connection (grpc.max_concurrent_streams). */
  streamsPerConnectionMax: 256,
  /** How long RpcServer.shutdown lets in-flight calls finish before cancelling them. */
  shutdownGraceMs: 2_000,
} as const;
