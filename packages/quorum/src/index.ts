/**
 * @sluice/quorum: the metadata quorum. The core (`core/`) is a pure KRaft-style Raft state
 * machine; drivers (timers, gRPC, disk) live beside it and feed it through one queue.
 */
export * from './core/index.js';
export * from './driver/index.js';
