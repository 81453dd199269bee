import {
  CreatePartitions, ErrorCode,
  type CreatePartitionsRequest, type CreatePartitionsResponse,
} from '@sluice/protocol';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/**
 * CreatePartitions: grows a topic to `count` partitions. A replica assignment may name only this broker.
 * Per-topic codes: UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS, INVALID_REPLICA_ASSIGNMENT.
 */
export function createPartitionsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>(CreatePartitions, (request) => ({
    throttleTimeMs: 0,
    results: request.topics.map((t) => {
      const foreign = (t.assignments ?? []).some((a) => a.brokerIds.some((id) => id !== services.config.nodeId));
      if (foreign) return { name: t.name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'Assignment names an unknown broker.' };
      const result = services.admin.createPartitions(t.name, t.count, request.validateOnly);
      return result.ok
        ? { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null }
        : { name: t.name, errorCode: result.errorCode, errorMessage: result.message };
    }),
  }));
}
