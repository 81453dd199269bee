import {
  ErrorCode, Metadata, ZERO_UUID,
  type MetadataRequest, type MetadataResponse, type MetadataResponsePartition, type MetadataResponseTopic,
} from '@sluice/protocol';
import type { TopicMetadata } from '../metadata/cluster-metadata.js';
import { topicNameProblem } from '../metadata/topic-name.js';
import { defineHandler, type ApiHandler, type RequestContext } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';
import { waitForMetadata } from './wait-for-metadata.js';

/** Versions before 4 carry no allowAutoTopicCreation flag; auto.create.topics.enable alone decides. */
const ALLOW_AUTO_CREATE_FROM_VERSION = 4;
/** Version 0 asks for every topic with an empty list; later versions with null. */
const NULL_MEANS_ALL_FROM_VERSION = 1;
/** How long a Metadata request waits for an auto-created topic to reach this broker's metadata. */
const AUTO_CREATE_WAIT_MS = 3000;
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/**
 * Metadata: live brokers, cluster id, a live broker as controller id, and the requested topics with
 * their partitions, from the metadata log. Per-topic codes: UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID,
 * INVALID_TOPIC_EXCEPTION, LEADER_NOT_AVAILABLE (being created), and auto-creation's codes; per-partition
 * LEADER_NOT_AVAILABLE when a partition has no leader.
 */
export function metadataHandler(services: BrokerServices): ApiHandler {
  return defineHandler<MetadataRequest, MetadataResponse>(Metadata, async (request, ctx) => {
    const topics = await requestedTopics(services, request, ctx);
    return {
      throttleTimeMs: 0,
      brokers: services.metadata.brokers().map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterId: services.metadata.clusterId,
      controllerId: services.metadata.controllerId(),
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  });
}

async function requestedTopics(services: BrokerServices, request: MetadataRequest, ctx: RequestContext): Promise<MetadataResponseTopic[]> {
  const { metadata } = services;
  const wantsAll = request.topics === null || (ctx.apiVersion < NULL_MEANS_ALL_FROM_VERSION && request.topics.length === 0);
  if (wantsAll) return metadata.topics().map((t) => describeTopic(services, t));
  const allowAutoCreate = services.config.autoCreateTopicsEnable
    && (ctx.apiVersion < ALLOW_AUTO_CREATE_FROM_VERSION || request.allowAutoTopicCreation);
  const missing = request.topics!
    .map((w) => w.name)
    .filter((name): name is string => name !== null && !metadata.topic(name) && topicNameProblem(name) === null);
  const creation = allowAutoCreate && missing.length > 0 ? await autoCreate(services, missing) : new Map<string, number>();
  return request.topics!.map((wanted) => {
    const byId = wanted.name === null && wanted.topicId !== ZERO_UUID ? metadata.topicById(wanted.topicId) : undefined;
    const name = wanted.name ?? byId?.name ?? null;
    if (name === null) return errorTopic(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID);
    const existing = metadata.topic(name);
    if (existing) return describeTopic(services, existing);
    if (topicNameProblem(name)) return errorTopic(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION);
    return errorTopic(name, ZERO_UUID, creation.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
}

/** Creates topics with the broker defaults; returns the code to report for each one not visible yet. */
async function autoCreate(services: BrokerServices, names: string[]): Promise<Map<string, number>> {
  const outcomes = await services.admin.createTopics(
    names.map((name) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] })), false);
  await waitForMetadata(services.metadata, () => names.every((n) => services.metadata.topic(n)), AUTO_CREATE_WAIT_MS);
  return new Map(outcomes.map((o) => [o.name,
    o.errorCode === ErrorCode.NONE || o.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS ? ErrorCode.LEADER_NOT_AVAILABLE : o.errorCode]));
}

function describeTopic(services: BrokerServices, topic: TopicMetadata): MetadataResponseTopic {
  const live = new Set(services.metadata.brokers().map((b) => b.nodeId));
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.name.startsWith('__'),
    partitions: topic.partitions.map((p, index): MetadataResponsePartition => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: index,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: p.replicas.filter((id) => !live.has(id)),
    })),
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorTopic(name: string | null, topicId: string, errorCode: number): MetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
}
