import { randomBytes, randomInt } from 'node:crypto';
import { validateTopicConfigs, type BrokerConfig, type Logger } from '@sluice/broker';
import {
  alterPartition, BrokerSessions, createPartitions, createTopics, deleteTopics, fenceExpired, heartbeat,
  incrementalAlterConfigs, metadataRecord, planOfflineLeaderElection, planPreferredLeaderElection, registerBroker,
  UNCLEAN_LEADER_ELECTION_CONFIG,
  type AlterConfigsResource, type AlterPartitionRequest, type AlterPartitionResult, type CreatableTopic, type CreateTopicResult,
  type CreatePartitionsTopic, type DeletableTopic, type HeartbeatRequest, type MetadataImage, type MetadataRecord,
  type RegisterBrokerRequest,
} from '@sluice/controller';
import { NotLeaderError, type QuorumDriver } from '@sluice/quorum';
import { encodeRecords } from './metadata-entries.js';
import type { MetadataState } from './metadata-state.js';

/** How long one controller operation may wait for its records to commit. */
const COMMIT_TIMEOUT_MS = 10_000;
/** How often a new leader checks whether it has applied its own leader-change entry yet. */
const CATCH_UP_POLL_MS = 10;

/** A planner's result: records to commit as one entry, and what to answer once they are committed. */
interface Plan<T> {
  records: MetadataRecord[];
  result: T;
}

/**
 * The controller logic of the quorum leader. Operations run one at a time: each plans against
 * the image (which, since the previous operation waited for its commit, includes everything this
 * controller proposed), proposes its records as one quorum entry, and answers only once that entry
 * is committed and applied. Broker sessions live only here, and start afresh when a node becomes
 * leader (every live broker gets a full session timeout to heartbeat to it).
 */
export class ActiveController {
  private queue: Promise<unknown> = Promise.resolve();
  private sessions = BrokerSessions.EMPTY;
  /** Metadata offset at which each broker's current registration committed: it is caught up past it. */
  private readonly registeredAt = new Map<number, number>();
  private wasLeader = false;
  /** A periodic task (session check, rebalance) already waiting in the queue: do not queue another. */
  private readonly queuedTasks = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly config: BrokerConfig,
    private readonly state: MetadataState,
    private readonly driver: QuorumDriver,
    private readonly logger: Logger,
  ) {}

  get isLeader(): boolean {
    return this.driver.status().role === 'leader';
  }

  get leaderId(): number {
    return this.driver.status().leaderId ?? -1;
  }

  start(): void {
    this.timers.push(setInterval(() => this.checkSessions(), Math.max(50, Math.floor(this.config.brokerHeartbeatIntervalMs / 2))));
    if (this.config.autoLeaderRebalanceEnable) {
      this.timers.push(setInterval(() => this.rebalanceLeaders(), this.config.leaderImbalanceCheckIntervalMs));
    }
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  /** Runs one operation after the previous ones, committing its records before resolving. */
  private run<T>(plan: (image: MetadataImage) => Plan<T>): Promise<T> {
    const next = this.queue.then(async () => {
      await this.caughtUpAsLeader();
      const { records, result } = plan(this.state.image);
      if (records.length > 0) await this.driver.propose([encodeRecords(records)], COMMIT_TIMEOUT_MS);
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Resolves once this node leads and has applied its own leader-change entry (the first entry of
   * its epoch), so the image holds everything earlier leaders committed. A new leader learns the
   * high watermark only when that entry commits: planning before then could repeat a committed
   * operation (a CreateTopics retried after a failover) or hand out a broker epoch already used.
   * KRaft's active controller likewise replays the log up to its epoch's start before serving.
   */
  private async caughtUpAsLeader(): Promise<void> {
    const deadline = Date.now() + COMMIT_TIMEOUT_MS;
    for (;;) {
      const status = this.driver.status();
      if (status.role !== 'leader') throw new NotLeaderError(status.leaderId, status.epoch);
      if (this.state.appliedEpoch >= status.epoch) return;
      if (Date.now() >= deadline) throw new Error(`epoch ${status.epoch} not caught up within ${COMMIT_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, CATCH_UP_POLL_MS));
    }
  }

  registerBroker(request: RegisterBrokerRequest): Promise<{ errorCode: number; errorMessage: string | null; brokerEpoch: bigint }> {
    return this.run((image) => {
      // The broker epoch is the metadata offset at registration: unique and increasing, as in KRaft.
      const result = registerBroker(image, request, BigInt(this.state.appliedEndOffset));
      return { records: result.records, result };
    }).then((result) => {
      this.registeredAt.set(request.brokerId, this.state.appliedEndOffset);
      if (result.errorCode === 0) this.sessions = this.sessions.touch({ brokerId: request.brokerId, brokerEpoch: result.brokerEpoch, nowMs: Date.now() });
      return result;
    });
  }

  heartbeat(request: Omit<HeartbeatRequest, 'caughtUp'> & { metadataOffset: number }): Promise<{ errorCode: number; isFenced: boolean; shouldShutDown: boolean; caughtUp: boolean }> {
    return this.run((image) => {
      const caughtUp = request.metadataOffset >= (this.registeredAt.get(request.brokerId) ?? 0);
      const result = heartbeat(image, this.sessions, { ...request, caughtUp }, Date.now());
      this.sessions = result.sessions;
      const unfencing = result.records.some((r) => r.type === 'UnfenceBrokerRecord');
      // A broker coming back may be the only eligible leader of partitions left offline.
      const after = unfencing ? image.applyAll(result.records) : image;
      const elections = unfencing ? planOfflineLeaderElection(after, {}).records : [];
      return { records: [...result.records, ...elections], result: { errorCode: result.errorCode, isFenced: result.isFenced, shouldShutDown: result.shouldShutDown, caughtUp } };
    });
  }

  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult> {
    return this.run((image) => {
      const result = alterPartition(image, request, this.sessions.shuttingDown(image));
      return { records: result.ok ? result.records : [], result };
    });
  }

  createTopics(topics: CreatableTopic[], validateOnly: boolean): Promise<CreateTopicResult[]> {
    return this.run((image) => {
      const planned = createTopics(image, topics, {
        defaultPartitions: this.config.numPartitions,
        defaultReplicationFactor: this.config.defaultReplicationFactor,
        validateConfig: (_resource, name, value) => validateTopicConfigs(new Map([[name, value]])),
        newUuid: () => randomBytes(16).toString('base64url'),
        randomInt: (bound) => randomInt(bound),
      });
      return { records: validateOnly ? [] : planned.records, result: planned.results };
    });
  }

  deleteTopics(topics: DeletableTopic[]): Promise<ReturnType<typeof deleteTopics>['results']> {
    return this.run((image) => {
      const planned = deleteTopics(image, topics);
      return { records: planned.records, result: planned.results };
    });
  }

  createPartitions(topics: CreatePartitionsTopic[], validateOnly: boolean): Promise<ReturnType<typeof createPartitions>['results']> {
    return this.run((image) => {
      const planned = createPartitions(image, topics, { randomInt: (bound) => randomInt(bound) });
      return { records: validateOnly ? [] : planned.records, result: planned.results };
    });
  }

  alterConfigs(resources: AlterConfigsResource[], validateOnly: boolean): Promise<ReturnType<typeof incrementalAlterConfigs>['results']> {
    return this.run((image) => {
      const planned = incrementalAlterConfigs(image, resources, (resource, name, value) =>
        resource.resourceType === 'topic' ? validateTopicConfigs(new Map([[name, value]]))
          : resource.resourceName === '' && name === UNCLEAN_LEADER_ELECTION_CONFIG ? (value === 'true' || value === 'false' ? null : `${name} must be true or false`)
            : `Broker config ${name} cannot be changed at runtime (only the cluster default ${UNCLEAN_LEADER_ELECTION_CONFIG}).`);
      return { records: validateOnly ? [] : planned.records, result: planned.results };
    });
  }

  /** Fences brokers whose session expired, and elects new leaders for what they led. */
  private checkSessions(): void {
    const leader = this.isLeader;
    if (leader && !this.wasLeader) {
      // A new active controller has heard from nobody yet: give every live broker a full session.
      this.sessions = BrokerSessions.EMPTY;
      for (const b of this.state.image.liveBrokers()) this.sessions = this.sessions.touch({ brokerId: b.brokerId, brokerEpoch: b.brokerEpoch, nowMs: Date.now() });
      this.logger.info({ nodeId: this.config.nodeId }, 'became the active controller');
      this.publishStaticDefaults();
    }
    this.wasLeader = leader;
    if (!leader) return;
    this.runTask('session-check', (image) => {
      const result = fenceExpired(image, this.sessions, { nowMs: Date.now(), sessionTimeoutMs: this.config.brokerSessionTimeoutMs });
      this.sessions = result.sessions;
      if (result.fencedBrokers.length > 0) this.logger.warn({ brokers: result.fencedBrokers, uncleanElections: result.uncleanElections.length }, 'fenced brokers whose session expired');
      return { records: result.records, result: null };
    });
  }

  /** Queues a periodic task unless the same one is still waiting, so a stalled quorum does not pile them up. */
  private runTask(name: string, plan: (image: MetadataImage) => Plan<null>): void {
    if (this.queuedTasks.has(name)) return;
    this.queuedTasks.add(name);
    this.run(plan)
      .catch((err: unknown) => this.logger.debug({ err: String(err), task: name }, 'periodic controller task not committed'))
      .finally(() => this.queuedTasks.delete(name));
  }

  /**
   * unclean.leader.election.enable from server.properties is the cluster-wide default the
   * planners read from the image (broker resource ''), as Kafka's static broker config: an active
   * controller whose file sets it records it once, unless a dynamic value is already there.
   */
  private publishStaticDefaults(): void {
    if (!this.config.raw.has(UNCLEAN_LEADER_ELECTION_CONFIG)) return;
    const value = String(this.config.uncleanLeaderElectionEnable);
    this.runTask('static-defaults', (image) => ({
      records: image.configs('broker', '').has(UNCLEAN_LEADER_ELECTION_CONFIG) ? []
        : [metadataRecord('ConfigRecord', { resourceType: 'broker', resourceName: '', name: UNCLEAN_LEADER_ELECTION_CONFIG, value })],
      result: null,
    }));
  }

  /** Moves leadership back to preferred replicas that are in sync (auto.leader.rebalance.enable). */
  private rebalanceLeaders(): void {
    if (!this.isLeader) return;
    this.runTask('preferred-leaders', (image) => ({ records: planPreferredLeaderElection(image, {}).records, result: null }));
  }
}
