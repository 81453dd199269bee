import {
  ErrorCode, IncrementalAlterConfigs,
  type IncrementalAlterConfigsRequest, type IncrementalAlterConfigsResponse,
} from '@sluice/protocol';
import type { ConfigChange } from '../metadata/cluster-metadata.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

/**
 * IncrementalAlterConfigs (SET and DELETE) for topics, forwarded to the active controller.
 * Per-resource codes: UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG, INVALID_REQUEST (APPEND/SUBTRACT, other resource types).
 */
export function incrementalAlterConfigsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(IncrementalAlterConfigs, async (request) => {
    const changes: ConfigChange[] = [];
    const refused = new Map<string, string>();
    for (const r of request.resources) {
      const type = r.resourceType === RESOURCE_TOPIC ? 'topic' : r.resourceType === RESOURCE_BROKER ? 'broker' : null;
      if (type === null || r.configs.some((c) => c.configOperation > 1)) {
        refused.set(`${r.resourceType}:${r.resourceName}`, type === null ? `Unsupported resource type ${r.resourceType}` : 'Only SET and DELETE are supported');
        continue;
      }
      for (const c of r.configs) changes.push({ resourceType: type, resourceName: r.resourceName, name: c.name, operation: c.configOperation, value: c.value });
    }
    const outcomes = await services.admin.alterConfigs(changes, request.validateOnly);
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r) => {
        const reason = refused.get(`${r.resourceType}:${r.resourceName}`);
        if (reason) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: reason, resourceType: r.resourceType, resourceName: r.resourceName };
        const o = outcomes.find((x) => x.resourceName === r.resourceName && (x.resourceType === 'topic') === (r.resourceType === RESOURCE_TOPIC));
        return { errorCode: o?.errorCode ?? ErrorCode.NONE, errorMessage: o?.errorMessage ?? null, resourceType: r.resourceType, resourceName: r.resourceName };
      }),
    };
  });
}
