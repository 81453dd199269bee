import {
  CreateTopics, ErrorCode, ZERO_UUID,
  type CreateTopicsRequest, type CreateTopicsResponse, type CreateTopicsResponseTopic,
} from '@sluice/protocol';
import { effectiveTopicConfigs } from '../config/topic-config.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';
import { configSource } from './describe-configs.js';
import { waitForMetadata } from './wait-for-metadata.js';

const METADATA_WAIT_MS = 5000;

/**
 * CreateTopics, forwarded to the active controller (any broker accepts it; clients never see
 * NOT_CONTROLLER). Answers once this broker's metadata shows the new topics, so a client's next
 * request sees them. Per-topic codes: INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS,
 * INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, INVALID_REQUEST, REQUEST_TIMED_OUT.
 */
export function createTopicsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<CreateTopicsRequest, CreateTopicsResponse>(CreateTopics, async (request) => {
    const outcomes = await services.admin.createTopics(request.topics.map((t) => ({
      name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor,
      assignments: t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: [...a.brokerIds] })),
      configs: t.configs.map((c) => ({ name: c.name, value: c.value ?? '' })),
    })), request.validateOnly);
    const created = outcomes.filter((o) => o.errorCode === ErrorCode.NONE && !request.validateOnly);
    await waitForMetadata(services.metadata, () => created.every((o) => services.metadata.topic(o.name)?.topicId === o.topicId), METADATA_WAIT_MS);
    // Replicas here are opened or removed before the client hears back, so its next request finds them.
    await services.partitions.reconcile(services.metadata);
    return {
      throttleTimeMs: 0,
      topics: outcomes.map((o): CreateTopicsResponseTopic => {
        if (o.errorCode !== ErrorCode.NONE) {
          return { name: o.name, topicId: ZERO_UUID, errorCode: o.errorCode, errorMessage: o.errorMessage, numPartitions: -1, replicationFactor: -1, configs: null };
        }
        const overrides = new Map(request.topics.find((t) => t.name === o.name)?.configs.map((c) => [c.name, c.value ?? '']) ?? []);
        return {
          name: o.name, topicId: o.topicId === '' ? ZERO_UUID : o.topicId, errorCode: ErrorCode.NONE, errorMessage: null,
          numPartitions: o.numPartitions, replicationFactor: o.replicationFactor,
          configs: effectiveTopicConfigs(services.config, overrides).map((c) => ({
            name: c.name, value: c.value, readOnly: false, configSource: configSource(c), isSensitive: false,
          })),
        };
      }),
    };
  });
}
