import {
  ErrorCode, FindCoordinator,
  type FindCoordinatorRequest, type FindCoordinatorResponse, type FindCoordinatorResponseCoordinator,
} from '@sluice/protocol';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

const KEY_TYPE_GROUP = 0;

/**
 * FindCoordinator: the broker leading a group's __consumer_offsets partition (the topic is created
 * on first use). Transaction coordinators (key type 1) are not served: COORDINATOR_NOT_AVAILABLE.
 * v0-3 ask for one key; v4 batches them.
 */
export function findCoordinatorHandler(services: BrokerServices): ApiHandler {
  return defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>(FindCoordinator, async (request, ctx) => {
    const keys = ctx.apiVersion >= 4 ? request.coordinatorKeys : [request.key];
    const coordinators = await Promise.all(keys.map((key) => lookup(services, key, request.keyType)));
    const first = coordinators[0] ?? { key: '', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'No key given.' };
    return {
      throttleTimeMs: 0,
      errorCode: first.errorCode, errorMessage: first.errorMessage, nodeId: first.nodeId, host: first.host, port: first.port,
      coordinators: ctx.apiVersion >= 4 ? coordinators : [],
    };
  });
}

async function lookup(services: BrokerServices, key: string, keyType: number): Promise<FindCoordinatorResponseCoordinator> {
  if (keyType !== KEY_TYPE_GROUP) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'Transactions are not supported.' };
  }
  const found = await services.groups.findCoordinator(key);
  if (found.node === null) return { key, nodeId: -1, host: '', port: -1, errorCode: found.errorCode, errorMessage: found.errorMessage };
  return { key, nodeId: found.node.nodeId, host: found.node.host, port: found.node.port, errorCode: ErrorCode.NONE, errorMessage: null };
}
