/**
 * AlterPartition planning: a partition leader asks to change its ISR (KIP-497; epochs per
 * KIP-704 and KIP-903). Checks run in this order, the first failure answering:
 *  1. STALE_BROKER_EPOCH: the sender is not registered with `brokerEpoch`.
 *  2. UNKNOWN_TOPIC_ID / UNKNOWN_TOPIC_OR_PARTITION: no such topic / partition.
 *  3. NOT_CONTROLLER: the request's leader or partition epoch is newer than this image, so this
 *     controller is behind (likely no longer active); the leader retries with the new controller.
 *  4. NOT_LEADER_OR_FOLLOWER: the sender does not lead the partition.
 *  5. FENCED_LEADER_EPOCH: the leader epoch differs (older: a newer leader exists).
 *  6. INVALID_UPDATE_VERSION: the partition epoch differs (a change happened since the sender saw it).
 *  7. INELIGIBLE_REPLICA: a proposed member is unregistered, fenced or shutting down.
 *  8. INVALID_REQUEST: the proposed ISR is empty, repeats a broker, names a non-replica, or drops
 *     the leader.
 * Success proposes an ISR-only PartitionChangeRecord (partitionEpoch + 1, leaderEpoch unchanged),
 * or nothing when the ISR is already the proposed one, and returns the resulting state.
 */
import { ErrorCode } from '../error-codes.js';
import type { MetadataImage } from '../image.js';
import type { PartitionRegistration } from '../image-types.js';
import type { PartitionChangeRecord } from '../records.js';
import { changeRecord, isEligibleReplica } from './leader-election.js';

/** One partition of an AlterPartition request. */
export interface AlterPartitionRequest {
  /** The sender, which must be the leader. */
  readonly brokerId: number;
  readonly brokerEpoch: bigint;
  readonly topicId: string;
  readonly partitionId: number;
  /** The leader and partition epochs the sender's proposal is based on. */
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly newIsr: readonly number[];
}

/** The outcome: an error, or the records to propose and the partition state they produce. */
export type AlterPartitionResult =
  | { readonly ok: false; readonly errorCode: number; readonly errorMessage: string }
  | { readonly ok: true; readonly errorCode: number; readonly records: PartitionChangeRecord[]; readonly partition: PartitionRegistration };

/**
 * Plans one ISR change. `shuttingDown` lists brokers in controlled shutdown, which may not join
 * an ISR (BrokerSessions.shuttingDown gives it).
 */
export function alterPartition(
  image: MetadataImage,
  request: AlterPartitionRequest,
  shuttingDown: ReadonlySet<number> = new Set(),
): AlterPartitionResult {
  const { brokerId, topicId, partitionId } = request;
  if (image.broker(brokerId)?.brokerEpoch !== request.brokerEpoch) {
    return fail(ErrorCode.STALE_BROKER_EPOCH, `Broker ${brokerId} is not registered with epoch ${request.brokerEpoch}.`);
  }
  if (image.topicById(topicId) === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_ID, `Unknown topic id ${topicId}.`);
  const partition = image.partition(topicId, partitionId);
  if (partition === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown partition ${topicId}-${partitionId}.`);
  const epochFailure = epochCheck(partition, request);
  if (epochFailure !== null) return epochFailure;
  const isrFailure = isrCheck(image, partition, request.newIsr, shuttingDown);
  if (isrFailure !== null) return isrFailure;
  const record = changeRecord({ topicId, partitionId }, partition, { leader: partition.leader, isr: request.newIsr });
  if (record === null) return { ok: true, errorCode: ErrorCode.NONE, records: [], partition };
  const next = image.apply(record).partition(topicId, partitionId)!;
  return { ok: true, errorCode: ErrorCode.NONE, records: [record], partition: next };
}

/** Checks 3 to 6 of the file comment. */
function epochCheck(partition: PartitionRegistration, request: AlterPartitionRequest): AlterPartitionResult | null {
  const where = `${request.topicId}-${request.partitionId}`;
  if (request.leaderEpoch > partition.leaderEpoch || request.partitionEpoch > partition.partitionEpoch) {
    return fail(ErrorCode.NOT_CONTROLLER, `The request's epochs for ${where} are newer than this controller's metadata.`);
  }
  if (partition.leader !== request.brokerId) {
    return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Broker ${request.brokerId} is not the leader of ${where} (leader ${partition.leader}).`);
  }
  if (request.leaderEpoch !== partition.leaderEpoch) {
    return fail(ErrorCode.FENCED_LEADER_EPOCH, `Leader epoch ${request.leaderEpoch} of ${where} is not the current ${partition.leaderEpoch}.`);
  }
  if (request.partitionEpoch !== partition.partitionEpoch) {
    return fail(ErrorCode.INVALID_UPDATE_VERSION, `Partition epoch ${request.partitionEpoch} of ${where} is not the current ${partition.partitionEpoch}.`);
  }
  return null;
}

/** Checks 7 and 8 of the file comment. */
function isrCheck(
  image: MetadataImage,
  partition: PartitionRegistration,
  newIsr: readonly number[],
  shuttingDown: ReadonlySet<number>,
): AlterPartitionResult | null {
  const ineligible = newIsr.filter((b) => !isEligibleReplica(image, b, shuttingDown));
  if (ineligible.length > 0) {
    return fail(ErrorCode.INELIGIBLE_REPLICA, `Proposed ISR members ${ineligible} are unregistered, fenced or shutting down.`);
  }
  if (newIsr.length === 0) return fail(ErrorCode.INVALID_REQUEST, 'The proposed ISR is empty.');
  if (new Set(newIsr).size !== newIsr.length) return fail(ErrorCode.INVALID_REQUEST, `The proposed ISR ${newIsr} repeats a broker.`);
  const strangers = newIsr.filter((b) => !partition.replicas.includes(b));
  if (strangers.length > 0) return fail(ErrorCode.INVALID_REQUEST, `Proposed ISR members ${strangers} are not replicas.`);
  if (!newIsr.includes(partition.leader)) return fail(ErrorCode.INVALID_REQUEST, 'The proposed ISR does not contain the leader.');
  return null;
}

function fail(errorCode: number, errorMessage: string): AlterPartitionResult {
  return { ok: false, errorCode, errorMessage };
}
