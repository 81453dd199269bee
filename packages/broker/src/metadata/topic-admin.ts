import { ErrorCode } from '@sluice/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { validateTopicConfigs } from '../config/topic-config.js';
import type { Logger } from '../logger.js';
import type { PartitionRegistry } from '../log/partition-registry.js';
import type { LocalMetadata, TopicInfo } from './local-metadata.js';
import { topicNameProblem } from './topic-name.js';

/** An admin outcome: the topic, or a Kafka error code with a message for the client. */
export type AdminResult<T> = { ok: true; value: T } | { ok: false; errorCode: number; message: string };

function fail<T>(errorCode: number, message: string): AdminResult<T> {
  return { ok: false, errorCode, message };
}

export interface CreateTopicOptions {
  name: string;
  /** -1 means the broker default (num.partitions). */
  numPartitions: number;
  /** -1 means the broker default (default.replication.factor). */
  replicationFactor: number;
  configs: ReadonlyMap<string, string>;
  validateOnly: boolean;
}

/**
 * Creates, deletes and grows topics on this node: checks the request, records it in the
 * metadata (durably) and opens or removes the partition logs. Every outcome a client can
 * cause is an error code, never an exception.
 */
export class TopicAdmin {
  /** Brokers that can host replicas; one until the cluster issue adds more. */
  private readonly liveBrokerCount = 1;

  constructor(
    private readonly broker: BrokerConfig,
    private readonly metadata: LocalMetadata,
    private readonly partitions: PartitionRegistry,
    private readonly logger: Logger,
  ) {}

  /** May return INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG. */
  createTopic(options: CreateTopicOptions): AdminResult<TopicInfo> {
    const nameProblem = topicNameProblem(options.name);
    if (nameProblem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
    if (this.metadata.topic(options.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${options.name}' already exists.`);
    const partitionCount = options.numPartitions === -1 ? this.broker.numPartitions : options.numPartitions;
    if (partitionCount < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    const replicationFactor = options.replicationFactor === -1 ? this.broker.defaultReplicationFactor : options.replicationFactor;
    if (replicationFactor < 1 || replicationFactor > this.liveBrokerCount) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR,
        `Replication factor: ${replicationFactor} larger than available brokers: ${this.liveBrokerCount}.`);
    }
    const configProblem = validateTopicConfigs(options.configs);
    if (configProblem) return fail(ErrorCode.INVALID_CONFIG, configProblem);
    const draft = { name: options.name, partitionCount, configs: options.configs };
    if (options.validateOnly) return { ok: true, value: { ...draft, topicId: '' } };
    const topic = this.metadata.addTopic(draft);
    this.partitions.openTopic(topic, 0);
    this.logger.info({ topic: topic.name, topicId: topic.topicId, partitions: partitionCount }, 'created topic');
    return { ok: true, value: topic };
  }

  /** Creates a topic with the broker defaults when auto.create.topics.enable allows it. */
  autoCreate(name: string): AdminResult<TopicInfo> {
    return this.createTopic({ name, numPartitions: -1, replicationFactor: -1, configs: new Map(), validateOnly: false });
  }

  /** May return UNKNOWN_TOPIC_OR_PARTITION, TOPIC_DELETION_DISABLED. */
  async deleteTopic(name: string): Promise<AdminResult<TopicInfo>> {
    if (!this.broker.deleteTopicEnable) return fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
    const topic = this.metadata.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    // Metadata first: if we crash before the data is gone, start-up removes the orphaned directories.
    this.metadata.removeTopic(name);
    await this.partitions.deleteTopic(name);
    this.logger.info({ topic: name, topicId: topic.topicId }, 'deleted topic');
    return { ok: true, value: topic };
  }

  /** May return UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS. */
  createPartitions(name: string, count: number, validateOnly: boolean): AdminResult<TopicInfo> {
    const topic = this.metadata.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    if (count <= topic.partitionCount) {
      return fail(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${topic.partitionCount} partitions, which is higher than the requested ${count}.`);
    }
    if (validateOnly) return { ok: true, value: { ...topic, partitionCount: count } };
    const from = topic.partitionCount;
    this.metadata.setPartitionCount(name, count);
    const grown = this.metadata.topic(name)!;
    this.partitions.openTopic(grown, from);
    this.logger.info({ topic: name, from, to: count }, 'added partitions');
    return { ok: true, value: grown };
  }
}
