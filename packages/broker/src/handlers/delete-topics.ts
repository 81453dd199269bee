import {
  DeleteTopics, ErrorCode, ZERO_UUID,
  type DeleteTopicsRequest, type DeleteTopicsResponse, type DeleteTopicsResponseTopic,
} from '@sluice/protocol';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/**
 * DeleteTopics: by name (v0–5 `topicNames`) or by name or id (v6+ `topics`); data is removed with the topic.
 * Per-topic codes: UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, TOPIC_DELETION_DISABLED.
 */
export function deleteTopicsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>(DeleteTopics, async (request) => {
    const wanted = request.topics.length > 0
      ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses: DeleteTopicsResponseTopic[] = [];
    for (const w of wanted) responses.push(await deleteOne(services, w.name, w.topicId));
    return { throttleTimeMs: 0, responses };
  });
}

async function deleteOne(services: BrokerServices, name: string | null, topicId: string): Promise<DeleteTopicsResponseTopic> {
  const resolved = name ?? services.metadata.topicById(topicId)?.name;
  if (resolved === undefined) {
    return { name: null, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `Topic id ${topicId} does not exist.` };
  }
  const result = await services.admin.deleteTopic(resolved);
  if (!result.ok) return { name: resolved, topicId, errorCode: result.errorCode, errorMessage: result.message };
  return { name: resolved, topicId: result.value.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
}
