/**
 * @sluice/rpc: the inter-node gRPC layer. Typed protobuf code generated from proto/*.proto
 * (`sluice`), one descriptor per service (src/services/), and a small grpc-js server and client
 * with deadlines, keepalive and reconnect backoff. Start with service.ts, then client.ts.
 */
export { sluice } from '#generated/protos.js';
export type { default as Long } from 'long';
export { fromBigInt, toBigInt } from './int64.js';
export { InvariantError, RpcError, RpcStatus, statusName, type RpcErrorOrigin } from './errors.js';
export { SILENT_RPC_LOGGER, type RpcLogger } from './logger.js';
export { RPC_DEFAULTS } from './policy.js';
export {
  defineService,
  methodPath,
  unary,
  type AnyService,
  type AnyUnaryMethod,
  type MessageCodec,
  type MethodName,
  type RequestMessage,
  type RequestProps,
  type ResponseMessage,
  type ResponseProps,
  type ServiceDescriptor,
  type UnaryMethod,
} from './service.js';
export { RpcServer, type CallContext, type ListenOptions, type RpcServerOptions, type ServiceHandlers, type UnaryHandler } from './server.js';
export { PeerChannel, RpcClient, type CallOptions, type PeerChannelOptions } from './client.js';
export { RAFT_SERVICE, type RaftService } from './services/raft-service.js';
export { CONTROLLER_SERVICE, type ControllerService } from './services/controller-service.js';
export { REPLICATION_SERVICE, type ReplicationService } from './services/replication-service.js';
export { ALL_SERVICES } from './services/all-services.js';
