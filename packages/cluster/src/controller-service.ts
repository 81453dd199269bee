import type { Logger } from '@sluice/broker';
import { ErrorCode } from '@sluice/controller';
import { ZERO_UUID } from '@sluice/protocol';
import { NotLeaderError } from '@sluice/quorum';
import { toBigInt, fromBigInt, type ControllerService, type ServiceHandlers, sluice } from '@sluice/rpc';
import type { ActiveController } from './active-controller.js';

const ControllerError = sluice.controller.ControllerError;

type Envelope = { error: number; leaderId: number };

/**
 * The gRPC ControllerService of a controller node. A node that is not the quorum leader answers
 * NOT_CONTROLLER with the leader it knows, so brokers retry there; a request for another cluster
 * gets INCONSISTENT_CLUSTER_ID; an operation that does not commit in time gets REQUEST_TIMED_OUT.
 */
export function controllerServiceHandlers(controller: ActiveController, clusterId: string, logger: Logger): ServiceHandlers<ControllerService> {
  const guard = async <T extends object>(requestClusterId: string, body: () => Promise<T>): Promise<T & Envelope> => {
    const leaderId = controller.leaderId;
    if (requestClusterId !== clusterId) return { error: ControllerError.INCONSISTENT_CLUSTER_ID, leaderId } as T & Envelope;
    if (!controller.isLeader) return { error: ControllerError.NOT_CONTROLLER, leaderId } as T & Envelope;
    try {
      return { ...(await body()), error: ControllerError.OK, leaderId };
    } catch (err) {
      if (err instanceof NotLeaderError) return { error: ControllerError.NOT_CONTROLLER, leaderId: err.leaderId ?? -1 } as T & Envelope;
      logger.warn({ err: String(err) }, 'controller operation failed');
      return { error: ControllerError.REQUEST_TIMED_OUT, leaderId } as T & Envelope;
    }
  };
  return {
    RegisterBroker: (r) => guard(r.clusterId, async () => {
      const result = await controller.registerBroker({
        brokerId: r.brokerId, incarnationId: r.incarnationId, rack: r.rack === '' ? null : r.rack,
        listeners: r.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })),
      });
      if (result.errorCode !== ErrorCode.NONE) throw new Error(`registration refused: ${result.errorMessage}`);
      return { brokerEpoch: fromBigInt(result.brokerEpoch) };
    }),
    BrokerHeartbeat: (r) => guard(r.clusterId, async () => {
      const result = await controller.heartbeat({
        brokerId: r.brokerId, brokerEpoch: toBigInt(r.brokerEpoch), metadataOffset: Number(toBigInt(r.metadataOffset)),
        wantFence: r.wantFence, wantShutdown: r.wantShutDown,
      });
      if (result.errorCode === ErrorCode.STALE_BROKER_EPOCH) return { error: ControllerError.STALE_BROKER_EPOCH, isCaughtUp: false, isFenced: true, shouldShutDown: false };
      return { isCaughtUp: result.caughtUp, isFenced: result.isFenced, shouldShutDown: result.shouldShutDown };
    }),
    AlterPartition: (r) => guard(r.clusterId, async () => {
      const result = await controller.alterPartition({
        brokerId: r.brokerId, brokerEpoch: toBigInt(r.brokerEpoch), topicId: r.topicId, partitionId: r.partitionId,
        leaderEpoch: r.leaderEpoch, partitionEpoch: r.partitionEpoch, newIsr: r.newIsr,
      });
      if (!result.ok) return { errorCode: result.errorCode, leader: -1, leaderEpoch: -1, partitionEpoch: -1, isr: [] };
      const p = result.partition;
      return { errorCode: result.errorCode, leader: p.leader, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, isr: [...p.isr] };
    }),
    CreateTopics: (r) => guard(r.clusterId, async () => {
      const results = await controller.createTopics(r.topics.map((t) => ({
        name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor,
        assignments: t.assignments.map((a) => ({ partitionId: a.partitionIndex, brokerIds: a.brokerIds })),
        configs: t.configs.map((c) => ({ name: c.name, value: c.value })),
      })), r.validateOnly);
      return { topics: results.map((t) => ({ ...t, errorMessage: t.errorMessage ?? '' })) };
    }),
    DeleteTopics: (r) => guard(r.clusterId, async () => {
      const wanted = [...r.names.map((name) => ({ name, topicId: ZERO_UUID })), ...r.topicIds.map((topicId) => ({ name: null, topicId }))];
      const results = await controller.deleteTopics(wanted);
      return { topics: results.map((t) => ({ name: t.name ?? '', topicId: t.topicId, errorCode: t.errorCode, errorMessage: t.errorMessage ?? '', numPartitions: 0, replicationFactor: 0 })) };
    }),
    CreatePartitions: (r) => guard(r.clusterId, async () => {
      const results = await controller.createPartitions(r.topics.map((t) => ({
        name: t.name, count: t.count, assignments: t.assignments.length > 0 ? t.assignments.map((a) => a.brokerIds) : null,
      })), r.validateOnly);
      return { topics: results.map((t) => ({ name: t.name, topicId: '', errorCode: t.errorCode, errorMessage: t.errorMessage ?? '', numPartitions: r.topics.find((x) => x.name === t.name)?.count ?? 0, replicationFactor: 0 })) };
    }),
    AlterConfigs: (r) => guard(r.clusterId, async () => {
      const results = await controller.alterConfigs(changesByResource(r.changes), r.validateOnly);
      return { results: results.map((x) => ({ resourceType: x.resourceType, resourceName: x.resourceName, errorCode: x.errorCode, errorMessage: x.errorMessage ?? '' })) };
    }),
  };
}

interface ResourceConfigChanges {
  resourceType: 'topic' | 'broker';
  resourceName: string;
  configs: { name: string; op: 'SET' | 'DELETE'; value: string | null }[];
}

/** The wire's flat list of config changes, grouped per resource as the controller takes them. */
function changesByResource(changes: readonly { resourceType: string; resourceName: string; name: string; operation: number; value: string }[]): ResourceConfigChanges[] {
  const byResource = new Map<string, ResourceConfigChanges>();
  for (const c of changes) {
    const key = `${c.resourceType}:${c.resourceName}`;
    const entry = byResource.get(key) ?? { resourceType: c.resourceType === 'broker' ? 'broker' : 'topic', resourceName: c.resourceName, configs: [] };
    entry.configs.push({ name: c.name, op: c.operation === 1 ? 'DELETE' : 'SET', value: c.operation === 1 ? null : c.value });
    byResource.set(key, entry);
  }
  return [...byResource.values()];
}
