/**
 * The group coordinator of one broker: drives the pure `GroupCoordinatorState` with real time,
 * stores what it decides in `__consumer_offsets`, and answers requests only once their records are
 * replicated (the high watermark passed them), so a coordinator that dies takes nothing it
 * acknowledged with it.
 *
 * Ownership follows partition leadership: this broker coordinates the groups whose
 * __consumer_offsets partition it leads. On becoming leader it answers COORDINATOR_LOAD_IN_PROGRESS
 * until every record the partition holds is committed and replayed; on losing leadership it drops
 * the partition's groups (waiting requests get NOT_COORDINATOR). A failed write reloads the
 * partition from the log, so memory never stays ahead of what is stored.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@sluice/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { topicConfigNumber } from '../config/topic-config.js';
import type { Logger } from '../logger.js';
import type { Partition } from '../log/partition.js';
import type { PartitionRegistry } from '../log/partition-registry.js';
import type { BrokerEndpoint, ClusterMetadata, TopicAdmin } from '../metadata/cluster-metadata.js';
import {
  GroupCoordinatorState, GroupErrorCode, offsetsPartitionFor,
  type Completion, type FetchedOffset, type GroupDescription, type GroupOutput, type GroupRecord, type GroupState,
  type HeartbeatRequest, type HeartbeatResult, type JoinGroupRequest, type JoinGroupResult, type LeaveGroupRequest,
  type LeaveGroupResult, type ListedGroup, type OffsetCommitEntry, type PartitionResult, type RequestHandle,
  type SyncGroupRequest, type SyncGroupResult, type TopicPartition,
} from './core/index.js';
import { groupRecordsBatch, OFFSETS_TOPIC, OffsetsTopicCreator, readGroupRecords } from './offsets-topic.js';

/** How often group timers (sessions, rebalance deadlines, the initial delay) are checked. */
const TICK_MS = 100;
/** How often a new leader checks whether its log is fully committed before loading. */
const LOAD_POLL_MS = 50;
/** Pause before retrying a load that failed. */
const LOAD_RETRY_MS = 1000;

export interface GroupCoordinatorDeps {
  config: BrokerConfig;
  logger: Logger;
  metadata: ClusterMetadata;
  partitions: PartitionRegistry;
  admin: TopicAdmin;
  now(): number;
}

/** FindCoordinator's answer for one key. */
export interface CoordinatorLookup {
  errorCode: number;
  errorMessage: string | null;
  node: BrokerEndpoint | null;
}

/** One owned partition: the replica object and leader epoch it was loaded for. */
interface Ownership {
  readonly partition: Partition;
  readonly leaderEpoch: number;
}

export class GroupCoordinator {
  private state: GroupCoordinatorState | null = null;
  private readonly owned = new Map<number, Ownership>();
  private readonly waiting = new Map<RequestHandle, (completion: Completion) => void>();
  private readonly creator: OffsetsTopicCreator;
  private readonly timers: NodeJS.Timeout[] = [];
  private nextHandle = 1;
  private partitionCount = 0;
  private stopped = false;

  constructor(private readonly deps: GroupCoordinatorDeps) {
    this.creator = new OffsetsTopicCreator(deps);
  }

  start(): void {
    const { config } = this.deps;
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
    this.timers.push(setInterval(() => this.expireOffsets(), config.offsetsRetentionCheckIntervalMs));
    for (const timer of this.timers) timer.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const index of [...this.owned.keys()]) this.release(index);
  }

  // ------------------------------------------------------------------ coordinator lookup

  /** The broker coordinating `groupId`: the leader of its __consumer_offsets partition. Creates the topic on first use. */
  async findCoordinator(groupId: string): Promise<CoordinatorLookup> {
    const { metadata } = this.deps;
    if (!(await this.creator.ensure())) return unavailable(`The ${OFFSETS_TOPIC} topic is being created.`);
    const topic = metadata.topic(OFFSETS_TOPIC);
    if (!topic) return unavailable(`The ${OFFSETS_TOPIC} topic does not exist yet.`);
    const leader = topic.partitions[offsetsPartitionFor(groupId, topic.partitions.length)]?.leader ?? -1;
    const node = metadata.brokers().find((b) => b.nodeId === leader) ?? null;
    if (node === null) return unavailable('The group\'s coordinator has no live leader right now.');
    return { errorCode: ErrorCode.NONE, errorMessage: null, node };
  }

  // ------------------------------------------------------------------ membership

  join(req: JoinGroupRequest): Promise<JoinGroupResult> {
    return this.membership<JoinGroupResult>((state, handle, now) => state.join(req, handle, now),
      { errorCode: GroupErrorCode.NOT_COORDINATOR, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: req.memberId, members: [] });
  }

  sync(req: SyncGroupRequest): Promise<SyncGroupResult> {
    return this.membership<SyncGroupResult>((state, handle, now) => state.sync(req, handle, now),
      { errorCode: GroupErrorCode.NOT_COORDINATOR, protocolType: null, protocolName: null, assignment: new Uint8Array(0) });
  }

  heartbeat(req: HeartbeatRequest): Promise<HeartbeatResult> {
    return this.membership<HeartbeatResult>((state, handle, now) => state.heartbeat(req, handle, now), { errorCode: GroupErrorCode.NOT_COORDINATOR });
  }

  leave(req: LeaveGroupRequest): Promise<LeaveGroupResult> {
    return this.membership<LeaveGroupResult>((state, handle, now) => state.leave(req, handle, now),
      { errorCode: GroupErrorCode.NOT_COORDINATOR, members: req.members.map((m) => ({ ...m, errorCode: GroupErrorCode.NOT_COORDINATOR })) });
  }

  /** Feeds one membership request to the core; resolves when its completion is sent (after its records are stored). */
  private membership<R>(call: (state: GroupCoordinatorState, handle: RequestHandle, nowMs: number) => GroupOutput, notCoordinator: R): Promise<R> {
    const state = this.state;
    if (state === null) return Promise.resolve(notCoordinator);
    return new Promise<R>((resolve) => {
      const handle = this.nextHandle++;
      this.waiting.set(handle, (completion) => resolve(completion.result as R));
      this.settle(call(state, handle, this.deps.now()));
    });
  }

  // ------------------------------------------------------------------ offsets

  /** OffsetCommit for one group; per-partition codes. Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION. */
  async commitOffsets(groupId: string, req: { generationId: number; memberId: string; groupInstanceId: string | null; offsets: OffsetCommitEntry[] }): Promise<PartitionResult[]> {
    const state = this.state;
    if (state === null) return req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode: GroupErrorCode.NOT_COORDINATOR }));
    const known = req.offsets.filter((o) => this.deps.metadata.topic(o.topic)?.partitions[o.partition] !== undefined);
    const { results, records } = state.commitOffsets(groupId, { ...req, offsets: known }, this.deps.now());
    const stored = await this.persist(records);
    // Visible to OffsetFetch only once replicated: a coordinator dying before that never showed them.
    this.state?.offsetsSettled(records, stored === GroupErrorCode.NONE);
    const byKey = new Map(results.map((r) => [`${r.topic}\u0000${r.partition}`, r.errorCode === GroupErrorCode.NONE ? stored : r.errorCode]));
    return req.offsets.map((o) => ({
      topic: o.topic, partition: o.partition, errorCode: byKey.get(`${o.topic}\u0000${o.partition}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    }));
  }

  /** OffsetFetch for one group; `partitions` null asks for every committed partition. */
  fetchOffsets(groupId: string, partitions: TopicPartition[] | null): { errorCode: number; partitions: FetchedOffset[] } {
    if (this.state === null) return { errorCode: GroupErrorCode.NOT_COORDINATOR, partitions: [] };
    return this.state.fetchOffsets(groupId, partitions);
  }

  /** OffsetDelete for one group. */
  async deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<{ errorCode: number; results: PartitionResult[] }> {
    if (this.state === null) return { errorCode: GroupErrorCode.NOT_COORDINATOR, results: [] };
    const { errorCode, results, records } = this.state.deleteOffsets(groupId, partitions);
    const stored = await this.persist(records);
    if (stored !== ErrorCode.NONE) return { errorCode: stored, results: [] };
    return { errorCode, results };
  }

  // ------------------------------------------------------------------ administration

  describe(groupIds: string[]): { errorCode: number; group: GroupDescription }[] {
    const state = this.state;
    if (state === null) {
      return groupIds.map((groupId) => ({ errorCode: GroupErrorCode.NOT_COORDINATOR, group: { groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] } }));
    }
    return state.describe(groupIds);
  }

  list(states: GroupState[] | null): ListedGroup[] {
    return this.state?.list(states) ?? [];
  }

  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    if (this.state === null) return groupIds.map((groupId) => ({ groupId, errorCode: GroupErrorCode.NOT_COORDINATOR }));
    const { results, records } = this.state.deleteGroups(groupIds);
    const stored = await this.persist(records);
    return results.map((r) => (r.errorCode === GroupErrorCode.NONE ? { groupId: r.groupId, errorCode: stored } : r));
  }

  // ------------------------------------------------------------------ ownership

  /**
   * Follows leadership of the __consumer_offsets partitions after the partition registry applied
   * new metadata: loads the ones this broker now leads (or leads in a new epoch), drops the rest.
   */
  onPartitionsChanged(): void {
    if (this.stopped) return;
    const topic = this.deps.metadata.topic(OFFSETS_TOPIC);
    if (!topic) {
      for (const index of [...this.owned.keys()]) this.release(index);
      this.state = null;
      return;
    }
    this.ensureState(topic.partitions.length);
    for (let index = 0; index < topic.partitions.length; index += 1) {
      const partition = this.deps.partitions.get(OFFSETS_TOPIC, index);
      const current = this.owned.get(index);
      const leads = partition !== undefined && partition.isLeader;
      if (current && leads && current.partition === partition && current.leaderEpoch === partition.leaderEpoch) continue;
      if (current) this.release(index);
      if (leads) this.acquire(index, partition);
    }
  }

  /** A state whose partition count matches the topic (only changes if the topic was re-created). */
  private ensureState(partitionCount: number): void {
    if (this.state !== null && this.partitionCount === partitionCount) return;
    for (const index of [...this.owned.keys()]) this.release(index);
    const { config } = this.deps;
    this.partitionCount = partitionCount;
    this.state = new GroupCoordinatorState({
      newMemberId: (clientId) => `${clientId}-${randomUUID()}`,
      offsetsPartitionCount: partitionCount,
      ownedPartitions: [],
      config: {
        sessionTimeoutMsMin: config.groupMinSessionTimeoutMs,
        sessionTimeoutMsMax: config.groupMaxSessionTimeoutMs,
        initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        offsetMetadataBytesMax: config.offsetMetadataMaxBytes,
      },
    });
  }

  private acquire(index: number, partition: Partition): void {
    const ownership = { partition, leaderEpoch: partition.leaderEpoch };
    this.owned.set(index, ownership);
    this.state!.beginLoading(index);
    void this.load(index, ownership);
  }

  private release(index: number): void {
    this.owned.delete(index);
    if (this.state === null) return;
    this.deliver(this.state.unload(index).completions, GroupErrorCode.NONE);
  }

  /** Waits until everything the new leader holds is committed, then replays it. */
  private async load(index: number, ownership: Ownership): Promise<void> {
    const { partition } = ownership;
    const current = (): boolean => !this.stopped && this.owned.get(index) === ownership;
    const started = this.deps.now();
    const endOffset = partition.log.logEndOffset;
    // Records above the high watermark may still be truncated away; load only what is committed.
    while (current() && partition.highWatermark < endOffset) await sleep(LOAD_POLL_MS);
    if (!current()) return;
    let records: GroupRecord[];
    try {
      records = readGroupRecords(partition, endOffset, (err, offset) => {
        this.deps.logger.error({ err, partition: index, offset }, `skipping a ${OFFSETS_TOPIC} record that does not decode`);
      });
    } catch (err) {
      this.deps.logger.error({ err, partition: index }, `loading ${OFFSETS_TOPIC} failed; retrying`);
      await sleep(LOAD_RETRY_MS);
      if (current()) void this.load(index, ownership);
      return;
    }
    const state = this.state!;
    const own = records.filter((r) => state.partitionFor(r.groupId) === index);
    state.completeLoading(index, own, this.deps.now());
    this.deps.logger.info({ partition: index, records: own.length, endOffset: String(endOffset), ms: this.deps.now() - started }, 'loaded group coordinator partition');
  }

  // ------------------------------------------------------------------ storing and answering

  /** Stores an output's records, then sends its completions (with the storage error if storing failed). */
  private settle(output: GroupOutput): void {
    if (output.records.length === 0) {
      this.deliver(output.completions, GroupErrorCode.NONE);
      return;
    }
    void this.persist(output.records).then((code) => this.deliver(output.completions, code));
  }

  private deliver(completions: readonly Completion[], errorCode: number): void {
    for (const completion of completions) {
      const resolve = this.waiting.get(completion.handle);
      if (resolve === undefined) continue;
      this.waiting.delete(completion.handle);
      resolve(errorCode === GroupErrorCode.NONE ? completion : withError(completion, errorCode));
    }
  }

  /**
   * Appends records to their __consumer_offsets partitions (one batch per partition, appended now,
   * in the order the state changed) and waits until they are replicated. Returns NONE or the code
   * clients get instead; on failure the partition is reloaded from its log.
   */
  private async persist(records: readonly GroupRecord[]): Promise<number> {
    if (records.length === 0 || this.state === null) return GroupErrorCode.NONE;
    const byPartition = new Map<number, GroupRecord[]>();
    for (const record of records) {
      const index = this.state.partitionFor(record.groupId);
      byPartition.set(index, [...(byPartition.get(index) ?? []), record]);
    }
    const codes = await Promise.all([...byPartition].map(([index, batch]) => this.appendTo(index, batch)));
    return codes.find((code) => code !== GroupErrorCode.NONE) ?? GroupErrorCode.NONE;
  }

  private async appendTo(index: number, records: GroupRecord[]): Promise<number> {
    const ownership = this.owned.get(index);
    const partition = ownership?.partition;
    if (!partition?.isLeader) return this.failWrite(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const configs = this.deps.metadata.topic(OFFSETS_TOPIC)?.configs ?? new Map<string, string>();
    const minInsyncReplicas = topicConfigNumber(this.deps.config, configs, 'min.insync.replicas');
    const refused = partition.acksAllProblem(minInsyncReplicas);
    if (refused !== null) return this.failWrite(index, refused);
    let lastOffset: bigint;
    try {
      lastOffset = partition.append(groupRecordsBatch(records, this.deps.now())).lastOffset;
    } catch (err) {
      this.deps.logger.error({ err, partition: index }, `appending to ${OFFSETS_TOPIC} failed`);
      return this.failWrite(index, ErrorCode.KAFKA_STORAGE_ERROR);
    }
    const code = await partition.waitForAcks(lastOffset + 1n, { timeoutMs: this.deps.config.offsetsCommitTimeoutMs, minInsyncReplicas });
    return code === ErrorCode.NONE ? GroupErrorCode.NONE : this.failWrite(index, code);
  }

  /**
   * A write that did not become durable: memory is ahead of the log, so the partition's groups are
   * dropped and replayed from what the log holds (if this broker still leads it). Returns the code
   * Kafka's coordinator answers for `appendError`.
   */
  private failWrite(index: number, appendError: number): number {
    this.deps.logger.warn({ partition: index, appendError }, 'group write not stored; reloading the partition');
    if (this.owned.has(index)) {
      this.release(index);
      this.onPartitionsChanged();
    }
    if (appendError === ErrorCode.NOT_LEADER_OR_FOLLOWER || appendError === ErrorCode.KAFKA_STORAGE_ERROR) return GroupErrorCode.NOT_COORDINATOR;
    return GroupErrorCode.COORDINATOR_NOT_AVAILABLE;
  }

  // ------------------------------------------------------------------ timers

  private tick(): void {
    if (this.state !== null) this.settle(this.state.tick(this.deps.now()));
  }

  private expireOffsets(): void {
    if (this.state === null) return;
    const output = this.state.expireOffsets(this.deps.now(), this.deps.config.offsetsRetentionMs);
    if (output.records.length > 0) this.deps.logger.info({ records: output.records.length }, 'expired committed offsets');
    this.settle(output);
  }
}

function unavailable(errorMessage: string): CoordinatorLookup {
  return { errorCode: GroupErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage, node: null };
}

/** The same completion with its error code replaced (a storage failure overrides the core's answer). */
function withError(completion: Completion, errorCode: number): Completion {
  switch (completion.kind) {
    case 'join':
      return { ...completion, result: { ...completion.result, errorCode, members: [] } };
    case 'sync':
      return { ...completion, result: { ...completion.result, errorCode, assignment: new Uint8Array(0) } };
    case 'heartbeat':
      return { ...completion, result: { errorCode } };
    case 'leave':
      return { ...completion, result: { errorCode, members: completion.result.members.map((m) => ({ ...m, errorCode })) } };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
