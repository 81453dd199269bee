import type { ReplicaProgress } from './progress.js';
import type { RaftState, Role } from './state.js';

/** One replica in DescribeQuorum. Ticks are -1 when unknown; offsets -1 when unknown. */
export interface ReplicaStatus {
  readonly id: number;
  readonly logEndOffset: number;
  readonly lastFetchTick: number;
  readonly lastCaughtUpTick: number;
}

/**
 * This node's view of the quorum, for DescribeQuorum (KIP-595, KIP-836). Only a leader knows
 * the other replicas' progress; elsewhere they are listed with -1 values.
 */
export interface QuorumStatus {
  readonly nodeId: number;
  readonly role: Role;
  readonly epoch: number;
  readonly leaderId: number | null;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly voters: readonly ReplicaStatus[];
  readonly observers: readonly ReplicaStatus[];
}

/** Builds the status from the state. */
export function quorumStatus(state: RaftState): QuorumStatus {
  const self: ReplicaStatus = {
    id: state.nodeId,
    logEndOffset: state.log.endOffset,
    lastFetchTick: state.nowTick,
    lastCaughtUpTick: state.nowTick,
  };
  const leader = state.leader;
  const ofProgress = (p: ReplicaProgress): ReplicaStatus => ({
    id: p.id,
    logEndOffset: p.endOffset,
    lastFetchTick: p.lastFetchTick,
    lastCaughtUpTick: p.lastCaughtUpTick,
  });
  const unknown = (id: number): ReplicaStatus => ({ id, logEndOffset: -1, lastFetchTick: -1, lastCaughtUpTick: -1 });
  const voters = state.config.voterIds.map((id) => {
    if (id === state.nodeId) return self;
    const progress = leader?.voters.get(id);
    return progress === undefined ? unknown(id) : ofProgress(progress);
  });
  const observers = leader === null ? (state.isVoter ? [] : [self]) : [...leader.observers.values()].map(ofProgress);
  return {
    nodeId: state.nodeId,
    role: state.role,
    epoch: state.epoch,
    leaderId: state.leaderId,
    highWatermark: state.highWatermark,
    logStartOffset: state.log.startOffset,
    logEndOffset: state.log.endOffset,
    voters,
    observers,
  };
}
