import {
  DeleteTopics, ErrorCode, ZERO_UUID,
  type DeleteTopicsRequest, type DeleteTopicsResponse,
} from '@sluice/protocol';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';
import { waitForMetadata } from './wait-for-metadata.js';

const METADATA_WAIT_MS = 5000;

/**
 * DeleteTopics by name (v0–5 `topicNames`) or by name or id (v6+ `topics`), forwarded to the active
 * controller; every replica's data is removed when its broker applies the deletion.
 * Per-topic codes: UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, TOPIC_DELETION_DISABLED, REQUEST_TIMED_OUT.
 */
export function deleteTopicsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>(DeleteTopics, async (request) => {
    const wanted = request.topics.length > 0
      ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId === ZERO_UUID ? null : t.topicId }))
      : request.topicNames.map((name) => ({ name, topicId: null }));
    if (!services.config.deleteTopicEnable) {
      return { throttleTimeMs: 0, responses: wanted.map((w) => ({ name: w.name, topicId: w.topicId ?? ZERO_UUID, errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'Topic deletion is disabled.' })) };
    }
    const outcomes = await services.admin.deleteTopics(wanted);
    const deleted = outcomes.filter((o) => o.errorCode === ErrorCode.NONE);
    await waitForMetadata(services.metadata, () => deleted.every((o) => !services.metadata.topicById(o.topicId)), METADATA_WAIT_MS);
    // Replicas here are opened or removed before the client hears back, so its next request finds them.
    await services.partitions.reconcile(services.metadata);
    return {
      throttleTimeMs: 0,
      responses: outcomes.map((o) => ({ name: o.name === '' ? null : o.name, topicId: o.topicId === '' ? ZERO_UUID : o.topicId, errorCode: o.errorCode, errorMessage: o.errorMessage })),
    };
  });
}
