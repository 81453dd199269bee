import type { BrokerConfig } from './config/broker-config.js';
import { apiVersionsHandler } from './handlers/api-versions.js';
import type { BrokerServices } from './handlers/broker-services.js';
import { createPartitionsHandler } from './handlers/create-partitions.js';
import { createTopicsHandler } from './handlers/create-topics.js';
import { deleteTopicsHandler } from './handlers/delete-topics.js';
import { describeClusterHandler } from './handlers/describe-cluster.js';
import { describeConfigsHandler } from './handlers/describe-configs.js';
import { fetchHandler } from './handlers/fetch.js';
import { listOffsetsHandler } from './handlers/list-offsets.js';
import { metadataHandler } from './handlers/metadata.js';
import { produceHandler } from './handlers/produce.js';
import { PartitionRegistry } from './log/partition-registry.js';
import type { Logger } from './logger.js';
import { LocalMetadata } from './metadata/local-metadata.js';
import { TopicAdmin } from './metadata/topic-admin.js';
import { KafkaServer } from './server/kafka-server.js';
import { RequestRouter } from './server/request-router.js';

/**
 * A single Sluice node: opens its data directory (recovering every log), serves the Kafka
 * protocol on its listener, and runs retention and time-based flushing in the background.
 */
export class Broker {
  private readonly partitions: PartitionRegistry;
  private readonly server: KafkaServer;
  private readonly timers: NodeJS.Timeout[] = [];
  private boundPort = 0;

  private constructor(private readonly config: BrokerConfig, private readonly logger: Logger, clusterId: string) {
    const metadata = LocalMetadata.open(config.logDir, clusterId);
    this.partitions = new PartitionRegistry(config, logger);
    this.partitions.openAll(metadata.topics());
    const admin = new TopicAdmin(config, metadata, this.partitions, logger);
    const listener = config.brokerListener!;
    const advertisedListener = config.advertisedListeners[0] ?? listener;
    const services: BrokerServices = {
      config, metadata, partitions: this.partitions, admin, logger,
      advertised: { host: advertisedListener.host, port: advertisedListener.port },
    };
    const router = new RequestRouter(logger);
    router.register(apiVersionsHandler(() => router.supportedApis()));
    for (const make of [metadataHandler, produceHandler, fetchHandler, listOffsetsHandler, createTopicsHandler,
      deleteTopicsHandler, createPartitionsHandler, describeConfigsHandler, describeClusterHandler]) {
      router.register(make(services));
    }
    this.server = new KafkaServer(listener, router, logger, config.socketRequestMaxBytes);
    // With port 0 (tests) the advertised port is only known once bound; fix it up in start().
    this.services = services;
  }

  private readonly services: BrokerServices;

  /** Opens storage and starts serving, for the cluster id the data directory was formatted with. */
  static async start(config: BrokerConfig, logger: Logger, clusterId: string): Promise<Broker> {
    const broker = new Broker(config, logger, clusterId);
    broker.boundPort = await broker.server.start();
    if (broker.services.advertised.port === 0) broker.services.advertised.port = broker.boundPort;
    broker.startMaintenance();
    logger.info({ nodeId: config.nodeId, clusterId: broker.services.metadata.clusterId, logDir: config.logDir }, 'broker started');
    return broker;
  }

  get port(): number {
    return this.boundPort;
  }

  private startMaintenance(): void {
    this.timers.push(setInterval(() => {
      const deleted = this.partitions.enforceRetention();
      if (deleted > 0) this.logger.info({ segments: deleted }, 'retention deleted segments');
    }, this.config.logRetentionCheckIntervalMs));
    this.timers.push(setInterval(() => {
      this.partitions.flushDue().catch((err: unknown) => this.fail(err, 'flush failed'));
    }, this.config.logFlushSchedulerIntervalMs));
    for (const timer of this.timers) timer.unref();
  }

  /** A failed fsync means we no longer know what is on disk: stop the node (STYLE: environment failures). */
  private fail(err: unknown, message: string): void {
    this.logger.fatal({ err }, message);
    process.exitCode = 1;
    void this.stop();
  }

  /** Stops serving, flushes and closes every log (writing clean-shutdown markers). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.server.close();
    await this.partitions.closeAll();
    this.logger.info('broker stopped');
  }
}
