import { ErrorCode } from '@sluice/protocol';
import type { PartitionLog } from '@sluice/storage';
import type { PartitionMetadata } from '../metadata/cluster-metadata.js';
import {
  AckWaiters, LeaderReplicaState,
  type AlterPartitionProposal, type AlterPartitionResponse, type ReplicaUpdate,
} from '../replica/core/index.js';

type AppendListener = () => void;

/** Pending acks=all produce answers per partition, at most. */
const ACK_WAITERS_MAX = 10_000;

/** What a partition needs from the broker around it. */
export interface PartitionContext {
  nodeId: number;
  replicaLagTimeMaxMs: number;
  /** Sends an ISR change to the controller and resolves with its answer. */
  alterPartition(proposal: AlterPartitionProposal): Promise<AlterPartitionResponse>;
  now(): number;
}

/**
 * One partition replica hosted by this broker. As leader it owns the replication state (follower
 * progress, ISR changes, high watermark) and the acks=all produce answers waiting on it; as
 * follower its high watermark is what the leader last reported, never above its own log end.
 * Invariant: logStartOffset <= highWatermark <= logEndOffset.
 */
export class Partition {
  private readonly appendListeners = new Set<AppendListener>();
  private state: PartitionMetadata;
  private leader: LeaderReplicaState | null = null;
  private readonly acks = new AckWaiters<(errorCode: number) => void>({ waitersMax: ACK_WAITERS_MAX });
  private followerHighWatermark: bigint;

  constructor(
    readonly topicName: string,
    readonly topicId: string,
    readonly index: number,
    readonly log: PartitionLog,
    state: PartitionMetadata,
    private readonly context: PartitionContext,
  ) {
    this.state = state;
    this.followerHighWatermark = log.checkpointedHighWatermark;
    this.update(state);
  }

  get leaderEpoch(): number {
    return this.state.leaderEpoch;
  }

  get leaderId(): number {
    return this.state.leader;
  }

  get isLeader(): boolean {
    return this.state.leader === this.context.nodeId;
  }

  get metadata(): PartitionMetadata {
    return this.state;
  }

  get highWatermark(): bigint {
    if (this.leader) return this.leader.status().highWatermark;
    const end = this.log.logEndOffset;
    return this.followerHighWatermark < end ? this.followerHighWatermark : end;
  }

  /**
   * Takes leadership, ISR and epochs from newer metadata. Becoming leader (or a new leader epoch)
   * starts fresh replication state at the current log end; losing leadership fails every waiting
   * acks=all answer with NOT_LEADER_OR_FOLLOWER.
   */
  update(state: PartitionMetadata): void {
    const wasLeaderEpoch = this.leader ? this.state.leaderEpoch : null;
    this.state = state;
    if (state.leader !== this.context.nodeId) {
      if (this.leader) this.followerHighWatermark = this.leader.status().highWatermark;
      this.leader = null;
      this.complete(this.acks.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER));
      return;
    }
    if (this.leader && wasLeaderEpoch === state.leaderEpoch) {
      this.apply(this.leader.onPartitionChange(
        { leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, replicas: state.replicas, isr: state.isr }, this.context.now()));
      return;
    }
    const end = this.log.logEndOffset;
    const hw = this.highWatermarkBeforeLeading();
    this.leader = new LeaderReplicaState({
      localId: this.context.nodeId, topicId: this.topicId, partitionId: this.index,
      leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, replicas: state.replicas, isr: state.isr,
      logEndOffset: end, highWatermark: hw < end ? hw : end,
      replicaLagTimeMaxMs: this.context.replicaLagTimeMaxMs, nowMs: this.context.now(),
    });
    // The high watermark may move at once (an ISR of this broker alone is caught up with itself).
    this.apply(this.leader.onLocalAppend(end));
    this.notify();
  }

  private highWatermarkBeforeLeading(): bigint {
    const hw = this.followerHighWatermark;
    return hw < this.log.logStartOffset ? this.log.logStartOffset : hw;
  }

  /** NOT_ENOUGH_REPLICAS when an acks=all produce must be refused before appending, else null. */
  acksAllProblem(minInsyncReplicas: number): number | null {
    if (!this.leader) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return this.leader.acksAllProblem(minInsyncReplicas);
  }

  /** Appends validated batches as leader and wakes fetches waiting on this partition. */
  append(batches: Buffer): { baseOffset: bigint; lastOffset: bigint } {
    const result = this.log.append(batches, { leaderEpoch: this.state.leaderEpoch });
    if (this.leader) this.apply(this.leader.onLocalAppend(this.log.logEndOffset));
    this.notify();
    return result;
  }

  /**
   * Resolves with NONE once the high watermark passes `requiredOffset` (acks=all), or with
   * REQUEST_TIMED_OUT / NOT_ENOUGH_REPLICAS_AFTER_APPEND / NOT_LEADER_OR_FOLLOWER.
   */
  waitForAcks(requiredOffset: bigint, options: { timeoutMs: number; minInsyncReplicas: number }): Promise<number> {
    if (this.highWatermark >= requiredOffset) return Promise.resolve(ErrorCode.NONE);
    return new Promise((resolve) => {
      const added = this.acks.add({ requiredOffset, deadlineMs: this.context.now() + options.timeoutMs, minInsyncReplicas: options.minInsyncReplicas, value: resolve });
      if (!added.added) resolve(ErrorCode.REQUEST_TIMED_OUT);
    });
  }

  /** A follower fetched from `fetchOffset` (its log end): may advance the high watermark or change the ISR. */
  onFollowerFetch(followerId: number, fetchOffset: bigint): number {
    if (!this.leader) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const outcome = this.leader.onFollowerFetch({ followerId, fetchOffset, nowMs: this.context.now() });
    this.apply(outcome);
    return outcome.errorCode;
  }

  /** The epoch check of a follower's fetch: null when it names this leader epoch. */
  checkFetchEpoch(currentLeaderEpoch: number): number | null {
    if (!this.leader) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return this.leader.checkFetchEpoch(currentLeaderEpoch);
  }

  /**
   * As follower: appends what the leader sent for a fetch from `fetchOffset` and takes its high
   * watermark (never above our log end).
   */
  appendAsFollower(batches: Buffer | null, fetchOffset: bigint, leaderHighWatermark: bigint): void {
    if (batches && batches.length > 0) this.log.appendAsFollower(batches, fetchOffset);
    this.followerHighWatermark = leaderHighWatermark;
    this.notify();
  }

  /** Periodic work: ISR shrink checks, expired acks=all answers. */
  tick(): void {
    if (this.leader) this.apply(this.leader.tick(this.context.now()));
    this.complete(this.acks.expire(this.context.now()));
  }

  /** Replication counts for status views. */
  isrSize(): number {
    return this.leader ? this.leader.status().isr.length : this.state.isr.length;
  }

  private apply(update: ReplicaUpdate): void {
    if (update.newHighWatermark !== null) {
      this.complete(this.acks.release(update.newHighWatermark, this.isrSize()));
      this.notify();
    }
    if (update.proposal) this.propose(update.proposal);
  }

  private propose(proposal: AlterPartitionProposal): void {
    const leader = this.leader;
    this.context.alterPartition(proposal).then(
      (response) => { if (this.leader === leader && leader) this.apply(leader.onAlterPartitionResult(response, this.context.now())); },
      () => { if (this.leader === leader && leader) this.apply(leader.onAlterPartitionResult({ kind: 'failed', proposalId: proposal.proposalId, errorCode: ErrorCode.REQUEST_TIMED_OUT }, this.context.now())); },
    );
  }

  private complete(completions: readonly { value: (errorCode: number) => void; errorCode: number }[]): void {
    for (const c of completions) c.value(c.errorCode);
  }

  private notify(): void {
    for (const listener of [...this.appendListeners]) listener();
  }

  /** Calls `listener` after every append or high watermark move until the returned function is called. */
  onAppend(listener: AppendListener): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }
}

/**
 * Resolves on the first append or high watermark move of any of `partitions`, after `waitMs`, or
 * when `signal` aborts: the long poll of consumer fetches and of followers' replication fetches.
 */
export function waitForAnyAppend(partitions: readonly (Partition | undefined)[], waitMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: (() => void)[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, waitMs);
    signal?.addEventListener('abort', finish, { once: true });
    for (const partition of partitions) if (partition) unsubscribes.push(partition.onAppend(finish));
  });
}
