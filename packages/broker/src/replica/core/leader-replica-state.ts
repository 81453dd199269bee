/**
 * One partition's replication state on its leader, for one leader epoch: the followers'
 * progress, the high watermark and ISR changes (Kafka's Partition: updateFollowerFetchState,
 * maybeIncrementLeaderHW, maybeExpandIsr, maybeShrinkIsr; KIP-497 AlterPartition with the
 * maximal ISR). A pure state machine: time is an input (`nowMs`, from the driver's monotonic
 * clock), there is no IO, and every input returns what the driver must do (`ReplicaUpdate`).
 *
 * A new leader epoch is a new instance: the driver builds one when this broker becomes leader
 * and drops it (failing every waiting acks=all produce) when it stops being leader.
 */
import {
  type AlterPartitionProposal, type AlterPartitionResponse, type PartitionChange, alterPartitionErrorHandling,
} from './alter-partition.js';
import { ReplicaErrorCode, assertNever, invariant } from './errors.js';
import { type ReplicaProgress, initialProgress, isCaughtUp, progressAfterFetch, progressOnIsrJoin } from './replica-progress.js';

/**
 * How long to wait before re-sending an AlterPartition that got no verdict, or proposing again
 * after a rejected one: Kafka's retry.backoff.ms default.
 */
export const ALTER_PARTITION_RETRY_BACKOFF_MS_DEFAULT = 100;

/** The state a broker becomes leader with (from the partition registration and its own log). */
export interface LeaderReplicaOptions {
  readonly localId: number;
  readonly topicId: string;
  readonly partitionId: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly replicas: readonly number[];
  /** Must contain `localId`. */
  readonly isr: readonly number[];
  /** The local log end offset now; it becomes the leader epoch start offset. */
  readonly logEndOffset: bigint;
  /** The checkpointed high watermark (clamped to the log end offset). */
  readonly highWatermark: bigint;
  /** replica.lag.time.max.ms: how long an ISR member may go without catching up. */
  readonly replicaLagTimeMaxMs: number;
  readonly nowMs: number;
  /** Defaults to ALTER_PARTITION_RETRY_BACKOFF_MS_DEFAULT. */
  readonly alterPartitionRetryBackoffMs?: number;
}

/** What an input asks of the driver. Both fields null means nothing to do. */
export interface ReplicaUpdate {
  /**
   * The high watermark, when this input advanced it: release acks=all waiters up to it, wake
   * consumer fetches, and let the next checkpoint store it.
   */
  readonly newHighWatermark: bigint | null;
  /** An AlterPartition to send now; its answer goes to `onAlterPartitionResult`. */
  readonly proposal: AlterPartitionProposal | null;
}

/** A follower's fetch, after `checkFetchEpoch` and the divergence check passed. */
export interface FollowerFetch {
  readonly followerId: number;
  /** The follower's log end offset. */
  readonly fetchOffset: bigint;
  readonly nowMs: number;
}

/** The result of a follower fetch: an error code for the partition, or its effects. */
export interface FollowerFetchOutcome extends ReplicaUpdate {
  /** NONE, NOT_LEADER_OR_FOLLOWER (not a replica) or OFFSET_OUT_OF_RANGE (beyond our log end). */
  readonly errorCode: number;
  /** The high watermark to send back in the fetch answer. */
  readonly highWatermark: bigint;
}

/** One replica in `status()`: what DescribeTopic-like tools show. */
export interface ReplicaStatus {
  readonly replicaId: number;
  /** Null for a follower that has not fetched in this leader epoch. */
  readonly logEndOffset: bigint | null;
  /** For the leader, the latest time it was given; null for a follower never caught up this epoch. */
  readonly lastCaughtUpTimeMs: number | null;
  readonly inIsr: boolean;
}

/** A read-only view of the whole state. */
export interface LeaderReplicaStatus {
  readonly topicId: string;
  readonly partitionId: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly leaderEpochStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly highWatermark: bigint;
  readonly isr: readonly number[];
  readonly maximalIsr: readonly number[];
  readonly pendingProposal: AlterPartitionProposal | null;
  readonly replicas: readonly ReplicaStatus[];
}

interface PendingProposal {
  readonly proposal: AlterPartitionProposal;
  /** When to send it again; null while in flight or while waiting for the metadata log. */
  readonly retryAtMs: number | null;
}

const NOTHING: ReplicaUpdate = { newHighWatermark: null, proposal: null };

/** The leader's replication state for one partition and one leader epoch. See the file comment. */
export class LeaderReplicaState {
  readonly localId: number;
  readonly topicId: string;
  readonly partitionId: number;
  readonly leaderEpoch: number;
  /** The leader's log end offset when this epoch began; an ISR joiner must have reached it. */
  readonly leaderEpochStartOffset: bigint;
  private readonly replicaLagTimeMaxMs: number;
  private readonly retryBackoffMs: number;
  /** Invariant: only grows, with each committed change applied. */
  private partitionEpochCurrent: number;
  /** The committed replica set. Invariant: distinct, contains localId. */
  private replicaIds: readonly number[];
  /** The committed ISR. Invariant: non-empty, distinct, ⊆ replicaIds, contains localId. */
  private isrIds: readonly number[];
  /** Invariant: never decreases (a leader never truncates its own log within its epoch). */
  private logEnd: bigint;
  /** Invariant: never decreases within the leader epoch; hw <= logEnd. */
  private hw: bigint;
  /** One entry per follower in replicaIds (never localId). */
  private readonly followers = new Map<number, ReplicaProgress>();
  /** Invariant: at most one AlterPartition outstanding (KIP-497). */
  private pending: PendingProposal | null = null;
  /** After a rejected proposal, nothing new is proposed before this time. */
  private proposeNotBeforeMs = Number.NEGATIVE_INFINITY;
  private nextProposalId = 1;
  /** Invariant: inputs' times never go back. */
  private lastNowMs: number;

  /** Becomes leader. Read `highWatermark` afterwards: with a lone ISR it may already have advanced. */
  constructor(options: LeaderReplicaOptions) {
    checkMembership(options.localId, options);
    invariant(options.replicaLagTimeMaxMs > 0, `replicaLagTimeMaxMs ${options.replicaLagTimeMaxMs} must be positive.`);
    invariant(options.logEndOffset >= 0n && options.highWatermark >= 0n, 'Offsets must not be negative.');
    this.localId = options.localId;
    this.topicId = options.topicId;
    this.partitionId = options.partitionId;
    this.leaderEpoch = options.leaderEpoch;
    this.partitionEpochCurrent = options.partitionEpoch;
    this.replicaIds = [...options.replicas];
    this.isrIds = [...options.isr];
    this.logEnd = options.logEndOffset;
    this.leaderEpochStartOffset = options.logEndOffset;
    this.hw = options.highWatermark < options.logEndOffset ? options.highWatermark : options.logEndOffset;
    this.replicaLagTimeMaxMs = options.replicaLagTimeMaxMs;
    this.retryBackoffMs = options.alterPartitionRetryBackoffMs ?? ALTER_PARTITION_RETRY_BACKOFF_MS_DEFAULT;
    this.lastNowMs = options.nowMs;
    for (const id of this.replicaIds) {
      if (id !== this.localId) this.followers.set(id, initialProgress(this.isrIds.includes(id), options.nowMs));
    }
    this.advanceHighWatermark();
  }

  get partitionEpoch(): number {
    return this.partitionEpochCurrent;
  }

  get replicas(): readonly number[] {
    return this.replicaIds;
  }

  /** The committed ISR: what acks=all and min.insync.replicas count. */
  get isr(): readonly number[] {
    return this.isrIds;
  }

  /**
   * The ISR the high watermark waits for (KIP-497): the committed ISR plus a follower whose
   * addition is pending. A pending removal still counts until committed.
   */
  get maximalIsr(): readonly number[] {
    const extra = (this.pending?.proposal.newIsr ?? []).filter((id) => !this.isrIds.includes(id));
    return [...this.isrIds, ...extra];
  }

  get highWatermark(): bigint {
    return this.hw;
  }

  get logEndOffset(): bigint {
    return this.logEnd;
  }

  /** The AlterPartition outstanding (in flight, waiting to be re-sent, or waiting for metadata), or null. */
  get pendingProposal(): AlterPartitionProposal | null {
    return this.pending?.proposal ?? null;
  }

  /**
   * KIP-320 fencing of a replica fetch: the follower must fetch under our leader epoch. An older
   * epoch (including -1: our followers always know the epoch) is FENCED_LEADER_EPOCH; a newer one
   * means our metadata is behind: UNKNOWN_LEADER_EPOCH. Returns the error code or null.
   */
  checkFetchEpoch(currentLeaderEpoch: number): number | null {
    if (currentLeaderEpoch === this.leaderEpoch) return null;
    return currentLeaderEpoch < this.leaderEpoch ? ReplicaErrorCode.FENCED_LEADER_EPOCH : ReplicaErrorCode.UNKNOWN_LEADER_EPOCH;
  }

  /**
   * acks=all admission (Kafka's Partition.appendRecordsToLeader): NOT_ENOUGH_REPLICAS when the
   * committed ISR is smaller than min.insync.replicas, so nothing is appended; null otherwise.
   */
  acksAllProblem(minInsyncReplicas: number): number | null {
    return this.isrIds.length < minInsyncReplicas ? ReplicaErrorCode.NOT_ENOUGH_REPLICAS : null;
  }

  /** The local log grew to `logEndOffset` (after an append). With a lone ISR this commits it. */
  onLocalAppend(logEndOffset: bigint): ReplicaUpdate {
    invariant(logEndOffset >= this.logEnd, `The leader's log end went back from ${this.logEnd} to ${logEndOffset}.`);
    this.logEnd = logEndOffset;
    return { newHighWatermark: this.advanceHighWatermark(), proposal: null };
  }

  /**
   * A follower fetched from `fetchOffset`, its log end offset. Records its progress (Kafka's
   * lastCaughtUpTimeMs rule, see replica-progress.ts), advances the high watermark, and proposes
   * adding it to the ISR when its log end is at or past both the high watermark and the leader
   * epoch start offset. Rejected without any change: a non-replica (NOT_LEADER_OR_FOLLOWER) and
   * an offset beyond our log end (OFFSET_OUT_OF_RANGE).
   * Call it only for a fetch that passed `checkFetchEpoch` and had no diverging epoch.
   */
  onFollowerFetch(fetch: FollowerFetch): FollowerFetchOutcome {
    const progress = this.followers.get(fetch.followerId);
    if (progress === undefined) return this.fetchRejected(ReplicaErrorCode.NOT_LEADER_OR_FOLLOWER);
    if (fetch.fetchOffset < 0n || fetch.fetchOffset > this.logEnd) return this.fetchRejected(ReplicaErrorCode.OFFSET_OUT_OF_RANGE);
    this.observeTime(fetch.nowMs);
    const observation = { fetchOffset: fetch.fetchOffset, leaderLogEndOffset: this.logEnd, nowMs: fetch.nowMs };
    this.followers.set(fetch.followerId, progressAfterFetch(progress, observation));
    const newHighWatermark = this.advanceHighWatermark();
    const proposal = this.expansionFor(fetch.followerId, fetch.nowMs);
    return { errorCode: ReplicaErrorCode.NONE, highWatermark: this.hw, newHighWatermark, proposal };
  }

  /**
   * The timer (call it at least every replicaLagTimeMaxMs / 2, as Kafka's isr-expiration task
   * does): re-sends a proposal whose backoff is over, or proposes removing every ISR follower that
   * has not caught up within replicaLagTimeMaxMs (at most one proposal outstanding).
   */
  tick(nowMs: number): ReplicaUpdate {
    this.observeTime(nowMs);
    if (this.pending !== null) return { newHighWatermark: null, proposal: this.resendIfDue(nowMs) };
    if (nowMs < this.proposeNotBeforeMs) return NOTHING;
    const limits = { leaderLogEndOffset: this.logEnd, nowMs, replicaLagTimeMaxMs: this.replicaLagTimeMaxMs };
    const lagging = this.isrIds.filter((id) => id !== this.localId && !isCaughtUp(this.followers.get(id)!, limits));
    if (lagging.length === 0) return NOTHING;
    return { newHighWatermark: null, proposal: this.propose('shrink', this.isrIds.filter((id) => !lagging.includes(id))) };
  }

  /**
   * A committed change of this partition from the metadata log, same leader epoch (a new leader
   * epoch needs a new instance). Stale or repeated partition epochs are ignored. Applying one
   * replaces any pending proposal (its answer, if it comes, is then ignored) and may advance the
   * high watermark (a shrink removes a laggard the high watermark was waiting for).
   */
  onPartitionChange(change: PartitionChange, nowMs: number): ReplicaUpdate {
    invariant(change.leaderEpoch === this.leaderEpoch,
      `Leader epoch ${change.leaderEpoch} given to the state of epoch ${this.leaderEpoch}: build a new LeaderReplicaState.`);
    this.observeTime(nowMs);
    if (change.partitionEpoch <= this.partitionEpochCurrent) return NOTHING;
    this.applyCommitted(change, nowMs);
    return { newHighWatermark: this.advanceHighWatermark(), proposal: null };
  }

  /**
   * The controller's answer to a proposal. A committed state newer than ours is applied (as
   * `onPartitionChange`; the metadata log will repeat it and be ignored). An error for the
   * outstanding proposal is handled per `alterPartitionErrorHandling`; answers to earlier sends
   * are ignored. The driver must report exactly one answer per sent proposal, a transport failure
   * as `failed` with a retry code such as REQUEST_TIMED_OUT.
   */
  onAlterPartitionResult(response: AlterPartitionResponse, nowMs: number): ReplicaUpdate {
    this.observeTime(nowMs);
    switch (response.kind) {
      case 'committed': {
        if (response.partition.leaderEpoch !== this.leaderEpoch) return NOTHING;
        if (response.partition.partitionEpoch > this.partitionEpochCurrent) {
          this.applyCommitted(response.partition, nowMs);
          return { newHighWatermark: this.advanceHighWatermark(), proposal: null };
        }
        if (this.pending?.proposal.proposalId === response.proposalId) this.pending = null;
        return NOTHING;
      }
      case 'failed':
        invariant(response.errorCode !== ReplicaErrorCode.NONE, 'A failed AlterPartition answer carries error code 0.');
        this.handleFailure(response.proposalId, response.errorCode, nowMs);
        return NOTHING;
      default:
        return assertNever(response);
    }
  }

  /** Every replica's progress, the epochs, the ISRs and the outstanding proposal. */
  status(): LeaderReplicaStatus {
    const replicas = this.replicaIds.map((replicaId): ReplicaStatus => {
      const inIsr = this.isrIds.includes(replicaId);
      if (replicaId === this.localId) return { replicaId, logEndOffset: this.logEnd, lastCaughtUpTimeMs: this.lastNowMs, inIsr };
      const progress = this.followers.get(replicaId)!;
      return { replicaId, logEndOffset: progress.logEndOffset, lastCaughtUpTimeMs: progress.lastCaughtUpTimeMs, inIsr };
    });
    return {
      topicId: this.topicId, partitionId: this.partitionId, leaderId: this.localId, leaderEpoch: this.leaderEpoch,
      partitionEpoch: this.partitionEpochCurrent, leaderEpochStartOffset: this.leaderEpochStartOffset, logEndOffset: this.logEnd,
      highWatermark: this.hw, isr: this.isrIds, maximalIsr: this.maximalIsr, pendingProposal: this.pendingProposal, replicas,
    };
  }

  /**
   * Raises the high watermark to the smallest log end offset in the maximal ISR, the leader's
   * included (Kafka's maybeIncrementLeaderHW). A member that has not fetched in this epoch holds
   * it where it is. Returns the new value, or null when it did not move.
   */
  private advanceHighWatermark(): bigint | null {
    let candidate = this.logEnd;
    for (const id of this.maximalIsr) {
      if (id === this.localId) continue;
      const end = this.followers.get(id)!.logEndOffset;
      if (end === null) return null;
      if (end < candidate) candidate = end;
    }
    if (candidate <= this.hw) return null;
    this.hw = candidate;
    return candidate;
  }

  /** Kafka's needsExpandIsr, for a follower that just fetched. */
  private expansionFor(followerId: number, nowMs: number): AlterPartitionProposal | null {
    if (this.pending !== null || nowMs < this.proposeNotBeforeMs || this.isrIds.includes(followerId)) return null;
    const end = this.followers.get(followerId)!.logEndOffset;
    if (end === null || end < this.hw || end < this.leaderEpochStartOffset) return null;
    return this.propose('expand', [...this.isrIds, followerId]);
  }

  private propose(kind: AlterPartitionProposal['kind'], newIsr: readonly number[]): AlterPartitionProposal {
    invariant(this.pending === null, 'A second AlterPartition proposal while one is outstanding.');
    const proposal: AlterPartitionProposal = {
      proposalId: this.nextProposalId++, kind, brokerId: this.localId, topicId: this.topicId, partitionId: this.partitionId,
      leaderEpoch: this.leaderEpoch, partitionEpoch: this.partitionEpochCurrent, newIsr,
    };
    this.pending = { proposal, retryAtMs: null };
    return proposal;
  }

  /** Re-sends the pending proposal, under a new id, once its backoff is over. */
  private resendIfDue(nowMs: number): AlterPartitionProposal | null {
    const pending = this.pending;
    if (pending === null || pending.retryAtMs === null || nowMs < pending.retryAtMs) return null;
    const proposal = { ...pending.proposal, proposalId: this.nextProposalId++ };
    this.pending = { proposal, retryAtMs: null };
    return proposal;
  }

  private handleFailure(proposalId: number, errorCode: number, nowMs: number): void {
    const pending = this.pending;
    if (pending === null || pending.proposal.proposalId !== proposalId) return;
    const handling = alterPartitionErrorHandling(errorCode);
    switch (handling) {
      case 'reset':
        this.pending = null;
        this.proposeNotBeforeMs = nowMs + this.retryBackoffMs;
        return;
      case 'await-metadata':
        this.pending = { proposal: pending.proposal, retryAtMs: null };
        return;
      case 'retry':
        this.pending = { proposal: pending.proposal, retryAtMs: nowMs + this.retryBackoffMs };
        return;
      default:
        assertNever(handling);
    }
  }

  /**
   * Takes a committed replica set and ISR. A follower that joins the ISR is treated as caught up
   * now, so it gets one lag period before it can be removed again: the expansion rule (log end at
   * the high watermark) does not require it to have reached our log end, and without this grace
   * such a follower would be removed at the next tick (a deliberate addition to Kafka, which
   * grants the same grace only to ISR members when a leader epoch starts).
   */
  private applyCommitted(change: PartitionChange, nowMs: number): void {
    checkMembership(this.localId, change);
    for (const id of [...this.followers.keys()]) if (!change.replicas.includes(id)) this.followers.delete(id);
    for (const id of change.replicas) {
      if (id === this.localId) continue;
      const progress = this.followers.get(id) ?? initialProgress(false, nowMs);
      const joins = change.isr.includes(id) && !this.isrIds.includes(id);
      this.followers.set(id, joins ? progressOnIsrJoin(progress, nowMs) : progress);
    }
    this.replicaIds = [...change.replicas];
    this.isrIds = [...change.isr];
    this.partitionEpochCurrent = change.partitionEpoch;
    this.pending = null;
  }

  private fetchRejected(errorCode: number): FollowerFetchOutcome {
    return { errorCode, highWatermark: this.hw, newHighWatermark: null, proposal: null };
  }

  private observeTime(nowMs: number): void {
    invariant(nowMs >= this.lastNowMs, `Time went back from ${this.lastNowMs} to ${nowMs} ms.`);
    this.lastNowMs = nowMs;
  }
}

/** Checks the PartitionRegistration invariants that matter here, with `localId` as the leader. */
function checkMembership(localId: number, state: { readonly replicas: readonly number[]; readonly isr: readonly number[] }): void {
  invariant(new Set(state.replicas).size === state.replicas.length, `Replicas ${state.replicas} repeat a broker.`);
  invariant(new Set(state.isr).size === state.isr.length, `ISR ${state.isr} repeats a broker.`);
  invariant(state.isr.every((id) => state.replicas.includes(id)), `ISR ${state.isr} is not within replicas ${state.replicas}.`);
  invariant(state.isr.includes(localId), `The leader ${localId} is not in the ISR ${state.isr}.`);
}
