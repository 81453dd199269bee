/**
 * The registry of classic groups one broker coordinates: routes each request to its
 * `ClassicGroup`, answers NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS for groups whose
 * __consumer_offsets partition this broker does not own or is still loading, and rebuilds its
 * state from records (`replay`, `completeLoading`). Pure: time is an argument, member ids come
 * from the injected `newMemberId`.
 */
import { GroupErrorCode, invariant } from './errors.js';
import { ClassicGroup, type GroupDescription } from './group.js';
import type { FetchedOffset, OffsetCommitEntry, PartitionResult, TopicPartition } from './group-offsets.js';
import type {
  Completion, GroupConfig, GroupOutput, GroupRecord, GroupState, HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest,
  NewMemberId, RequestHandle, SyncGroupRequest,
} from './types.js';
import { DEFAULT_GROUP_CONFIG } from './types.js';

/** Options of the registry. */
export interface GroupCoordinatorOptions {
  readonly newMemberId: NewMemberId;
  readonly config?: GroupConfig;
  /** offsets.topic.num.partitions (Kafka 50). */
  readonly offsetsPartitionCount?: number;
  /** The __consumer_offsets partitions this broker leads; 'all' (the default) for a single broker or tests. */
  readonly ownedPartitions?: 'all' | readonly number[];
}

/** ListGroups data for one group. */
export interface ListedGroup {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: GroupState;
}

/**
 * Kafka's partitionFor: abs(Java String.hashCode(groupId)) mod the partition count, so a group
 * lands on the same __consumer_offsets partition as in Kafka.
 */
export function offsetsPartitionFor(groupId: string, partitionCount: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i += 1) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
  return (hash & 0x7fffffff) % partitionCount;
}

type PartitionStatus = 'loading' | 'active';

/** All classic groups of one coordinator. */
export class GroupCoordinatorState {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly config: GroupConfig;
  private readonly newMemberId: NewMemberId;
  private readonly partitionCount: number;
  /** Null means every partition is active. */
  private readonly partitions: Map<number, PartitionStatus> | null;

  constructor(options: GroupCoordinatorOptions) {
    this.config = options.config ?? DEFAULT_GROUP_CONFIG;
    this.newMemberId = options.newMemberId;
    this.partitionCount = options.offsetsPartitionCount ?? 50;
    invariant(Number.isInteger(this.partitionCount) && this.partitionCount > 0, 'offsetsPartitionCount must be a positive integer');
    const owned = options.ownedPartitions ?? 'all';
    this.partitions = owned === 'all' ? null : new Map(owned.map((p) => [p, 'active' as const]));
  }

  /**
   * Rebuilds a coordinator from the records of its __consumer_offsets partitions, in log order.
   * Groups with members come back Stable with sessions starting at `nowMs`.
   */
  static replay(records: readonly GroupRecord[], options: GroupCoordinatorOptions & { readonly nowMs: number }): GroupCoordinatorState {
    const state = new GroupCoordinatorState(options);
    for (const r of records) state.applyRecord(r, options.nowMs);
    return state;
  }

  /** The __consumer_offsets partition a group's records go to. */
  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.partitionCount);
  }

  /** NONE, NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS for a group id. */
  coordinatorError(groupId: string): number {
    if (this.partitions === null) return GroupErrorCode.NONE;
    const status = this.partitions.get(this.partitionFor(groupId));
    if (status === undefined) return GroupErrorCode.NOT_COORDINATOR;
    return status === 'loading' ? GroupErrorCode.COORDINATOR_LOAD_IN_PROGRESS : GroupErrorCode.NONE;
  }

  /** This broker became leader of an offsets partition; requests get LOAD_IN_PROGRESS until `completeLoading`. */
  beginLoading(partition: number): void {
    invariant(this.partitions !== null, 'partition ownership is only tracked when ownedPartitions is a list');
    this.partitions.set(partition, 'loading');
  }

  /** Applies the partition's records (log order) and starts serving its groups. */
  completeLoading(partition: number, records: readonly GroupRecord[], nowMs: number): void {
    for (const r of records) {
      invariant(this.partitionFor(r.groupId) === partition, `record of ${r.groupId} is not in partition ${partition}`);
      this.applyRecord(r, nowMs);
    }
    this.partitions?.set(partition, 'active');
  }

  /** This broker lost an offsets partition: drop its groups and answer their waiting requests NOT_COORDINATOR. */
  unload(partition: number): GroupOutput {
    const completions: Completion[] = [];
    for (const [id, group] of [...this.groups]) {
      if (this.partitionFor(id) !== partition) continue;
      completions.push(...group.failAllWaiting(GroupErrorCode.NOT_COORDINATOR).completions);
      this.groups.delete(id);
    }
    this.partitions?.delete(partition);
    return { completions, records: [] };
  }

  /** The group, if this coordinator holds it. */
  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  /** JoinGroup; creates the group on first join. See `ClassicGroup.join` for the codes. */
  join(req: JoinGroupRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    const error = this.coordinatorError(req.groupId);
    if (error !== GroupErrorCode.NONE) {
      return only({ kind: 'join', handle, result: { errorCode: error, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: req.memberId, members: [] } });
    }
    return this.getOrCreate(req.groupId).join(req, handle, nowMs);
  }

  /** SyncGroup; UNKNOWN_MEMBER_ID for an unknown group. */
  sync(req: SyncGroupRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    const error = this.coordinatorError(req.groupId) || (this.groups.has(req.groupId) ? 0 : GroupErrorCode.UNKNOWN_MEMBER_ID);
    if (error !== GroupErrorCode.NONE) {
      return only({ kind: 'sync', handle, result: { errorCode: error, protocolType: null, protocolName: null, assignment: new Uint8Array(0) } });
    }
    return (this.groups.get(req.groupId) as ClassicGroup).sync(req, handle, nowMs);
  }

  /** Heartbeat; UNKNOWN_MEMBER_ID for an unknown group. */
  heartbeat(req: HeartbeatRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    const error = this.coordinatorError(req.groupId) || (this.groups.has(req.groupId) ? 0 : GroupErrorCode.UNKNOWN_MEMBER_ID);
    if (error !== GroupErrorCode.NONE) return only({ kind: 'heartbeat', handle, result: { errorCode: error } });
    return (this.groups.get(req.groupId) as ClassicGroup).heartbeat(req, handle, nowMs);
  }

  /** LeaveGroup; UNKNOWN_MEMBER_ID (per member too) for an unknown group. */
  leave(req: LeaveGroupRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    const error = this.coordinatorError(req.groupId) || (this.groups.has(req.groupId) ? 0 : GroupErrorCode.UNKNOWN_MEMBER_ID);
    if (error !== GroupErrorCode.NONE) {
      return only({ kind: 'leave', handle, result: { errorCode: error, members: req.members.map((m) => ({ ...m, errorCode: error })) } });
    }
    return (this.groups.get(req.groupId) as ClassicGroup).leave(req, handle, nowMs);
  }

  /** Advances every group's time. */
  tick(nowMs: number): GroupOutput {
    const completions: Completion[] = [];
    const records: GroupRecord[] = [];
    for (const group of this.groups.values()) {
      const out = group.tick(nowMs);
      completions.push(...out.completions);
      records.push(...out.records);
    }
    return { completions, records };
  }

  /** Earliest time a `tick` can change anything, or null. */
  nextDeadlineMs(): number | null {
    const times = [...this.groups.values()].map((g) => g.nextDeadlineMs()).filter((t): t is number => t !== null);
    return times.length === 0 ? null : Math.min(...times);
  }

  /**
   * OffsetCommit. An unknown group is created for a simple consumer's commit (generation < 0);
   * otherwise every partition gets ILLEGAL_GENERATION, as in Kafka.
   */
  commitOffsets(groupId: string, req: { readonly generationId: number; readonly memberId: string; readonly groupInstanceId?: string | null; readonly offsets: readonly OffsetCommitEntry[] }, nowMs: number): { results: PartitionResult[]; records: GroupRecord[] } {
    const error = this.coordinatorError(groupId) || (this.groups.has(groupId) || req.generationId < 0 ? 0 : GroupErrorCode.ILLEGAL_GENERATION);
    if (error !== GroupErrorCode.NONE) return { results: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode: error })), records: [] };
    return this.getOrCreate(groupId).commitOffsets(req, nowMs);
  }

  /**
   * The offset-commit records of an OffsetCommit were written (`stored`: replicated) or not: stored
   * ones become the groups' committed offsets, unless deleted meanwhile (a group deleted or unloaded,
   * an offset deleted or the group's offsets tombstoned: the log says so too); others are dropped.
   */
  offsetsSettled(records: readonly GroupRecord[], stored: boolean): void {
    for (const record of records) {
      if (record.kind !== 'offset-commit' || this.coordinatorError(record.groupId) !== GroupErrorCode.NONE) continue;
      const { topic, partition, offset, leaderEpoch, metadata, commitTimestampMs } = record;
      this.groups.get(record.groupId)?.offsets.settle({ topic, partition, offset, leaderEpoch, metadata, commitTimestampMs }, stored);
    }
  }

  /** OffsetFetch: `partitions` null asks for all. Unknown groups have nothing committed. */
  fetchOffsets(groupId: string, partitions: readonly TopicPartition[] | null): { errorCode: number; partitions: FetchedOffset[] } {
    const error = this.coordinatorError(groupId);
    if (error !== GroupErrorCode.NONE) return { errorCode: error, partitions: [] };
    const group = this.groups.get(groupId);
    if (group === undefined) return { errorCode: 0, partitions: (partitions ?? []).map((p) => ({ ...p, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0 })) };
    return { errorCode: 0, partitions: group.offsets.fetch(partitions) };
  }

  /** OffsetDelete: GROUP_ID_NOT_FOUND for an unknown group; see `ClassicGroup.deleteOffsets`. */
  deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): { errorCode: number; results: PartitionResult[]; records: GroupRecord[] } {
    const error = this.coordinatorError(groupId) || (this.groups.has(groupId) ? 0 : GroupErrorCode.GROUP_ID_NOT_FOUND);
    if (error !== GroupErrorCode.NONE) return { errorCode: error, results: [], records: [] };
    return { errorCode: 0, ...(this.groups.get(groupId) as ClassicGroup).deleteOffsets(partitions) };
  }

  /** DescribeGroups: an unknown group is described as Dead with no error, as Kafka does. */
  describe(groupIds: readonly string[]): { errorCode: number; group: GroupDescription }[] {
    return groupIds.map((groupId) => {
      const errorCode = this.coordinatorError(groupId);
      const group = this.groups.get(groupId);
      if (errorCode !== GroupErrorCode.NONE || group === undefined) {
        return { errorCode, group: { groupId, state: 'Dead' as const, protocolType: '', protocolName: '', members: [] } };
      }
      return { errorCode, group: group.describe() };
    });
  }

  /** ListGroups, optionally filtered by state (v4+); loading partitions' groups are left out. */
  list(states: readonly GroupState[] | null = null): ListedGroup[] {
    return [...this.groups.values()]
      .filter((g) => this.coordinatorError(g.groupId) === GroupErrorCode.NONE && (states === null || states.length === 0 || states.includes(g.state)))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  /** DeleteGroups: per group NONE, NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, or a coordinator error. */
  deleteGroups(groupIds: readonly string[]): { results: { groupId: string; errorCode: number }[]; records: GroupRecord[] } {
    const records: GroupRecord[] = [];
    const results = groupIds.map((groupId) => {
      const error = this.coordinatorError(groupId) || (this.groups.has(groupId) ? 0 : GroupErrorCode.GROUP_ID_NOT_FOUND);
      if (error !== GroupErrorCode.NONE) return { groupId, errorCode: error };
      const out = (this.groups.get(groupId) as ClassicGroup).markDead();
      if (out.errorCode === GroupErrorCode.NONE) this.groups.delete(groupId);
      records.push(...out.records);
      return { groupId, errorCode: out.errorCode };
    });
    return { results, records };
  }

  /**
   * Expires offsets past `retentionMs` in the groups this coordinator serves (see
   * `ClassicGroup.expireOffsets`); an Empty group left with no offset is deleted (a tombstone),
   * as Kafka's offset cleanup does.
   */
  expireOffsets(nowMs: number, retentionMs: number): GroupOutput {
    const records: GroupRecord[] = [];
    for (const group of [...this.groups.values()]) {
      if (this.coordinatorError(group.groupId) !== GroupErrorCode.NONE) continue;
      records.push(...group.expireOffsets(nowMs, retentionMs));
      if (group.state === 'Empty' && group.isEmpty && group.offsets.size === 0 && !group.offsets.hasPending) {
        records.push(...group.markDead().records);
        this.groups.delete(group.groupId);
      }
    }
    return { completions: [], records };
  }

  private getOrCreate(groupId: string): ClassicGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new ClassicGroup({ groupId, config: this.config, newMemberId: this.newMemberId });
      this.groups.set(groupId, group);
    }
    return group;
  }

  private applyRecord(record: GroupRecord, nowMs: number): void {
    switch (record.kind) {
      case 'group-metadata':
        this.getOrCreate(record.groupId).loadMetadata(record, nowMs);
        return;
      case 'group-tombstone':
        this.groups.delete(record.groupId);
        return;
      case 'offset-commit': {
        const { topic, partition, offset, leaderEpoch, metadata, commitTimestampMs } = record;
        this.getOrCreate(record.groupId).offsets.put({ topic, partition, offset, leaderEpoch, metadata, commitTimestampMs });
        return;
      }
      case 'offset-tombstone':
        this.groups.get(record.groupId)?.offsets.remove(record.topic, record.partition);
        return;
      default:
        assertNeverRecord(record);
    }
  }
}

function assertNeverRecord(record: never): never {
  throw new Error(`Unknown group record ${JSON.stringify(record)}.`);
}

function only(completion: Completion): GroupOutput {
  return { completions: [completion], records: [] };
}
