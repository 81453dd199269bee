import {
  DeleteGroups, DescribeGroups, ErrorCode, errorInfo, FindCoordinator, ListGroups, ListOffsets, Metadata, OffsetCommit, OffsetDelete, OffsetFetch,
  type DeleteGroupsResponse, type DescribeGroupsResponse, type DescribeGroupsResponseGroup, type FindCoordinatorResponse, type ListGroupsResponse,
  type ListOffsetsResponse, type MetadataResponse, type OffsetCommitResponse, type OffsetDeleteResponse, type OffsetFetchResponse,
} from '@sluice/protocol';
import { KafkaConnection } from './connection.js';
import { byTopic, compareTopicPartitions, topicPartitionKey as keyOf, type TopicPartition } from './consumer-protocol.js';

/** ListOffsets timestamps with a special meaning (Kafka's ListOffsetsRequest constants). */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
/** Pause between retries of a retriable coordinator error (loading, moving, not yet elected). */
const RETRY_BACKOFF_MS = 100;

/** A broker as Metadata names it. */
export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

/** A group as ListGroups reports it. */
export interface GroupListing {
  groupId: string;
  state: string;
}

/** A group's coordinator and its DescribeGroups answer. */
export interface DescribedGroup {
  coordinator: BrokerAddress;
  group: DescribeGroupsResponseGroup;
}

/** A group's committed offset of one partition. */
export interface CommittedOffset {
  tp: TopicPartition;
  offset: bigint;
}

/** A partition-level error answered by a broker. */
export class PartitionError extends Error {}

/**
 * Runs `attempt` until it answers NONE: a retriable error code waits RETRY_BACKOFF_MS and tries
 * again while the deadline allows; any other, or the deadline, throws `what: <error>`.
 */
async function retryUntil<T>(deadline: number, what: string, attempt: () => Promise<{ errorCode: number; value: T }>): Promise<T> {
  for (;;) {
    const { errorCode, value } = await attempt();
    if (errorCode === ErrorCode.NONE) return value;
    if (!errorInfo(errorCode)?.retriable || Date.now() + RETRY_BACKOFF_MS > deadline) throw new Error(`${what}: ${errorText(errorCode)}`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS));
  }
}

/** The text of a Kafka error code: its name and message. */
export function errorText(code: number): string {
  const info = errorInfo(code);
  return info ? `${info.name}: ${info.message}` : `error code ${code}`;
}

/**
 * What kafka-consumer-groups.sh needs from a cluster, over the project's own codec: group listing
 * and description on each group's coordinator, committed offsets, log offsets from partition
 * leaders, and commits and deletions. One connection per broker address, opened on first use.
 * Every request is bounded by `timeoutMs`; retriable coordinator errors are retried until the same
 * deadline, so nothing waits longer than about the timeout the user gave.
 */
export class GroupAdmin {
  private readonly connections = new Map<string, Promise<KafkaConnection>>();
  private readonly coordinators = new Map<string, BrokerAddress>();

  private constructor(private readonly bootstrap: KafkaConnection, private readonly timeoutMs: number) {
    this.connections.set(bootstrap.address, Promise.resolve(bootstrap));
  }

  /** Connects to the bootstrap server (the first of a comma-separated list). */
  static async connect(bootstrap: string, timeoutMs: number): Promise<GroupAdmin> {
    return new GroupAdmin(await KafkaConnection.connect(bootstrap, timeoutMs), timeoutMs);
  }

  close(): void {
    for (const connection of this.connections.values()) void connection.then((c) => c.close(), () => undefined);
  }

  /** Every broker, and every partition leader of `topics` (all topics when null). */
  async metadata(topics: string[] | null): Promise<MetadataResponse> {
    return this.bootstrap.request<MetadataResponse>(Metadata, 1, { topics: topics === null ? null : topics.map((name) => ({ name })) });
  }

  /** Every consumer group on every broker (each broker lists the groups it coordinates), sorted. */
  async listGroups(): Promise<string[]> {
    return (await this.listGroupStates()).map((g) => g.groupId);
  }

  /** Every consumer group of the cluster with its state, sorted by id (each coordinator lists its own). */
  async listGroupStates(): Promise<GroupListing[]> {
    const { brokers } = await this.metadata([]);
    const answers = await Promise.all(brokers.map(async (b) => (await this.on(b)).request<ListGroupsResponse>(ListGroups, 4, { statesFilter: [] })));
    const groups = new Map<string, string>();
    for (const answer of answers) {
      if (answer.errorCode !== ErrorCode.NONE) throw new Error(`ListGroups failed: ${errorText(answer.errorCode)}`);
      for (const g of answer.groups) if (g.protocolType === 'consumer' || g.protocolType === '') groups.set(g.groupId, g.groupState);
    }
    return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([groupId, state]) => ({ groupId, state }));
  }

  /** The group's state and members, asked of its coordinator. */
  async describeGroup(groupId: string): Promise<DescribedGroup> {
    return this.withCoordinator(groupId, async (connection, coordinator) => {
      const answer = await connection.request<DescribeGroupsResponse>(DescribeGroups, 4, { groups: [groupId], includeAuthorizedOperations: false });
      const group = answer.groups[0];
      if (!group) throw new Error(`DescribeGroups answered without group '${groupId}'`);
      return { errorCode: group.errorCode, value: { coordinator, group } };
    });
  }

  /** The group's committed offsets (partitions without a commit are left out). */
  async committedOffsets(groupId: string): Promise<Map<string, CommittedOffset>> {
    return this.withCoordinator(groupId, async (connection) => {
      const answer = await connection.request<OffsetFetchResponse>(OffsetFetch, 5, { groupId, topics: null });
      const out = new Map<string, CommittedOffset>();
      for (const t of answer.topics) {
        for (const p of t.partitions) {
          const tp = { topic: t.name, partition: p.partitionIndex };
          if (p.errorCode === ErrorCode.NONE && p.committedOffset >= 0n) out.set(keyOf(tp), { tp, offset: p.committedOffset });
        }
      }
      return { errorCode: answer.errorCode, value: out };
    });
  }

  /** Commits offsets as an administrator (generation -1, no member), which the coordinator accepts only for an inactive group. */
  async commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    const topics = byTopic(offsets.map((o) => ({ ...o.tp, offset: o.offset })), (o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedMetadata: '' }));
    const answer = await this.withCoordinator(groupId, async (connection) => {
      const response = await connection.request<OffsetCommitResponse>(OffsetCommit, 2, { groupId, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics });
      const codes = response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
      return { errorCode: codes.find((c) => errorInfo(c)?.retriable) ?? ErrorCode.NONE, value: response };
    });
    for (const t of answer.topics) {
      for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) throw new PartitionError(`committing ${t.name}-${p.partitionIndex} failed: ${errorText(p.errorCode)}`);
    }
  }

  /** DeleteGroups on each group's coordinator: the error code per group (NONE when deleted). */
  async deleteGroup(groupId: string): Promise<number> {
    return this.withCoordinator(groupId, async (connection) => {
      const answer = await connection.request<DeleteGroupsResponse>(DeleteGroups, 1, { groupsNames: [groupId] });
      const code = answer.results[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      return { errorCode: errorInfo(code)?.retriable ? code : ErrorCode.NONE, value: code };
    });
  }

  /** OffsetDelete (KIP-496): the top-level error and each partition's error. */
  async deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<OffsetDeleteResponse> {
    const topics = byTopic(partitions, (p) => ({ partitionIndex: p.partition }));
    return this.withCoordinator(groupId, async (connection) => {
      const answer = await connection.request<OffsetDeleteResponse>(OffsetDelete, 0, { groupId, topics });
      return { errorCode: errorInfo(answer.errorCode)?.retriable ? answer.errorCode : ErrorCode.NONE, value: answer };
    });
  }

  /** The partitions of each topic, sorted; an unknown topic is an error naming it. */
  async partitionsOf(topics: readonly string[]): Promise<TopicPartition[]> {
    if (topics.length === 0) return [];
    const metadata = await this.metadata([...topics]);
    const out: TopicPartition[] = [];
    for (const t of metadata.topics) {
      if (t.errorCode !== ErrorCode.NONE) throw new Error(`topic '${t.name}': ${errorText(t.errorCode)}`);
      for (const p of t.partitions) out.push({ topic: t.name ?? '', partition: p.partitionIndex });
    }
    return out.sort(compareTopicPartitions);
  }

  /**
   * ListOffsets for each partition at `timestamp` (LATEST_TIMESTAMP, EARLIEST_TIMESTAMP or a time in
   * ms), asked of each partition's leader. A partition whose leader or answer is missing is absent
   * from the result; -1 means no record at or after the timestamp.
   */
  async logOffsets(partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    if (partitions.length === 0) return out;
    const metadata = await this.metadata([...new Set(partitions.map((p) => p.topic))]);
    const leaders = new Map<string, number>();
    for (const t of metadata.topics) for (const p of t.partitions) leaders.set(keyOf({ topic: t.name ?? '', partition: p.partitionIndex }), p.leaderId);
    const byLeader = new Map<number, TopicPartition[]>();
    for (const tp of partitions) {
      const leader = leaders.get(keyOf(tp));
      if (leader !== undefined && leader >= 0) byLeader.set(leader, [...(byLeader.get(leader) ?? []), tp]);
    }
    await Promise.all([...byLeader].map(async ([leaderId, tps]) => {
      const broker = metadata.brokers.find((b) => b.nodeId === leaderId);
      if (!broker) return;
      const topics = byTopic(tps, (p) => ({ partitionIndex: p.partition, timestamp }));
      const answer = await (await this.on(broker)).request<ListOffsetsResponse>(ListOffsets, 1, { replicaId: -1, topics });
      for (const t of answer.topics) {
        for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) out.set(keyOf({ topic: t.name, partition: p.partitionIndex }), p.offset);
      }
    }));
    return out;
  }

  /**
   * Runs `attempt` on the group's coordinator, finding it first; a retriable error code (coordinator
   * loading, not available, moved) forgets the coordinator and tries again until the deadline.
   */
  private async withCoordinator<T>(groupId: string, attempt: (c: KafkaConnection, coordinator: BrokerAddress) => Promise<{ errorCode: number; value: T }>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    return retryUntil(deadline, `group '${groupId}'`, async () => {
      const coordinator = this.coordinators.get(groupId) ?? await this.findCoordinator(groupId, deadline);
      const answer = await attempt(await this.on(coordinator), coordinator);
      if (answer.errorCode !== ErrorCode.NONE) this.coordinators.delete(groupId);
      return answer;
    });
  }

  private async findCoordinator(groupId: string, deadline: number): Promise<BrokerAddress> {
    const found = await retryUntil(deadline, `no coordinator for group '${groupId}'`, async () => {
      const answer = await this.bootstrap.request<FindCoordinatorResponse>(FindCoordinator, 1, { key: groupId, keyType: 0 });
      return { errorCode: answer.errorCode, value: { nodeId: answer.nodeId, host: answer.host, port: answer.port } };
    });
    this.coordinators.set(groupId, found);
    return found;
  }

  /** The connection to a broker, opened once. */
  private on(broker: BrokerAddress): Promise<KafkaConnection> {
    const address = `${broker.host}:${broker.port}`;
    let connection = this.connections.get(address);
    if (!connection) {
      connection = KafkaConnection.connect(address, this.timeoutMs);
      this.connections.set(address, connection);
    }
    return connection;
  }
}
