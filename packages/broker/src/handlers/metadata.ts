import {
  ErrorCode, Metadata, ZERO_UUID,
  type MetadataRequest, type MetadataResponse, type MetadataResponseTopic,
} from '@sluice/protocol';
import type { TopicInfo } from '../metadata/local-metadata.js';
import { topicNameProblem } from '../metadata/topic-name.js';
import { defineHandler, type ApiHandler, type RequestContext } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/** Versions before 4 carry no allowAutoTopicCreation flag; auto.create.topics.enable alone decides. */
const ALLOW_AUTO_CREATE_FROM_VERSION = 4;
/** Version 0 asks for every topic with an empty list; later versions with null. */
const NULL_MEANS_ALL_FROM_VERSION = 1;

/**
 * Metadata: brokers, cluster id, controller, and the requested topics with their partitions.
 * Per-topic codes: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, and whatever auto-creation returns.
 */
export function metadataHandler(services: BrokerServices): ApiHandler {
  return defineHandler<MetadataRequest, MetadataResponse>(Metadata, (request, ctx) => ({
    throttleTimeMs: 0,
    brokers: [{ nodeId: services.config.nodeId, host: services.advertised.host, port: services.advertised.port, rack: null }],
    clusterId: services.metadata.clusterId,
    controllerId: services.config.nodeId,
    topics: requestedTopics(services, request, ctx),
    clusterAuthorizedOperations: -2147483648,
  }));
}

function requestedTopics(services: BrokerServices, request: MetadataRequest, ctx: RequestContext): MetadataResponseTopic[] {
  const wantsAll = request.topics === null || (ctx.apiVersion < NULL_MEANS_ALL_FROM_VERSION && request.topics.length === 0);
  if (wantsAll) return services.metadata.topics().map((t) => describeTopic(services, t));
  const allowAutoCreate = services.config.autoCreateTopicsEnable
    && (ctx.apiVersion < ALLOW_AUTO_CREATE_FROM_VERSION || request.allowAutoTopicCreation);
  return request.topics!.map((wanted) => {
    const byId = wanted.name === null && wanted.topicId !== ZERO_UUID ? services.metadata.topicById(wanted.topicId) : undefined;
    const name = wanted.name ?? byId?.name ?? null;
    if (name === null) return errorTopic(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID);
    const existing = services.metadata.topic(name);
    if (existing) return describeTopic(services, existing);
    if (topicNameProblem(name)) return errorTopic(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION);
    if (!allowAutoCreate) return errorTopic(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const created = services.admin.autoCreate(name);
    return created.ok ? describeTopic(services, created.value) : errorTopic(name, ZERO_UUID, created.errorCode);
  });
}

function describeTopic(services: BrokerServices, topic: TopicInfo): MetadataResponseTopic {
  const nodeId = services.config.nodeId;
  const partitions = services.partitions.partitionsOf(topic.name);
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: false,
    partitions: partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: nodeId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: -2147483648,
  };
}

function errorTopic(name: string | null, topicId: string, errorCode: number): MetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 };
}
