/**
 * One classic-protocol consumer group as a pure state machine (Kafka's GroupCoordinator.scala
 * and GroupMetadata.scala, rewritten): JoinGroup, SyncGroup, Heartbeat, LeaveGroup, session
 * expiry on `tick(nowMs)`, and committed offsets. Time is always an argument; member ids come
 * from the injected `newMemberId`. Every input returns a `GroupOutput`: the responses it
 * completed (its own or earlier waiting ones) and the records to persist before sending them.
 *
 * States: Empty → PreparingRebalance → CompletingRebalance → Stable, back to PreparingRebalance
 * on any membership change, and Dead once deleted. Invariant: generationId only increases, by
 * one per completed join phase; there is at most one leader, and it is a member.
 */
import { assertNever, GroupErrorCode, invariant } from './errors.js';
import { GroupOffsets, type OffsetCommitEntry, type PartitionResult, type TopicPartition } from './group-offsets.js';
import {
  memberStateOf, metadataFor, NO_BYTES, sameProtocols, selectedProtocolOf, storedMemberOf, subscribedTopicsOfMembers, type MemberState,
} from './group-helpers.js';
import type {
  Completion, GroupConfig, GroupOutput, GroupRecord, GroupState, HeartbeatRequest, JoinGroupRequest, JoinGroupResult,
  LeaveGroupRequest, LeaveGroupResult, NewMemberId, RequestHandle, StoredMember, SyncGroupRequest, SyncGroupResult,
} from './types.js';

/** Options of a group. */
export interface ClassicGroupOptions {
  readonly groupId: string;
  readonly config: GroupConfig;
  readonly newMemberId: NewMemberId;
}

/** DescribeGroups data for one group. */
export interface GroupDescription {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  readonly protocolName: string;
  readonly members: readonly {
    readonly memberId: string;
    readonly groupInstanceId: string | null;
    readonly clientId: string;
    readonly clientHost: string;
    readonly metadata: Uint8Array;
    readonly assignment: Uint8Array;
  }[];
}

/** KIP-134 state while an empty group waits for more members before its first join completes. */
interface InitialDelay {
  remainingMs: number;
  newMemberAdded: boolean;
}

const C = GroupErrorCode;

/** A classic consumer group. One instance per group id; the driver feeds it through one queue. */
export class ClassicGroup {
  readonly groupId: string;
  private readonly config: GroupConfig;
  private readonly newMemberId: NewMemberId;
  private stateValue: GroupState = 'Empty';
  private generation = 0;
  private protocolTypeValue: string | null = null;
  private protocolNameValue: string | null = null;
  /** Invariant: null, or the id of a current member. */
  private leaderIdValue: string | null = null;
  /** Insertion order is join order; the first member leads a new group. */
  private readonly members = new Map<string, MemberState>();
  /** KIP-394: ids handed out with MEMBER_ID_REQUIRED, with the time they expire. */
  private readonly pendingMembers = new Map<string, number>();
  /** KIP-345: group.instance.id → current member id. */
  private readonly staticMembers = new Map<string, string>();
  /** When the join phase ends at the latest; null unless PreparingRebalance. */
  private joinDeadlineMs: number | null = null;
  private initialDelay: InitialDelay | null = null;
  /** When the group last became Empty (offset expiry counts from there, KIP-211); null if never known. */
  private emptySinceMs: number | null = null;
  /** Committed offsets. */
  readonly offsets = new GroupOffsets();
  private completions: Completion[] = [];
  private records: GroupRecord[] = [];

  constructor(options: ClassicGroupOptions) {
    this.groupId = options.groupId;
    this.config = options.config;
    this.newMemberId = options.newMemberId;
  }

  /** Current state. */
  get state(): GroupState { return this.stateValue; }
  /** Current generation id (0 before the first join completes). */
  get generationId(): number { return this.generation; }
  /** Current leader, or null. */
  get leaderId(): string | null { return this.leaderIdValue; }
  /** Chosen protocol of the current generation, or null. */
  get protocolName(): string | null { return this.protocolNameValue; }
  /** Protocol type (e.g. "consumer"), or null before anyone joined. */
  get protocolType(): string | null { return this.protocolTypeValue; }
  /** Current member ids, in join order. */
  memberIds(): string[] { return [...this.members.keys()]; }
  /** The assignment a member holds (empty while rebalancing). */
  assignmentOf(memberId: string): Uint8Array | undefined { return this.members.get(memberId)?.assignment; }
  /** Whether the group has no members and no waiting KIP-394 ids. */
  get isEmpty(): boolean { return this.members.size === 0 && this.pendingMembers.size === 0; }

  // ---------------------------------------------------------------- JoinGroup

  /**
   * JoinGroup. May return: NONE, MEMBER_ID_REQUIRED (v4+, with the id to rejoin with),
   * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL,
   * COORDINATOR_NOT_AVAILABLE (group being deleted). A join that must wait for the rebalance is
   * answered by a later input.
   */
  join(req: JoinGroupRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    const error = this.joinPrecheck(req);
    if (error !== C.NONE) {
      this.completeJoin(handle, this.joinError(error, req.memberId));
    } else if (req.memberId === '') {
      this.joinUnknownMember(req, handle, nowMs);
    } else {
      this.joinKnownMember(req, handle, nowMs);
    }
    return this.drain();
  }

  private joinPrecheck(req: JoinGroupRequest): number {
    if (this.stateValue === 'Dead') return C.COORDINATOR_NOT_AVAILABLE;
    if (req.sessionTimeoutMs < this.config.sessionTimeoutMsMin || req.sessionTimeoutMs > this.config.sessionTimeoutMsMax) return C.INVALID_SESSION_TIMEOUT;
    if (!this.supportsProtocols(req)) return C.INCONSISTENT_GROUP_PROTOCOL;
    return C.NONE;
  }

  /** GroupMetadata.supportsProtocols: an empty group takes anything; otherwise same type and a common protocol. */
  private supportsProtocols(req: JoinGroupRequest): boolean {
    if (req.protocolType === '' || req.protocols.length === 0) return false;
    const others = [...this.members.values()].filter((m) => m.memberId !== req.memberId);
    if (others.length === 0) return true;
    if (req.protocolType !== this.protocolTypeValue) return false;
    return selectedProtocolOf([req.protocols, ...others.map((m) => m.protocols)]) !== null;
  }

  private joinUnknownMember(req: JoinGroupRequest, handle: RequestHandle, nowMs: number): void {
    const existingId = req.groupInstanceId === null ? undefined : this.staticMembers.get(req.groupInstanceId);
    if (existingId !== undefined) {
      this.replaceStaticMember(req, existingId, handle, nowMs);
      return;
    }
    const memberId = this.newMemberId(req.clientId);
    if (req.groupInstanceId === null && req.apiVersion >= 4) {
      // KIP-394: hand out the id first, so a client that times out and retries cannot leave
      // orphan members behind; the id expires like a session if the client never comes back.
      this.pendingMembers.set(memberId, nowMs + req.sessionTimeoutMs);
      this.completeJoin(handle, this.joinError(C.MEMBER_ID_REQUIRED, memberId));
      return;
    }
    this.addMemberAndRebalance(req, memberId, handle, nowMs);
  }

  private joinKnownMember(req: JoinGroupRequest, handle: RequestHandle, nowMs: number): void {
    if (this.pendingMembers.has(req.memberId)) {
      this.pendingMembers.delete(req.memberId);
      this.addMemberAndRebalance(req, req.memberId, handle, nowMs);
      return;
    }
    const error = this.memberCheck(req.memberId, req.groupInstanceId);
    const member = this.members.get(req.memberId);
    if (error !== C.NONE || member === undefined) {
      this.completeJoin(handle, this.joinError(error === C.NONE ? C.UNKNOWN_MEMBER_ID : error, req.memberId));
      return;
    }
    member.sessionDeadlineMs = nowMs + req.sessionTimeoutMs;
    const unchanged = sameProtocols(member.protocols, req.protocols);
    switch (this.stateValue) {
      case 'PreparingRebalance':
        this.updateMemberAndRebalance(member, req, handle, nowMs);
        return;
      case 'CompletingRebalance':
        if (unchanged) this.completeJoin(handle, this.joinResult(member.memberId));
        else this.updateMemberAndRebalance(member, req, handle, nowMs);
        return;
      case 'Stable':
        if (unchanged && member.memberId !== this.leaderIdValue) this.completeJoin(handle, this.joinResult(member.memberId));
        else this.updateMemberAndRebalance(member, req, handle, nowMs);
        return;
      case 'Empty':
      case 'Dead':
        this.completeJoin(handle, this.joinError(C.UNKNOWN_MEMBER_ID, req.memberId));
        return;
      default:
        assertNever(this.stateValue);
    }
  }

  /** UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID for a request naming a member, else NONE. */
  private memberCheck(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const current = this.staticMembers.get(groupInstanceId);
      if (current !== undefined && current !== memberId) return C.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? C.NONE : C.UNKNOWN_MEMBER_ID;
  }

  private addMemberAndRebalance(req: JoinGroupRequest, memberId: string, handle: RequestHandle, nowMs: number): void {
    if (this.members.size === 0) this.protocolTypeValue = req.protocolType;
    this.members.set(memberId, {
      memberId, groupInstanceId: req.groupInstanceId, clientId: req.clientId, clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs, rebalanceTimeoutMs: req.rebalanceTimeoutMs, protocols: req.protocols,
      assignment: NO_BYTES, joinHandle: handle, syncHandle: null, sessionDeadlineMs: nowMs + req.sessionTimeoutMs,
    });
    if (req.groupInstanceId !== null) this.staticMembers.set(req.groupInstanceId, memberId);
    if (this.leaderIdValue === null) this.leaderIdValue = memberId;
    if (this.initialDelay !== null) this.initialDelay.newMemberAdded = true;
    this.maybePrepareRebalance(nowMs);
    this.tryCompleteJoinPhase(nowMs);
  }

  private updateMemberAndRebalance(member: MemberState, req: JoinGroupRequest, handle: RequestHandle, nowMs: number): void {
    if (member.joinHandle !== null && member.joinHandle !== handle) {
      // A newer join from the same member replaces the older one; answer the old one so no
      // request is left hanging.
      this.completeJoin(member.joinHandle, this.joinError(C.REBALANCE_IN_PROGRESS, member.memberId));
    }
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.joinHandle = handle;
    this.maybePrepareRebalance(nowMs);
    this.tryCompleteJoinPhase(nowMs);
  }

  /**
   * KIP-345: a static member restarted with a new member id. The old id is fenced (its waiting
   * requests get FENCED_INSTANCE_ID). In a Stable group with unchanged protocols it takes over
   * the old assignment without a rebalance; otherwise it joins a rebalance.
   */
  private replaceStaticMember(req: JoinGroupRequest, oldId: string, handle: RequestHandle, nowMs: number): void {
    const old = this.members.get(oldId);
    invariant(old !== undefined, `static member ${oldId} must be a member`);
    const newId = this.newMemberId(req.clientId);
    if (old.joinHandle !== null) this.completeJoin(old.joinHandle, this.joinError(C.FENCED_INSTANCE_ID, oldId));
    if (old.syncHandle !== null) this.completeSync(old.syncHandle, this.syncError(C.FENCED_INSTANCE_ID));
    const unchanged = sameProtocols(old.protocols, req.protocols);
    const replaced: MemberState = {
      ...old, memberId: newId, clientId: req.clientId, clientHost: req.clientHost, sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs, protocols: req.protocols, joinHandle: null, syncHandle: null,
      sessionDeadlineMs: nowMs + req.sessionTimeoutMs,
    };
    this.members.delete(oldId);
    this.members.set(newId, replaced);
    this.staticMembers.set(req.groupInstanceId as string, newId);
    if (this.leaderIdValue === oldId) this.leaderIdValue = newId;
    if (this.stateValue === 'Stable' && unchanged) {
      this.records.push(this.metadataRecord(nowMs));
      this.completeJoin(handle, this.joinResult(newId, false));
      return;
    }
    replaced.joinHandle = handle;
    this.maybePrepareRebalance(nowMs);
    this.tryCompleteJoinPhase(nowMs);
  }

  private maybePrepareRebalance(nowMs: number): void {
    if (this.stateValue === 'Stable' || this.stateValue === 'CompletingRebalance' || this.stateValue === 'Empty') {
      this.prepareRebalance(nowMs);
    }
  }

  private prepareRebalance(nowMs: number): void {
    if (this.stateValue === 'CompletingRebalance') this.failPendingSyncs(C.REBALANCE_IN_PROGRESS);
    for (const m of this.members.values()) m.assignment = NO_BYTES;
    const rebalanceTimeoutMs = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    const delayMs = Math.min(this.config.initialRebalanceDelayMs, rebalanceTimeoutMs);
    if (this.stateValue === 'Empty' && delayMs > 0) {
      // KIP-134: let more members arrive before the first assignment of an empty group.
      this.initialDelay = { remainingMs: rebalanceTimeoutMs - delayMs, newMemberAdded: false };
      this.joinDeadlineMs = nowMs + delayMs;
    } else {
      this.initialDelay = null;
      this.joinDeadlineMs = nowMs + rebalanceTimeoutMs;
    }
    this.stateValue = 'PreparingRebalance';
  }

  /** The join phase ends early once every member and every KIP-394 id has (re)joined. */
  private tryCompleteJoinPhase(nowMs: number): void {
    if (this.stateValue !== 'PreparingRebalance' || this.initialDelay !== null) return;
    const allJoined = [...this.members.values()].every((m) => m.joinHandle !== null) && this.pendingMembers.size === 0;
    if (allJoined) this.finishJoinPhase(nowMs);
  }

  /** GroupCoordinator.onCompleteJoin: drop members that did not rejoin, start the next generation. */
  private finishJoinPhase(nowMs: number): void {
    for (const m of [...this.members.values()]) {
      if (m.joinHandle === null) this.removeMemberState(m.memberId);
    }
    this.joinDeadlineMs = null;
    this.initialDelay = null;
    this.generation += 1;
    if (this.members.size === 0) {
      this.stateValue = 'Empty';
      this.emptySinceMs = nowMs;
      this.protocolNameValue = null;
      this.records.push(this.metadataRecord(nowMs));
      return;
    }
    this.protocolNameValue = selectedProtocolOf([...this.members.values()].map((m) => m.protocols));
    invariant(this.protocolNameValue !== null, 'joined members must share a protocol');
    this.stateValue = 'CompletingRebalance';
    for (const m of this.members.values()) {
      const handle = m.joinHandle as RequestHandle;
      m.joinHandle = null;
      m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
      this.completeJoin(handle, this.joinResult(m.memberId));
    }
  }

  private joinResult(memberId: string, includeMembers = true): JoinGroupResult {
    const isLeader = includeMembers && memberId === this.leaderIdValue;
    return {
      errorCode: C.NONE, generationId: this.generation, protocolType: this.protocolTypeValue, protocolName: this.protocolNameValue,
      leader: this.leaderIdValue ?? '', memberId,
      members: isLeader ? [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: metadataFor(m, this.protocolNameValue) })) : [],
    };
  }

  private joinError(errorCode: number, memberId: string): JoinGroupResult {
    return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
  }

  // ---------------------------------------------------------------- SyncGroup

  /**
   * SyncGroup. May return: NONE, COORDINATOR_NOT_AVAILABLE, FENCED_INSTANCE_ID,
   * UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL, REBALANCE_IN_PROGRESS.
   * A follower's sync waits for the leader's; the leader's sync stores the group and answers all.
   */
  sync(req: SyncGroupRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    const error = this.syncPrecheck(req);
    const member = this.members.get(req.memberId);
    if (error !== C.NONE || member === undefined) {
      this.completeSync(handle, this.syncError(error === C.NONE ? C.UNKNOWN_MEMBER_ID : error));
      return this.drain();
    }
    member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
    if (this.stateValue === 'Stable') {
      this.completeSync(handle, this.syncResult(member.assignment));
    } else if (this.stateValue === 'PreparingRebalance') {
      this.completeSync(handle, this.syncError(C.REBALANCE_IN_PROGRESS));
    } else {
      if (member.syncHandle !== null) this.completeSync(member.syncHandle, this.syncError(C.REBALANCE_IN_PROGRESS));
      member.syncHandle = handle;
      if (member.memberId === this.leaderIdValue) this.applyLeaderAssignment(req, nowMs);
    }
    return this.drain();
  }

  private syncPrecheck(req: SyncGroupRequest): number {
    if (this.stateValue === 'Dead') return C.COORDINATOR_NOT_AVAILABLE;
    const memberError = this.memberCheck(req.memberId, req.groupInstanceId);
    if (memberError !== C.NONE) return memberError;
    if (req.generationId !== this.generation) return C.ILLEGAL_GENERATION;
    if (req.protocolType !== null && req.protocolType !== this.protocolTypeValue) return C.INCONSISTENT_GROUP_PROTOCOL;
    if (req.protocolName !== null && req.protocolName !== this.protocolNameValue) return C.INCONSISTENT_GROUP_PROTOCOL;
    return C.NONE;
  }

  /** The leader's assignment ends the rebalance: members it left out get an empty assignment. */
  private applyLeaderAssignment(req: SyncGroupRequest, nowMs: number): void {
    const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of this.members.values()) m.assignment = given.get(m.memberId) ?? NO_BYTES;
    this.records.push(this.metadataRecord(nowMs));
    this.stateValue = 'Stable';
    for (const m of this.members.values()) {
      if (m.syncHandle === null) continue;
      this.completeSync(m.syncHandle, this.syncResult(m.assignment));
      m.syncHandle = null;
    }
  }

  private failPendingSyncs(errorCode: number): void {
    for (const m of this.members.values()) {
      if (m.syncHandle === null) continue;
      this.completeSync(m.syncHandle, this.syncError(errorCode));
      m.syncHandle = null;
    }
  }

  private syncResult(assignment: Uint8Array): SyncGroupResult {
    return { errorCode: C.NONE, protocolType: this.protocolTypeValue, protocolName: this.protocolNameValue, assignment };
  }

  private syncError(errorCode: number): SyncGroupResult {
    return { errorCode, protocolType: null, protocolName: null, assignment: NO_BYTES };
  }

  // ---------------------------------------------------------------- Heartbeat, LeaveGroup, tick

  /**
   * Heartbeat. May return: NONE, REBALANCE_IN_PROGRESS (rejoin), ILLEGAL_GENERATION,
   * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, COORDINATOR_NOT_AVAILABLE.
   */
  heartbeat(req: HeartbeatRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    this.completions.push({ kind: 'heartbeat', handle, result: { errorCode: this.heartbeatError(req, nowMs) } });
    return this.drain();
  }

  private heartbeatError(req: HeartbeatRequest, nowMs: number): number {
    if (this.stateValue === 'Dead') return C.COORDINATOR_NOT_AVAILABLE;
    const memberError = this.memberCheck(req.memberId, req.groupInstanceId);
    if (memberError !== C.NONE) return memberError;
    if (this.stateValue === 'Empty') return C.UNKNOWN_MEMBER_ID;
    if (req.generationId !== this.generation) return C.ILLEGAL_GENERATION;
    const member = this.members.get(req.memberId) as MemberState;
    member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
    return this.stateValue === 'PreparingRebalance' ? C.REBALANCE_IN_PROGRESS : C.NONE;
  }

  /**
   * LeaveGroup (v3+ batches, KIP-345). Top level: NONE or COORDINATOR_NOT_AVAILABLE; per member:
   * NONE, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID. A static member may leave by instance id alone.
   */
  leave(req: LeaveGroupRequest, handle: RequestHandle, nowMs: number): GroupOutput {
    let result: LeaveGroupResult;
    if (this.stateValue === 'Dead') {
      result = { errorCode: C.COORDINATOR_NOT_AVAILABLE, members: req.members.map((m) => ({ ...m, errorCode: C.COORDINATOR_NOT_AVAILABLE })) };
    } else {
      result = { errorCode: C.NONE, members: req.members.map((m) => ({ ...m, errorCode: this.leaveOne(m.memberId, m.groupInstanceId, nowMs) })) };
    }
    this.completions.push({ kind: 'leave', handle, result });
    return this.drain();
  }

  private leaveOne(memberId: string, groupInstanceId: string | null, nowMs: number): number {
    if (groupInstanceId === null && this.pendingMembers.delete(memberId)) {
      this.tryCompleteJoinPhase(nowMs);
      return C.NONE;
    }
    let id = memberId;
    if (groupInstanceId !== null) {
      const current = this.staticMembers.get(groupInstanceId);
      if (current === undefined) return C.UNKNOWN_MEMBER_ID;
      if (memberId !== '' && memberId !== current) return C.FENCED_INSTANCE_ID;
      id = current;
    }
    if (!this.members.has(id)) return C.UNKNOWN_MEMBER_ID;
    this.removeMemberAndUpdateGroup(id, nowMs);
    return C.NONE;
  }

  /**
   * Advances time: expires sessions (members not waiting in a join or sync) and KIP-394 ids,
   * and ends a join phase whose deadline passed (KIP-134 delays are extended while members
   * keep arriving, up to the rebalance timeout).
   */
  tick(nowMs: number): GroupOutput {
    for (const [id, deadline] of [...this.pendingMembers]) {
      if (deadline <= nowMs) {
        this.pendingMembers.delete(id);
        this.tryCompleteJoinPhase(nowMs);
      }
    }
    for (const m of [...this.members.values()]) {
      const waiting = (this.stateValue === 'PreparingRebalance' && m.joinHandle !== null) || m.syncHandle !== null;
      if (!waiting && m.sessionDeadlineMs <= nowMs && this.members.has(m.memberId)) this.removeMemberAndUpdateGroup(m.memberId, nowMs);
    }
    if (this.stateValue === 'PreparingRebalance' && this.joinDeadlineMs !== null && this.joinDeadlineMs <= nowMs) {
      const delay = this.initialDelay;
      if (delay !== null && delay.newMemberAdded && delay.remainingMs > 0) {
        const stepMs = Math.min(this.config.initialRebalanceDelayMs, delay.remainingMs);
        this.initialDelay = { remainingMs: delay.remainingMs - stepMs, newMemberAdded: false };
        this.joinDeadlineMs = nowMs + stepMs;
      } else {
        this.finishJoinPhase(nowMs);
      }
    }
    return this.drain();
  }

  /** The earliest time at which `tick` can change anything (for the driver's timer), or null. */
  nextDeadlineMs(): number | null {
    const times = [...this.pendingMembers.values(), ...[...this.members.values()].map((m) => m.sessionDeadlineMs)];
    if (this.joinDeadlineMs !== null) times.push(this.joinDeadlineMs);
    return times.length === 0 ? null : Math.min(...times);
  }

  private removeMemberAndUpdateGroup(memberId: string, nowMs: number): void {
    const member = this.members.get(memberId) as MemberState;
    if (member.joinHandle !== null) this.completeJoin(member.joinHandle, this.joinError(C.UNKNOWN_MEMBER_ID, memberId));
    if (member.syncHandle !== null) this.completeSync(member.syncHandle, this.syncError(C.UNKNOWN_MEMBER_ID));
    this.removeMemberState(memberId);
    if (this.stateValue === 'Stable' || this.stateValue === 'CompletingRebalance') this.prepareRebalance(nowMs);
    this.tryCompleteJoinPhase(nowMs);
  }

  private removeMemberState(memberId: string): void {
    const member = this.members.get(memberId);
    if (member === undefined) return;
    this.members.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) this.staticMembers.delete(member.groupInstanceId);
    if (this.leaderIdValue === memberId) {
      // Prefer a member already waiting in the join phase, as Kafka does, so the leader gets metadata.
      const next = [...this.members.values()].find((m) => m.joinHandle !== null) ?? this.members.values().next().value;
      this.leaderIdValue = next === undefined ? null : next.memberId;
    }
  }

  // ---------------------------------------------------------------- offsets

  /**
   * OffsetCommit. Per partition: NONE, COORDINATOR_NOT_AVAILABLE, FENCED_INSTANCE_ID,
   * UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, OFFSET_METADATA_TOO_LARGE.
   * Generation < 0 on an Empty group is a simple (standalone) consumer's commit. As in Kafka,
   * a member of the current generation may still commit while the group is PreparingRebalance
   * (kafkajs and the Java client commit before rejoining); CompletingRebalance refuses.
   * The accepted offsets come back as records and are pending: visible (OffsetFetch) only once those
   * are stored (`GroupCoordinatorState.offsetsSettled`), as Kafka's pending commits.
   */
  commitOffsets(req: { readonly generationId: number; readonly memberId: string; readonly groupInstanceId?: string | null; readonly offsets: readonly OffsetCommitEntry[] }, nowMs: number): { results: PartitionResult[]; records: GroupRecord[] } {
    const error = this.commitError(req.generationId, req.memberId, req.groupInstanceId ?? null);
    if (error === C.NONE && req.generationId >= 0) {
      const member = this.members.get(req.memberId) as MemberState;
      member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
    }
    const records: GroupRecord[] = [];
    const results = req.offsets.map((o) => {
      let errorCode: number = error;
      if (errorCode === C.NONE && new TextEncoder().encode(o.metadata ?? '').byteLength > this.config.offsetMetadataBytesMax) errorCode = C.OFFSET_METADATA_TOO_LARGE;
      if (errorCode === C.NONE) {
        const entry = { topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata ?? '', commitTimestampMs: nowMs };
        this.offsets.addPending(o.topic, o.partition);
        records.push({ kind: 'offset-commit', groupId: this.groupId, ...entry });
      }
      return { topic: o.topic, partition: o.partition, errorCode };
    });
    return { results, records };
  }

  private commitError(generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (this.stateValue === 'Dead') return C.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && this.stateValue === 'Empty') return C.NONE;
    const memberError = this.memberCheck(memberId, groupInstanceId);
    if (memberError !== C.NONE) return memberError;
    if (generationId !== this.generation) return C.ILLEGAL_GENERATION;
    if (this.stateValue === 'CompletingRebalance') return C.REBALANCE_IN_PROGRESS;
    return C.NONE;
  }

  /**
   * OffsetDelete. Per partition: NONE, or GROUP_SUBSCRIBED_TO_TOPIC when the group has members
   * and one of them subscribes to the topic (consumer protocol) or the subscription is unreadable.
   */
  deleteOffsets(partitions: readonly TopicPartition[]): { results: PartitionResult[]; records: GroupRecord[] } {
    const subscribed = subscribedTopicsOfMembers(this.members.values(), this.protocolTypeValue);
    const records: GroupRecord[] = [];
    const results = partitions.map(({ topic, partition }) => {
      if (subscribed === 'all' || subscribed.has(topic)) return { topic, partition, errorCode: C.GROUP_SUBSCRIBED_TO_TOPIC };
      if (this.offsets.remove(topic, partition)) records.push({ kind: 'offset-tombstone', groupId: this.groupId, topic, partition });
      return { topic, partition, errorCode: C.NONE };
    });
    return { results, records };
  }



  /**
   * Removes offsets past `retentionMs` (offsets.retention.minutes, KIP-211) and returns their
   * tombstones: in an Empty group every offset committed, and emptied, that long ago; in a consumer
   * group with members only offsets of topics none of them subscribes to, by commit time.
   */
  expireOffsets(nowMs: number, retentionMs: number): GroupRecord[] {
    const subscribed = subscribedTopicsOfMembers(this.members.values(), this.protocolTypeValue);
    if (subscribed === 'all' || this.stateValue === 'Dead') return [];
    const emptySinceMs = this.isEmpty ? this.emptySinceMs ?? Number.NEGATIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return this.offsets.expire(this.groupId, (c) => !subscribed.has(c.topic) && Math.max(emptySinceMs, c.commitTimestampMs) + retentionMs <= nowMs);
  }

  // ---------------------------------------------------------------- describe, delete, records

  /** DescribeGroups data. */
  describe(): GroupDescription {
    const showAssignment = this.stateValue === 'Stable';
    return {
      groupId: this.groupId, state: this.stateValue, protocolType: this.protocolTypeValue ?? '', protocolName: this.protocolNameValue ?? '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        metadata: showAssignment ? metadataFor(m, this.protocolNameValue) : NO_BYTES, assignment: showAssignment ? m.assignment : NO_BYTES,
      })),
    };
  }

  /**
   * DeleteGroups for this group: NON_EMPTY_GROUP unless Empty; otherwise the group becomes Dead
   * and the records are tombstones for every offset and for the group itself.
   */
  markDead(): { errorCode: number; records: GroupRecord[] } {
    if (this.stateValue === 'Dead') return { errorCode: C.GROUP_ID_NOT_FOUND, records: [] };
    if (this.stateValue !== 'Empty' || !this.isEmpty) return { errorCode: C.NON_EMPTY_GROUP, records: [] };
    this.stateValue = 'Dead';
    return { errorCode: C.NONE, records: [...this.offsets.tombstoneAll(this.groupId), { kind: 'group-tombstone', groupId: this.groupId }] };
  }

  /** The group metadata record Kafka writes after a sync, on becoming Empty, and on a static replacement. */
  metadataRecord(nowMs: number): GroupRecord {
    const members: StoredMember[] = [...this.members.values()].map((m) => storedMemberOf(m, this.protocolNameValue));
    return {
      kind: 'group-metadata', groupId: this.groupId, protocolType: this.protocolTypeValue, generationId: this.generation,
      protocolName: this.protocolNameValue, leaderId: this.leaderIdValue, stateTimestampMs: nowMs, members,
    };
  }

  /**
   * Loads a group metadata record (coordinator failover): members come back Stable with fresh
   * sessions starting at `nowMs`, or the group is Empty when the record has none.
   */
  loadMetadata(record: Extract<GroupRecord, { kind: 'group-metadata' }>, nowMs: number): void {
    this.members.clear();
    this.staticMembers.clear();
    this.pendingMembers.clear();
    this.generation = record.generationId;
    this.protocolTypeValue = record.protocolType;
    this.protocolNameValue = record.protocolName;
    this.leaderIdValue = record.members.length === 0 ? null : record.leaderId;
    for (const s of record.members) {
      this.members.set(s.memberId, memberStateOf(s, record.protocolName, nowMs));
      if (s.groupInstanceId !== null) this.staticMembers.set(s.groupInstanceId, s.memberId);
    }
    this.stateValue = record.members.length === 0 ? 'Empty' : 'Stable';
    this.emptySinceMs = record.members.length === 0 && record.stateTimestampMs >= 0 ? record.stateTimestampMs : null;
    this.joinDeadlineMs = null;
    this.initialDelay = null;
  }

  /** Answers every waiting join and sync with `errorCode` (the coordinator is moving away). */
  failAllWaiting(errorCode: number): GroupOutput {
    for (const m of this.members.values()) {
      if (m.joinHandle !== null) this.completeJoin(m.joinHandle, this.joinError(errorCode, m.memberId));
      if (m.syncHandle !== null) this.completeSync(m.syncHandle, this.syncError(errorCode));
      m.joinHandle = null;
      m.syncHandle = null;
    }
    return this.drain();
  }

  private completeJoin(handle: RequestHandle, result: JoinGroupResult): void {
    this.completions.push({ kind: 'join', handle, result });
  }

  private completeSync(handle: RequestHandle, result: SyncGroupResult): void {
    this.completions.push({ kind: 'sync', handle, result });
  }

  private drain(): GroupOutput {
    const out = { completions: this.completions, records: this.records };
    this.completions = [];
    this.records = [];
    return out;
  }
}
