import type { BrokerConfig } from './config/broker-config.js';
import { apiVersionsHandler } from './handlers/api-versions.js';
import type { BrokerServices } from './handlers/broker-services.js';
import { createPartitionsHandler } from './handlers/create-partitions.js';
import { createTopicsHandler } from './handlers/create-topics.js';
import { deleteTopicsHandler } from './handlers/delete-topics.js';
import { describeClusterHandler } from './handlers/describe-cluster.js';
import { describeConfigsHandler } from './handlers/describe-configs.js';
import { fetchHandler } from './handlers/fetch.js';
import { findCoordinatorHandler } from './handlers/find-coordinator.js';
import { deleteGroupsHandler, describeGroupsHandler, listGroupsHandler } from './handlers/group-admin.js';
import { heartbeatHandler, joinGroupHandler, leaveGroupHandler, syncGroupHandler } from './handlers/group-membership.js';
import { offsetCommitHandler, offsetDeleteHandler, offsetFetchHandler } from './handlers/group-offsets.js';
import { GroupCoordinator } from './groups/group-coordinator.js';
import { incrementalAlterConfigsHandler } from './handlers/incremental-alter-configs.js';
import { listOffsetsHandler } from './handlers/list-offsets.js';
import { metadataHandler } from './handlers/metadata.js';
import { produceHandler } from './handlers/produce.js';
import { LogCleaner } from './log/log-cleaner.js';
import { PartitionRegistry } from './log/partition-registry.js';
import type { Logger } from './logger.js';
import type { ClusterMetadata, TopicAdmin } from './metadata/cluster-metadata.js';
import { RpcServer, REPLICATION_SERVICE } from '@sluice/rpc';
import type { AlterPartitionProposal, AlterPartitionResponse } from './replica/core/index.js';
import { replicationServiceHandlers } from './replica/replication-server.js';
import { KafkaServer } from './server/kafka-server.js';
import { RequestRouter, type ApiHandler } from './server/request-router.js';

/** How often leaders check follower lag and expire acks=all waits. */
const REPLICATION_TICK_MS = 100;

export interface BrokerOptions {
  config: BrokerConfig;
  logger: Logger;
  /** The cluster metadata as this node's metadata log has it. */
  metadata: ClusterMetadata;
  /** Topic administration through the active controller. */
  admin: TopicAdmin;
  /** Handlers served besides the broker's own (e.g. DescribeQuorum from the quorum). */
  extraHandlers?: ApiHandler[];
  /** Sends an ISR change (AlterPartition) to the active controller. */
  alterPartition(proposal: AlterPartitionProposal): Promise<AlterPartitionResponse>;
  /** This broker's registration epoch, or null before it registered. */
  brokerEpoch(): bigint | null;
}

/**
 * The Kafka-facing side of a node: hosts the partition replicas the metadata assigns to it
 * (opening and recovering their logs, deleting those of deleted topics), serves the Kafka protocol
 * on its listener, and runs retention, compaction and time-based flushing in the background.
 */
export class Broker {
  private readonly partitions: PartitionRegistry;
  private readonly groups: GroupCoordinator;
  private readonly cleaner: LogCleaner;
  private readonly server: KafkaServer;
  private readonly replicationServer = new RpcServer();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;
  private boundPort = 0;

  private constructor(private readonly options: BrokerOptions) {
    const { config, logger, metadata, admin } = options;
    this.partitions = new PartitionRegistry(config, logger, {
      replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
      alterPartition: options.alterPartition,
      now: () => Date.now(),
      fetcher: { clusterId: metadata.clusterId, brokerEpoch: options.brokerEpoch, logger },
      replicationAddress: (brokerId) => metadata.replicationAddress(brokerId),
    });
    this.replicationServer.addService(REPLICATION_SERVICE, replicationServiceHandlers({
      partitionById: (topicId, index) => this.partitions.partitionById(topicId, index),
      brokerProblem: (brokerId, brokerEpoch) => metadata.brokerProblem(brokerId, brokerEpoch),
      logger,
    }));
    this.cleaner = new LogCleaner({
      partitions: () => this.partitions.all(),
      policyFor: (topicName) => this.partitions.compactionPolicyFor(topicName),
      backoffMs: config.logCleanerBackoffMs,
      now: () => Date.now(),
      logger: logger.child({ component: 'cleaner' }),
    });
    this.groups = new GroupCoordinator({ config, logger: logger.child({ component: 'groups' }), metadata, partitions: this.partitions, admin, now: () => Date.now() });
    const services: BrokerServices = { config, metadata, partitions: this.partitions, admin, logger, groups: this.groups };
    const router = new RequestRouter(logger);
    router.register(apiVersionsHandler(() => router.supportedApis()));
    for (const make of [metadataHandler, produceHandler, fetchHandler, listOffsetsHandler, createTopicsHandler,
      deleteTopicsHandler, createPartitionsHandler, describeConfigsHandler, describeClusterHandler, incrementalAlterConfigsHandler,
      findCoordinatorHandler, joinGroupHandler, syncGroupHandler, heartbeatHandler, leaveGroupHandler,
      offsetCommitHandler, offsetFetchHandler, offsetDeleteHandler, describeGroupsHandler, listGroupsHandler, deleteGroupsHandler]) {
      router.register(make(services));
    }
    for (const handler of options.extraHandlers ?? []) router.register(handler);
    this.server = new KafkaServer(config.brokerListener!, router, logger, config.socketRequestMaxBytes);
    this.unsubscribe = metadata.onChange(() => this.reconcile());
  }

  /** Creates the broker; nothing is served until `listenForReplication` and `serve`. */
  static create(options: BrokerOptions): Broker {
    return new Broker(options);
  }

  /** Binds the replication listener (followers fetch here) and returns its port. */
  async listenForReplication(host: string, port: number): Promise<number> {
    return this.replicationServer.listen({ host, port });
  }

  /**
   * Opens the replicas the metadata assigns here, then serves Kafka clients. Only with
   * `metadataCaughtUp` (the controller confirmed this broker has applied the metadata log) are
   * partition directories of deleted topics removed: an image still replaying would know no topic.
   */
  async serve(options: { metadataCaughtUp: boolean }): Promise<void> {
    const { config, logger, metadata } = this.options;
    if (options.metadataCaughtUp) this.partitions.removeOrphanDirectories(metadata);
    else logger.warn('metadata not confirmed caught up: leaving unknown partition directories in place');
    await this.partitions.reconcile(metadata);
    this.groups.onPartitionsChanged();
    this.groups.start();
    this.boundPort = await this.server.start();
    this.startMaintenance();
    logger.info({ nodeId: config.nodeId, clusterId: metadata.clusterId, logDir: config.logDir }, 'broker started');
  }

  get port(): number {
    return this.boundPort;
  }

  private reconcile(): void {
    this.partitions.reconcile(this.options.metadata)
      .then(() => this.groups.onPartitionsChanged())
      .catch((err: unknown) => this.fail(err, 'opening or removing partitions failed'));
  }

  private startMaintenance(): void {
    const { config, logger } = this.options;
    this.timers.push(setInterval(() => {
      const deleted = this.partitions.enforceRetention();
      if (deleted > 0) logger.info({ segments: deleted }, 'retention deleted segments');
    }, config.logRetentionCheckIntervalMs));
    this.timers.push(setInterval(() => {
      this.partitions.flushDue().catch((err: unknown) => this.fail(err, 'flush failed'));
    }, config.logFlushSchedulerIntervalMs));
    this.timers.push(setInterval(() => this.partitions.tickAll(), REPLICATION_TICK_MS));
    this.timers.push(setInterval(() => {
      this.partitions.checkpointHighWatermarks().catch((err: unknown) => this.fail(err, 'high watermark checkpoint failed'));
    }, config.replicaHighWatermarkCheckpointIntervalMs));
    for (const timer of this.timers) timer.unref();
    this.cleaner.start();
  }

  /** A failed fsync or log operation means we no longer know what is on disk: stop the node (STYLE §5). */
  private fail(err: unknown, message: string): void {
    this.options.logger.fatal({ err }, message);
    process.exitCode = 1;
    void this.stop();
  }

  /** Stops serving, flushes and closes every log (writing clean-shutdown markers). */
  async stop(): Promise<void> {
    this.unsubscribe();
    for (const timer of this.timers) clearInterval(timer);
    this.groups.stop();
    await this.server.close();
    await this.replicationServer.shutdown();
    const cleaning = this.cleaner.stop();
    // Closing the logs aborts a compaction in progress (it discards its output), so this cannot wait long.
    await this.partitions.closeAll();
    await cleaning;
    this.options.logger.info('broker stopped');
  }
}
