import { createServer } from 'node:net';
import { join } from 'node:path';
import { Broker, type BrokerConfig, type Logger } from '@sluice/broker';
import { GrpcQuorumTransport, QuorumDriver, raftServiceHandlers } from '@sluice/quorum';
import { CONTROLLER_SERVICE, RAFT_SERVICE, RpcServer } from '@sluice/rpc';
import { QuorumStore } from '@sluice/storage';
import { ActiveController } from './active-controller.js';
import { BrokerRegistration } from './broker-registration.js';
import { ControllerClient } from './controller-client.js';
import { controllerServiceHandlers } from './controller-service.js';
import { describeQuorumHandler, METADATA_TOPIC } from './describe-quorum.js';
import type { MetaProperties } from './meta-properties.js';
import { MetadataState } from './metadata-state.js';
import { QUORUM_TICK_MS, raftConfigFor } from './quorum-settings.js';

/** How long a starting broker waits to be registered and unfenced before opening its Kafka port anyway. */
const UNFENCE_WAIT_MS = 60_000;
/** How long a SIGTERM waits for the controller to move this broker's leaderships away. */
const CONTROLLED_SHUTDOWN_MS = 10_000;

/**
 * One Sluice process, wired by process.roles: the metadata quorum member (a voter for the
 * controller role, an observer for a broker-only node) with the image it builds; the controller's
 * gRPC services and active-controller logic; and the broker with its Kafka listener, registration
 * and heartbeats. Combined mode shares one quorum member and one image between both roles.
 */
export class SluiceNode {
  private constructor(
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
    private readonly store: QuorumStore,
    private readonly driver: QuorumDriver,
    private readonly transport: GrpcQuorumTransport,
    private readonly rpcServer: RpcServer | null,
    private readonly controller: ActiveController | null,
    private readonly controllerClient: ControllerClient | null,
    private readonly registration: BrokerRegistration | null,
    private broker: Broker | null,
  ) {}

  static async start(config: BrokerConfig, logger: Logger, meta: MetaProperties): Promise<SluiceNode> {
    // A Kafka port taken by another process fails the start before this node joins the quorum or
    // registers: a broker that registers, gets unfenced, and then cannot serve would be elected leader for nothing.
    if (config.brokerListener) await assertPortFree(config.brokerListener.host, config.brokerListener.port);
    const clusterId = meta.clusterId;
    const { store, state: persisted } = await QuorumStore.open(join(config.metadataLogDir, `${METADATA_TOPIC}-0`));
    let driver: QuorumDriver | null = null;
    const state = new MetadataState({
      clusterId,
      clientListenerName: config.brokerListener?.name ?? 'PLAINTEXT',
      snapshotRecordBytes: config.metadataSnapshotRecordBytes,
      onSnapshot: (snapshot) => {
        driver?.snapshotTaken(snapshot);
        logger.info({ endOffset: snapshot.endOffset, bytes: snapshot.data.length, logStartOffset: driver?.status().logStartOffset }, 'metadata snapshot taken');
      },
      onSnapshotLoaded: (snapshot) => logger.info({ endOffset: snapshot.endOffset, bytes: snapshot.data.length }, 'metadata snapshot loaded'),
    });
    const transport = new GrpcQuorumTransport(config.quorumVoters);
    const raft = raftConfigFor(config, clusterId);
    driver = new QuorumDriver({
      raft,
      tickMs: QUORUM_TICK_MS,
      requestTimeoutMs: raft.requestTimeoutTicks * QUORUM_TICK_MS,
      persisted,
      persistence: store,
      transport,
      application: state,
      logger: logger.child({ component: 'quorum' }),
      onFatal: (err) => {
        logger.fatal({ err }, 'metadata quorum storage failed; stopping');
        process.exit(1);
      },
    });
    const { rpcServer, controller } = await startController(config, logger, state, driver, clusterId);
    driver.start();
    const node = new SluiceNode(config, logger, store, driver, transport, rpcServer, controller, null, null, null);
    return config.processRoles.broker ? node.withBroker(state, clusterId) : node;
  }

  private async withBroker(state: MetadataState, clusterId: string): Promise<SluiceNode> {
    const { config, logger } = this;
    // The broker finds the active controller through this node's own quorum member, which learns
    // of a new leader as soon as it is elected, rather than only by timing out on the old one.
    const client = new ControllerClient(config.quorumVoters, clusterId, config.quorumRequestTimeoutMs, logger, () => this.driver.status().leaderId);
    const registration = new BrokerRegistration(config, client, state, logger);
    const broker = Broker.create({
      config, logger, metadata: state, admin: client, extraHandlers: [describeQuorumHandler(this.driver)],
      brokerEpoch: () => registration.epoch,
      alterPartition: (proposal) => {
        const epoch = registration.epoch;
        if (epoch === null) return Promise.reject(new Error('not registered'));
        return client.alterPartition(proposal, epoch, () => state.topicById(proposal.topicId)?.partitions[proposal.partitionId]?.replicas ?? []);
      },
    });
    // Followers fetch from the replication listener; without one configured, any free port on the broker's host.
    const replication = config.replicationListener ?? { name: 'REPLICATION', host: config.brokerListener!.host, port: 0 };
    const replicationPort = await broker.listenForReplication(replication.host, replication.port);
    const advertisedHost = config.advertisedListeners[0]?.host ?? replication.host;
    registration.start([{ name: 'REPLICATION', host: replication.port === 0 ? advertisedHost : replication.host, port: replicationPort }]);
    const deadline = Date.now() + UNFENCE_WAIT_MS;
    while (!registration.unfenced && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!registration.unfenced) logger.warn('not unfenced by the controller yet; serving anyway');
    await broker.serve({ metadataCaughtUp: registration.unfenced });
    return new SluiceNode(config, logger, this.store, this.driver, this.transport, this.rpcServer, this.controller, client, registration, broker);
  }

  /** The Kafka port (0 when this node has no broker role). */
  get port(): number {
    return this.broker?.port ?? 0;
  }

  /** Orderly shutdown: hand leaderships away, stop serving, resign quorum leadership, close storage. */
  async stop(): Promise<void> {
    if (this.registration) {
      const moved = await this.registration.controlledShutdown(CONTROLLED_SHUTDOWN_MS);
      if (!moved) this.logger.warn('controlled shutdown did not finish in time');
      this.registration.stop();
    }
    await this.broker?.stop();
    this.controller?.stop();
    if (this.driver.status().role === 'leader') {
      this.driver.resign();
      await new Promise((r) => setTimeout(r, 3 * QUORUM_TICK_MS));
    }
    await this.driver.stop();
    await this.rpcServer?.shutdown();
    this.transport.close();
    this.controllerClient?.close();
    await this.store.close();
    this.logger.info('node stopped');
  }
}

async function startController(config: BrokerConfig, logger: Logger, state: MetadataState, driver: QuorumDriver, clusterId: string) {
  if (!config.processRoles.controller) return { rpcServer: null, controller: null };
  const controller = new ActiveController(config, state, driver, logger.child({ component: 'controller' }));
  const rpcServer = new RpcServer();
  rpcServer.addService(RAFT_SERVICE, raftServiceHandlers(() => driver));
  rpcServer.addService(CONTROLLER_SERVICE, controllerServiceHandlers(controller, clusterId, logger));
  const listener = config.controllerListener!;
  const port = await rpcServer.listen({ host: listener.host, port: listener.port });
  logger.info({ listener: listener.name, host: listener.host, port }, 'controller listening');
  controller.start();
  return { rpcServer, controller };
}

/** Fails with the bind error when host:port cannot be listened on now (port 0 always can). */
async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
