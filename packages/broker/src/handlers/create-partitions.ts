import { CreatePartitions, ErrorCode, type CreatePartitionsRequest, type CreatePartitionsResponse } from '@sluice/protocol';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';
import { waitForMetadata } from './wait-for-metadata.js';

const METADATA_WAIT_MS = 5000;

/**
 * CreatePartitions: grows topics to `count` partitions, forwarded to the active controller.
 * Per-topic codes: UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS, INVALID_REPLICA_ASSIGNMENT, REQUEST_TIMED_OUT.
 */
export function createPartitionsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>(CreatePartitions, async (request) => {
    const outcomes = await services.admin.createPartitions(request.topics.map((t) => ({
      name: t.name, count: t.count, assignments: t.assignments?.map((a) => [...a.brokerIds]) ?? null,
    })), request.validateOnly);
    const grown = outcomes.filter((o) => o.errorCode === ErrorCode.NONE && !request.validateOnly);
    await waitForMetadata(services.metadata, () => grown.every((o) => (services.metadata.topic(o.name)?.partitions.length ?? 0) >= o.numPartitions), METADATA_WAIT_MS);
    // Replicas here are opened or removed before the client hears back, so its next request finds them.
    await services.partitions.reconcile(services.metadata);
    return { throttleTimeMs: 0, results: outcomes.map((o) => ({ name: o.name, errorCode: o.errorCode, errorMessage: o.errorMessage })) };
  });
}
