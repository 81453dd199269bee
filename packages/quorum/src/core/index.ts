/** The pure quorum core: everything a driver needs, and nothing that does IO. */
export { Raft } from './raft.js';
export { defaultRaftConfig, silentLogger, validateRaftConfig } from './config.js';
export type { Logger, RaftConfig, RaftDeps, RandomSource } from './config.js';
export { InvariantError, invariant } from './errors.js';
export { isLeaderChangeEntry, ENTRY_OVERHEAD_BYTES } from './log.js';
export type { ProposeResult } from './leader.js';
export { mustSync } from './ready.js';
export type { HardState, PersistedState, Ready, Snapshot } from './ready.js';
export type { Role } from './state.js';
export type { QuorumStatus, ReplicaStatus } from './status.js';
export * from './messages.js';
