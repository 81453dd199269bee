/**
 * The leader's side of AlterPartition (KIP-497): the proposal it sends to the controller, the
 * answers it can get, and what each error means for the proposal in flight.
 */
import { ReplicaErrorCode } from './errors.js';

/**
 * An ISR change the leader asks the controller to commit. The driver sends it as one partition
 * of an AlterPartition request, adding its broker epoch (the controller's AlterPartitionRequest
 * has the same fields), and reports the answer through `onAlterPartitionResult`.
 */
export interface AlterPartitionProposal {
  /** Identifies this send; the answer must carry it. A re-send gets a new id. */
  readonly proposalId: number;
  /** 'shrink' removes out-of-sync followers; 'expand' adds one caught-up follower. */
  readonly kind: 'shrink' | 'expand';
  /** The sender, which is the partition leader. */
  readonly brokerId: number;
  readonly topicId: string;
  readonly partitionId: number;
  /** The leader and partition epochs the proposal is based on; the controller checks both. */
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  /** The whole proposed ISR, leader included. */
  readonly newIsr: readonly number[];
}

/** A committed partition state: from the metadata log, or from a successful AlterPartition answer. */
export interface PartitionChange {
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** The controller's answer to one proposal. */
export type AlterPartitionResponse =
  | { readonly kind: 'committed'; readonly proposalId: number; readonly partition: PartitionChange }
  | { readonly kind: 'failed'; readonly proposalId: number; readonly errorCode: number };

/**
 * What the leader does with a failed proposal:
 * - 'reset': the controller says it did not apply it; forget it, back to the committed ISR, and
 *   wait one retry backoff before proposing anything (Kafka resets on INELIGIBLE_REPLICA and
 *   OPERATION_NOT_ATTEMPTED; INVALID_REQUEST is ours, since re-sending it cannot help);
 * - 'await-metadata': the controller holds a newer partition state than the leader; keep the
 *   proposal pending (no new one) until the metadata log delivers the change, which replaces it;
 * - 'retry': the answer says nothing about the partition (no controller, timeout, stale broker
 *   epoch, network): send the same change again after the backoff.
 */
export type AlterPartitionErrorHandling = 'reset' | 'await-metadata' | 'retry';

/** Classifies an AlterPartition error code, as Kafka's Partition.handleAlterPartitionError does. */
export function alterPartitionErrorHandling(errorCode: number): AlterPartitionErrorHandling {
  switch (errorCode) {
    case ReplicaErrorCode.INELIGIBLE_REPLICA:
    case ReplicaErrorCode.OPERATION_NOT_ATTEMPTED:
    case ReplicaErrorCode.INVALID_REQUEST:
      return 'reset';
    case ReplicaErrorCode.INVALID_UPDATE_VERSION:
    case ReplicaErrorCode.FENCED_LEADER_EPOCH:
    case ReplicaErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ReplicaErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ReplicaErrorCode.UNKNOWN_TOPIC_ID:
      return 'await-metadata';
    default:
      return 'retry';
  }
}
