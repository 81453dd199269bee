import type { BrokerConfig } from '../config/broker-config.js';
import type { Logger } from '../logger.js';
import type { PartitionRegistry } from '../log/partition-registry.js';
import type { LocalMetadata } from '../metadata/local-metadata.js';
import type { TopicAdmin } from '../metadata/topic-admin.js';

/** What the request handlers may use: configuration, metadata, partitions and topic administration. */
export interface BrokerServices {
  config: BrokerConfig;
  metadata: LocalMetadata;
  partitions: PartitionRegistry;
  admin: TopicAdmin;
  logger: Logger;
  /** The address clients are told to connect to (first advertised listener). */
  advertised: { host: string; port: number };
}
