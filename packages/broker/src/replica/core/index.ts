/**
 * The pure partition-replication core: leader-side ISR and high watermark, acks=all waiters,
 * the leader epoch cache and the follower's divergence decision. See ../README.md.
 */
export { ReplicaErrorCode, InvariantError, invariant } from './errors.js';
export {
  type AlterPartitionErrorHandling, type AlterPartitionProposal, type AlterPartitionResponse, type PartitionChange,
  alterPartitionErrorHandling,
} from './alter-partition.js';
export {
  ALTER_PARTITION_RETRY_BACKOFF_MS_DEFAULT, LeaderReplicaState,
  type FollowerFetch, type FollowerFetchOutcome, type LeaderReplicaOptions, type LeaderReplicaStatus, type ReplicaStatus, type ReplicaUpdate,
} from './leader-replica-state.js';
export { type ReplicaProgress, isCaughtUp, progressAfterFetch } from './replica-progress.js';
export { AckWaiters, type AckAddResult, type AckCompletion, type AckWaiter, type AckWaitersOptions } from './ack-waiters.js';
export {
  LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_END_OFFSET, UNDEFINED_EPOCH_OFFSET, divergingEpochFor,
  type EpochEndOffset, type EpochEndOffsetLookup, type EpochEntry, type FollowerLogPosition,
} from './leader-epoch-cache.js';
export { followerHighWatermark, truncationFor, type FollowerLogState, type TruncationDecision } from './follower.js';
