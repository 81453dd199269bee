import type { BrokerConfig } from '../config/broker-config.js';
import type { GroupCoordinator } from '../groups/group-coordinator.js';
import type { Logger } from '../logger.js';
import type { Partition } from '../log/partition.js';
import type { PartitionRegistry } from '../log/partition-registry.js';
import type { ClusterMetadata, TopicAdmin } from '../metadata/cluster-metadata.js';
import { ErrorCode } from '@sluice/protocol';

/** What the request handlers may use: configuration, cluster metadata, hosted partitions and topic administration. */
export interface BrokerServices {
  config: BrokerConfig;
  metadata: ClusterMetadata;
  partitions: PartitionRegistry;
  admin: TopicAdmin;
  logger: Logger;
  /** The group coordinator (consumer groups and committed offsets). */
  groups: GroupCoordinator;
}

/**
 * The partition a produce, fetch or offset request names, if this broker leads it; otherwise the
 * error clients expect: NOT_LEADER_OR_FOLLOWER for a known partition led elsewhere (clients refresh
 * metadata and retry), UNKNOWN_TOPIC_OR_PARTITION for one that does not exist.
 */
export function ledPartition(services: BrokerServices, topicName: string, index: number): Partition | number {
  const partition = services.partitions.get(topicName, index);
  if (partition?.isLeader) return partition;
  const known = services.metadata.topic(topicName)?.partitions[index];
  if (!known) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  return known.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER_OR_FOLLOWER;
}
