/**
 * CreateTopics and DeleteTopics planning (Kafka's ReplicationControlManager rules). Each topic
 * gets its own result; one bad topic never fails the others.
 *
 * createTopics codes: INVALID_REQUEST (name repeated in the request; assignments together with a
 * partition count or replication factor), INVALID_TOPIC_EXCEPTION (illegal name, or one that
 * collides with an existing name once '.' and '_' are equated), TOPIC_ALREADY_EXISTS,
 * INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR (below 1, or above the usable brokers),
 * INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, POLICY_VIOLATION (over PARTITIONS_PER_REQUEST_MAX).
 * deleteTopics codes: INVALID_REQUEST (both or neither of name and id; topic named twice),
 * UNKNOWN_TOPIC_OR_PARTITION (by name), UNKNOWN_TOPIC_ID (by id).
 */
import { ZERO_UUID } from '@sluice/protocol';
import { invariant } from '../errors.js';
import { ErrorCode } from '../error-codes.js';
import type { MetadataImage } from '../image.js';
import { isUuid } from '../record-codec.js';
import { metadataRecord, type MetadataRecord, type RemoveTopicRecord } from '../records.js';
import { topicCollisionKey, topicNameProblem } from '../topic-names.js';
import { configProblem, type ConfigValidator } from './configs.js';
import { PARTITIONS_PER_REQUEST_MAX } from './limits.js';
import { assignmentProblem, initialLeaderAndIsr, placementBrokers, placeReplicas, type RandomInt } from './replica-placement.js';

/** One topic of a CreateTopics request. -1 partitions or replication factor means the default. */
export interface CreatableTopic {
  readonly name: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  /** Manual replica lists by partition id; when non-empty, both counts above must be -1. */
  readonly assignments: readonly { readonly partitionId: number; readonly brokerIds: readonly number[] }[];
  readonly configs: readonly { readonly name: string; readonly value: string | null }[];
}

/** What createTopics needs besides the image; randomness and defaults come in from the caller. */
export interface CreateTopicsOptions {
  readonly defaultPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly validateConfig: ConfigValidator;
  /** A fresh random topic id (22-character base64url). */
  readonly newUuid: () => string;
  readonly randomInt: RandomInt;
  /** Live brokers that may not receive new replicas, e.g. those in controlled shutdown. */
  readonly excluded?: ReadonlySet<number>;
}

/** The outcome for one topic; on error the id is ZERO_UUID and the counts are -1. */
export interface CreateTopicResult {
  readonly name: string;
  readonly topicId: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

type Failure = { readonly errorCode: number; readonly errorMessage: string };

const UUID_ATTEMPTS_MAX = 8;

/** Records creating every valid topic, and one result per requested topic in request order. */
export function createTopics(
  image: MetadataImage,
  topics: readonly CreatableTopic[],
  options: CreateTopicsOptions,
): { records: MetadataRecord[]; results: CreateTopicResult[] } {
  const requested = topics.reduce((n, t) => n + requestedPartitions(t, options.defaultPartitions), 0);
  if (requested > PARTITIONS_PER_REQUEST_MAX) {
    const failure = { errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: `Excessively large number of partitions per request: ${requested} requested, limit ${PARTITIONS_PER_REQUEST_MAX}.` };
    return { records: [], results: topics.map((t) => failed(t.name, failure)) };
  }
  const counts = new Map<string, number>();
  for (const t of topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const records: MetadataRecord[] = [];
  let working = image;
  const results = topics.map((topic) => {
    if (counts.get(topic.name)! > 1) {
      return failed(topic.name, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Duplicate topic name ${topic.name} in the request.` });
    }
    const planned = planTopic(working, topic, options);
    if ('errorCode' in planned) return failed(topic.name, planned);
    working = working.applyAll(planned.records);
    records.push(...planned.records);
    return planned.result;
  });
  return { records, results };
}

function planTopic(
  image: MetadataImage,
  topic: CreatableTopic,
  options: CreateTopicsOptions,
): Failure | { records: MetadataRecord[]; result: CreateTopicResult } {
  const nameFailure = topicNameFailure(image, topic.name);
  if (nameFailure !== null) return nameFailure;
  const shape = topic.assignments.length > 0 ? manualAssignments(image, topic) : automaticCounts(topic, options);
  if ('errorCode' in shape) return shape;
  const configFailure = topicConfigFailure(topic, options.validateConfig);
  if (configFailure !== null) return configFailure;
  const placed = 'lists' in shape
    ? shape
    : placeReplicas(placementBrokers(image, options.excluded), { startPartitionId: 0, ...shape }, options.randomInt);
  if ('errorCode' in placed) return placed;
  const lists = 'lists' in placed ? placed.lists : placed.assignments;
  const states = lists.map((replicas) => ({ replicas, leaderAndIsr: initialLeaderAndIsr(image, replicas, options.excluded) }));
  const stranded = states.findIndex((s) => s.leaderAndIsr === null);
  if (stranded >= 0) {
    return invalidAssignment(`All brokers specified in the manual partition assignment for partition ${stranded} are fenced or in controlled shutdown.`);
  }
  const topicId = freshTopicId(image, options.newUuid);
  const records: MetadataRecord[] = [metadataRecord('TopicRecord', { name: topic.name, topicId })];
  states.forEach(({ replicas, leaderAndIsr }, partitionId) => {
    records.push(metadataRecord('PartitionRecord', { topicId, partitionId, replicas, ...leaderAndIsr!, leaderEpoch: 0, partitionEpoch: 0 }));
  });
  for (const { name, value } of topic.configs) {
    records.push(metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: topic.name, name, value }));
  }
  const result = {
    name: topic.name, topicId, errorCode: ErrorCode.NONE, errorMessage: null,
    numPartitions: lists.length, replicationFactor: lists[0]!.length,
  };
  return { records, result };
}

function topicNameFailure(image: MetadataImage, name: string): Failure | null {
  const problem = topicNameProblem(name);
  if (problem !== null) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: problem };
  if (image.topic(name) !== undefined) return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `Topic '${name}' already exists.` };
  const key = topicCollisionKey(name);
  const other = image.topics().find((t) => topicCollisionKey(t.name) === key);
  if (other !== undefined) {
    return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `Topic '${name}' collides with existing topic: ${other.name}` };
  }
  return null;
}

/** Manual assignments: partition ids 0..n-1 once each, registered brokers, one replication factor. */
function manualAssignments(image: MetadataImage, topic: CreatableTopic): Failure | { lists: number[][] } {
  if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Both numPartitions or replicationFactor and replicasAssignments were set.' };
  }
  const lists: number[][] = [];
  for (const { partitionId, brokerIds } of topic.assignments) {
    if (!Number.isInteger(partitionId) || partitionId < 0 || partitionId >= topic.assignments.length || lists[partitionId] !== undefined) {
      return invalidAssignment(`Partition ids must be 0 to ${topic.assignments.length - 1}, each once; got ${partitionId}.`);
    }
    const problem = assignmentProblem(image, brokerIds);
    if (problem !== null) return invalidAssignment(problem);
    lists[partitionId] = [...brokerIds];
  }
  if (lists.some((l) => l.length !== lists[0]!.length)) {
    return invalidAssignment('All partitions in the manual partition assignment must have the same number of replicas.');
  }
  return { lists };
}

/** The partition count and replication factor, defaults filled in, when both are at least 1. */
function automaticCounts(topic: CreatableTopic, options: CreateTopicsOptions): Failure | { numPartitions: number; replicationFactor: number } {
  const numPartitions = topic.numPartitions === -1 ? options.defaultPartitions : topic.numPartitions;
  const replicationFactor = topic.replicationFactor === -1 ? options.defaultReplicationFactor : topic.replicationFactor;
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Number of partitions was set to an invalid non-positive value.' };
  }
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: 'Replication factor must be larger than 0, or -1 to use the default value.' };
  }
  return { numPartitions, replicationFactor };
}

function topicConfigFailure(topic: CreatableTopic, validate: ConfigValidator): Failure | null {
  const nullValue = topic.configs.find((c) => c.value === null);
  if (nullValue !== undefined) {
    return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Null value not supported for topic configs: ${nullValue.name}` };
  }
  const sets = topic.configs.map((c) => ({ name: c.name, op: 'SET' as const, value: c.value }));
  return configProblem({ resourceType: 'topic', resourceName: topic.name }, sets, validate);
}

/** A topic id that is not the zero id and not in use; a repeat means a broken random source. */
function freshTopicId(image: MetadataImage, newUuid: () => string): string {
  for (let attempt = 0; attempt < UUID_ATTEMPTS_MAX; attempt++) {
    const id = newUuid();
    invariant(isUuid(id), `newUuid returned ${JSON.stringify(id)}, not a 22-character base64url uuid`);
    if (id !== ZERO_UUID && image.topicById(id) === undefined) return id;
  }
  invariant(false, `newUuid returned ${UUID_ATTEMPTS_MAX} ids in use or zero`);
}

function requestedPartitions(topic: CreatableTopic, defaultPartitions: number): number {
  if (topic.assignments.length > 0) return topic.assignments.length;
  if (topic.numPartitions === -1) return defaultPartitions;
  return Math.max(topic.numPartitions, 0);
}

function invalidAssignment(errorMessage: string): Failure {
  return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage };
}

function failed(name: string, failure: Failure): CreateTopicResult {
  return { name, topicId: ZERO_UUID, ...failure, numPartitions: -1, replicationFactor: -1 };
}

/** One topic of a DeleteTopics request: by name (topicId ZERO_UUID) or by id (name null). */
export interface DeletableTopic {
  readonly name: string | null;
  readonly topicId: string;
}

/** The outcome for one topic; name and id are filled in from the image when known. */
export interface DeleteTopicResult {
  readonly name: string | null;
  readonly topicId: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

/** RemoveTopicRecords for every known topic named once, and one result per entry in request order. */
export function deleteTopics(
  image: MetadataImage,
  topics: readonly DeletableTopic[],
): { records: RemoveTopicRecord[]; results: DeleteTopicResult[] } {
  const resolved = topics.map((t) => resolveDeletable(image, t));
  const counts = new Map<string, number>();
  for (const r of resolved) if (r.errorCode === ErrorCode.NONE) counts.set(r.topicId, (counts.get(r.topicId) ?? 0) + 1);
  const records: RemoveTopicRecord[] = [];
  const results = resolved.map((r) => {
    if (r.errorCode !== ErrorCode.NONE) return r;
    if (counts.get(r.topicId)! > 1) return { ...r, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Topic named more than once in the request.' };
    records.push(metadataRecord('RemoveTopicRecord', { topicId: r.topicId }));
    return r;
  });
  return { records, results };
}

function resolveDeletable(image: MetadataImage, t: DeletableTopic): DeleteTopicResult {
  const byName = t.name !== null;
  const byId = t.topicId !== ZERO_UUID;
  if (byName === byId) {
    return { ...t, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Give exactly one of topic name and topic id.' };
  }
  const topic = byName ? image.topic(t.name!) : image.topicById(t.topicId);
  if (topic === undefined) {
    return byName
      ? { ...t, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${t.name} does not exist.` }
      : { ...t, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `Topic id ${t.topicId} does not exist.` };
  }
  return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
}
