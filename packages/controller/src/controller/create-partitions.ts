/**
 * CreatePartitions planning: grows a topic to `count` partitions with the replication factor of
 * its partition 0, placed automatically or from manual assignments.
 *
 * Codes per topic: INVALID_REQUEST (topic named twice), UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_PARTITIONS (count not above the current count), INVALID_REPLICA_ASSIGNMENT,
 * INVALID_REPLICATION_FACTOR (fewer usable brokers than replicas), POLICY_VIOLATION (over
 * PARTITIONS_PER_REQUEST_MAX new partitions in the request).
 */
import { invariant } from '../errors.js';
import { ErrorCode } from '../error-codes.js';
import type { MetadataImage } from '../image.js';
import type { TopicImage } from '../image-types.js';
import { metadataRecord, type PartitionRecord } from '../records.js';
import { PARTITIONS_PER_REQUEST_MAX } from './limits.js';
import { assignmentProblem, initialLeaderAndIsr, placementBrokers, placeReplicas, type RandomInt } from './replica-placement.js';

/** One topic of a CreatePartitions request. */
export interface CreatePartitionsTopic {
  readonly name: string;
  /** The total partition count wanted, greater than the current one. */
  readonly count: number;
  /** Replica lists for the new partitions only, in partition order; null to place automatically. */
  readonly assignments: readonly (readonly number[])[] | null;
}

/** What createPartitions needs besides the image. */
export interface CreatePartitionsOptions {
  readonly randomInt: RandomInt;
  /** Live brokers that may not receive new replicas, e.g. those in controlled shutdown. */
  readonly excluded?: ReadonlySet<number>;
}

/** The outcome for one topic. */
export interface CreatePartitionsResult {
  readonly name: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

type Failure = { readonly errorCode: number; readonly errorMessage: string };

/** PartitionRecords for every valid topic, and one result per requested topic in request order. */
export function createPartitions(
  image: MetadataImage,
  topics: readonly CreatePartitionsTopic[],
  options: CreatePartitionsOptions,
): { records: PartitionRecord[]; results: CreatePartitionsResult[] } {
  const added = topics.reduce((n, t) => n + Math.max(0, t.count - (image.topic(t.name)?.partitions.length ?? t.count)), 0);
  if (added > PARTITIONS_PER_REQUEST_MAX) {
    const errorMessage = `Excessively large number of partitions per request: ${added} requested, limit ${PARTITIONS_PER_REQUEST_MAX}.`;
    return { records: [], results: topics.map((t) => ({ name: t.name, errorCode: ErrorCode.POLICY_VIOLATION, errorMessage })) };
  }
  const counts = new Map<string, number>();
  for (const t of topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const records: PartitionRecord[] = [];
  const results = topics.map((t): CreatePartitionsResult => {
    if (counts.get(t.name)! > 1) {
      return { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Duplicate topic name ${t.name} in the request.` };
    }
    const planned = planTopic(image, t, options);
    if ('errorCode' in planned) return { name: t.name, ...planned };
    records.push(...planned);
    return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
  });
  return { records, results };
}

function planTopic(image: MetadataImage, request: CreatePartitionsTopic, options: CreatePartitionsOptions): Failure | PartitionRecord[] {
  const topic = image.topic(request.name);
  if (topic === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${request.name} does not exist.` };
  const current = topic.partitions.length;
  if (!Number.isInteger(request.count) || request.count < current) {
    return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic currently has ${current} partitions, which is higher than the requested ${request.count}.` };
  }
  if (request.count === current) return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic already has ${current} partitions.` };
  const lists = newReplicaLists(image, topic, request, options);
  if ('errorCode' in lists) return lists;
  const records: PartitionRecord[] = [];
  for (const [i, replicas] of lists.entries()) {
    const leaderAndIsr = initialLeaderAndIsr(image, replicas, options.excluded);
    if (leaderAndIsr === null) {
      return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `All brokers specified in the manual partition assignment for partition ${current + i} are fenced or in controlled shutdown.` };
    }
    records.push(metadataRecord('PartitionRecord', {
      topicId: topic.topicId, partitionId: current + i, replicas, ...leaderAndIsr, leaderEpoch: 0, partitionEpoch: 0,
    }));
  }
  return records;
}

function newReplicaLists(
  image: MetadataImage,
  topic: TopicImage,
  request: CreatePartitionsTopic,
  options: CreatePartitionsOptions,
): Failure | number[][] {
  const current = topic.partitions.length;
  const first = topic.partitions[0];
  invariant(first !== undefined, `topic ${topic.name} has no partitions`);
  const replicationFactor = first.replicas.length;
  if (request.assignments === null) {
    const placed = placeReplicas(
      placementBrokers(image, options.excluded),
      { startPartitionId: current, numPartitions: request.count - current, replicationFactor },
      options.randomInt,
    );
    return placed.ok ? placed.assignments : placed;
  }
  if (request.assignments.length !== request.count - current) {
    return invalid(`Attempted to add ${request.count - current} additional partition(s), but only ${request.assignments.length} assignment(s) were specified.`);
  }
  for (const replicas of request.assignments) {
    const problem = assignmentProblem(image, replicas);
    if (problem !== null) return invalid(problem);
    if (replicas.length !== replicationFactor) {
      return invalid(`The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`);
    }
  }
  return request.assignments.map((r) => [...r]);
}

function invalid(errorMessage: string): Failure {
  return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage };
}
