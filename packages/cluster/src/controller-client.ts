import type {
  AlterPartitionProposal, AlterPartitionResponse, ConfigChange, ConfigOutcome, Logger, QuorumVoter, TopicAdmin, TopicCreation, TopicOutcome,
} from '@sluice/broker';
import { ErrorCode } from '@sluice/controller';
import { CONTROLLER_SERVICE, fromBigInt, PeerChannel, RpcClient, sluice, type ControllerService } from '@sluice/rpc';

const ControllerError = sluice.controller.ControllerError;

/** How long a broker keeps trying to reach the active controller for one request. */
const ATTEMPT_WINDOW_MS = 15_000;
const RETRY_BACKOFF_MS = 100;

type Method = 'RegisterBroker' | 'BrokerHeartbeat' | 'AlterPartition' | 'CreateTopics' | 'DeleteTopics' | 'CreatePartitions' | 'AlterConfigs';

/** Per-call options of {@link ControllerClient.call}. */
export interface ControllerCallOptions {
  /**
   * Deadline of each attempt, at most the client's request timeout. Broker heartbeats pass half the
   * broker session: a controller that froze (SIGSTOP) never answers, and an attempt that outlasts
   * the session lets a newly active controller fence this live broker before it gets to try
   * elsewhere (Kafka does the same, KAFKA-14392).
   */
  readonly attemptDeadlineMs?: number;
}

/**
 * A broker's way to the active controller: tries the controller it believes is active, switches
 * to the leader this node's own quorum member reports as soon as that changes, follows
 * NOT_CONTROLLER answers to the leader they name, and otherwise walks on to the next voter, within
 * a bounded window. Implements the broker's TopicAdmin by forwarding (clients never see
 * NOT_CONTROLLER).
 */
export class ControllerClient implements TopicAdmin {
  private readonly clients = new Map<number, RpcClient<ControllerService>>();
  private readonly voterIds: number[];
  private activeId: number;
  /** The quorum leader last read from `leaderHint`, so a change is followed once, not pinned to. */
  private hintedLeaderId: number | null = null;

  /**
   * `leaderHint` is the quorum leader as this node's metadata quorum member (voter or observer)
   * last saw it, or null; Kafka's brokers find the active controller the same way.
   */
  constructor(
    voters: readonly QuorumVoter[],
    private readonly clusterId: string,
    private readonly requestTimeoutMs: number,
    private readonly logger: Logger,
    private readonly leaderHint: () => number | null = () => null,
  ) {
    for (const v of voters) this.clients.set(v.id, new RpcClient(new PeerChannel({ address: `${v.host}:${v.port}` }), CONTROLLER_SERVICE));
    this.voterIds = voters.map((v) => v.id);
    this.activeId = this.voterIds[0]!;
  }

  close(): void {
    for (const c of this.clients.values()) c.peer.close();
  }

  /** Calls `method` on the active controller, retrying elsewhere until it answers or the window closes. */
  async call<R extends { error: number; leaderId: number }>(method: Method, request: object, options: ControllerCallOptions = {}): Promise<R> {
    const deadline = Date.now() + ATTEMPT_WINDOW_MS;
    const attemptDeadlineMs = Math.min(options.attemptDeadlineMs ?? this.requestTimeoutMs, this.requestTimeoutMs);
    let lastProblem = 'no controller answered';
    while (Date.now() < deadline) {
      this.followLeaderHint();
      const client = this.clients.get(this.activeId)!;
      try {
        const response = await client.call(method, { clusterId: this.clusterId, ...request } as never, { deadlineMs: attemptDeadlineMs }) as unknown as R;
        if (response.error === ControllerError.OK || response.error === ControllerError.STALE_BROKER_EPOCH) return response;
        lastProblem = `controller ${this.activeId} answered ${ControllerError[response.error] ?? response.error}`;
        if (response.error === ControllerError.INCONSISTENT_CLUSTER_ID) throw new Error(`controller ${this.activeId} belongs to another cluster`);
        if (response.error === ControllerError.NOT_CONTROLLER && response.leaderId >= 0 && response.leaderId !== this.activeId && this.clients.has(response.leaderId)) {
          // Follow the named leader; the short pause keeps two nodes that name each other (a leader
          // change in progress) from bouncing requests back and forth at full speed.
          this.activeId = response.leaderId;
          await new Promise((r) => setTimeout(r, RETRY_BACKOFF_MS / 4));
          continue;
        }
      } catch (err) {
        if ((err as Error).message.includes('another cluster')) throw err;
        lastProblem = `controller ${this.activeId}: ${(err as Error).message}`;
      }
      this.activeId = this.voterAfter(this.activeId);
      await new Promise((r) => setTimeout(r, RETRY_BACKOFF_MS));
    }
    this.logger.warn({ method, problem: lastProblem }, 'controller unreachable');
    throw new Error(`${method}: ${lastProblem}`);
  }

  /**
   * Switches to the quorum leader this node learned of, once per change: a hint that has not
   * changed since the last look may name the controller that just failed to answer (this node's
   * quorum member has not noticed it is gone yet), so it must not undo the walk to another voter.
   */
  private followLeaderHint(): void {
    const hinted = this.leaderHint();
    if (hinted !== null && hinted !== this.hintedLeaderId && this.clients.has(hinted)) this.activeId = hinted;
    this.hintedLeaderId = hinted;
  }

  /** The voter after `id` in the configured order: a walk never asks the controller that just failed again first. */
  private voterAfter(id: number): number {
    return this.voterIds[(this.voterIds.indexOf(id) + 1) % this.voterIds.length]!;
  }

  /** Sends a partition leader's ISR change; maps the controller's answer for the replication core. */
  async alterPartition(proposal: AlterPartitionProposal, brokerEpoch: bigint, replicasOf: () => readonly number[]): Promise<AlterPartitionResponse> {
    const response = await this.call<sluice.controller.AlterPartitionResponse>('AlterPartition', {
      brokerId: proposal.brokerId, brokerEpoch: fromBigInt(brokerEpoch), topicId: proposal.topicId, partitionId: proposal.partitionId,
      leaderEpoch: proposal.leaderEpoch, partitionEpoch: proposal.partitionEpoch, newIsr: [...proposal.newIsr],
    });
    if (response.error === ControllerError.STALE_BROKER_EPOCH) return { kind: 'failed', proposalId: proposal.proposalId, errorCode: ErrorCode.STALE_BROKER_EPOCH };
    if (response.errorCode !== 0) return { kind: 'failed', proposalId: proposal.proposalId, errorCode: response.errorCode };
    return {
      kind: 'committed', proposalId: proposal.proposalId,
      partition: { leaderEpoch: response.leaderEpoch, partitionEpoch: response.partitionEpoch, isr: response.isr, replicas: replicasOf() },
    };
  }

  async createTopics(topics: TopicCreation[], validateOnly: boolean): Promise<TopicOutcome[]> {
    return this.forTopics(topics.map((t) => t.name), () => this.call<sluice.controller.CreateTopicsResponse>('CreateTopics', {
      validateOnly,
      topics: topics.map((t) => ({
        name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor,
        assignments: t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })), configs: t.configs,
      })),
    }));
  }

  async deleteTopics(topics: { name: string | null; topicId: string | null }[]): Promise<TopicOutcome[]> {
    return this.forTopics(topics.map((t) => t.name ?? ''), () => this.call<sluice.controller.DeleteTopicsResponse>('DeleteTopics', {
      names: topics.filter((t) => t.name !== null).map((t) => t.name),
      topicIds: topics.filter((t) => t.name === null && t.topicId !== null).map((t) => t.topicId),
    }));
  }

  async createPartitions(topics: { name: string; count: number; assignments: number[][] | null }[], validateOnly: boolean): Promise<TopicOutcome[]> {
    return this.forTopics(topics.map((t) => t.name), () => this.call<sluice.controller.CreatePartitionsResponse>('CreatePartitions', {
      validateOnly,
      topics: topics.map((t) => ({ name: t.name, count: t.count, assignments: (t.assignments ?? []).map((brokerIds, i) => ({ partitionIndex: i, brokerIds })) })),
    }));
  }

  async alterConfigs(changes: ConfigChange[], validateOnly: boolean): Promise<ConfigOutcome[]> {
    try {
      const response = await this.call<sluice.controller.AlterConfigsResponse>('AlterConfigs', {
        validateOnly, changes: changes.map((c) => ({ ...c, value: c.value ?? '' })),
      });
      return response.results.map((r) => ({
        resourceType: r.resourceType === 'broker' ? 'broker' : 'topic', resourceName: r.resourceName,
        errorCode: r.errorCode, errorMessage: r.errorMessage === '' ? null : r.errorMessage,
      }));
    } catch (err) {
      return [...new Set(changes.map((c) => `${c.resourceType}\u0000${c.resourceName}`))].map((key) => {
        const [resourceType, resourceName] = key.split('\u0000') as ['topic' | 'broker', string];
        return { resourceType, resourceName, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: (err as Error).message };
      });
    }
  }

  /** Maps a forwarded topic request's results; a controller that cannot be reached times every topic out. */
  private async forTopics(names: string[], send: () => Promise<{ topics: sluice.controller.ITopicResult[] }>): Promise<TopicOutcome[]> {
    try {
      const response = await send();
      return response.topics.map((t) => ({
        name: t.name ?? '', topicId: t.topicId ?? '', errorCode: t.errorCode ?? 0,
        errorMessage: t.errorMessage ? t.errorMessage : null, numPartitions: t.numPartitions ?? -1, replicationFactor: t.replicationFactor ?? -1,
      }));
    } catch (err) {
      return names.map((name) => ({ name, topicId: '', errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: (err as Error).message, numPartitions: -1, replicationFactor: -1 }));
    }
  }
}
