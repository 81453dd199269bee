import {
  CreateTopics, ErrorCode, ZERO_UUID,
  type CreateTopicsRequest, type CreateTopicsRequestTopic, type CreateTopicsResponse, type CreateTopicsResponseTopic,
} from '@sluice/protocol';
import { effectiveTopicConfigs } from '../config/topic-config.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';
import { configSource } from './describe-configs.js';

/**
 * CreateTopics: one result per topic. A duplicate name within one request fails every copy with INVALID_REQUEST.
 * Per-topic codes: INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR,
 * INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, INVALID_REQUEST.
 */
export function createTopicsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<CreateTopicsRequest, CreateTopicsResponse>(CreateTopics, (request) => {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => counts.get(t.name)! > 1
        ? failed(t.name, ErrorCode.INVALID_REQUEST, `Create topics request from client contains multiple requests for topic ${t.name}`)
        : createOne(services, t, request.validateOnly)),
    };
  });
}

function createOne(services: BrokerServices, request: CreateTopicsRequestTopic, validateOnly: boolean): CreateTopicsResponseTopic {
  const assignmentProblem = checkAssignments(services, request);
  if (assignmentProblem) return failed(request.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, assignmentProblem);
  const useAssignments = request.assignments.length > 0;
  const result = services.admin.createTopic({
    name: request.name,
    numPartitions: useAssignments ? request.assignments.length : request.numPartitions,
    replicationFactor: useAssignments ? request.assignments[0]!.brokerIds.length : request.replicationFactor,
    configs: new Map(request.configs.map((c) => [c.name, c.value ?? ''])),
    validateOnly,
  });
  if (!result.ok) return failed(request.name, result.errorCode, result.message);
  const topic = result.value;
  return {
    name: topic.name,
    topicId: topic.topicId === '' ? ZERO_UUID : topic.topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions: topic.partitionCount,
    replicationFactor: 1,
    configs: effectiveTopicConfigs(services.config, topic.configs).map((c) => ({
      name: c.name, value: c.value, readOnly: false, configSource: configSource(c), isSensitive: false,
    })),
  };
}

function checkAssignments(services: BrokerServices, request: CreateTopicsRequestTopic): string | null {
  if (request.assignments.length === 0) return null;
  if (request.numPartitions !== -1 || request.replicationFactor !== -1) {
    return 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.';
  }
  for (const a of request.assignments) {
    if (a.brokerIds.some((id) => id !== services.config.nodeId)) return `Replica assignment for partition ${a.partitionIndex} names an unknown broker.`;
    if (a.brokerIds.length !== 1) return 'Replica assignment lists duplicate or too many brokers.';
  }
  return null;
}

function failed(name: string, errorCode: number, errorMessage: string): CreateTopicsResponseTopic {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null };
}
