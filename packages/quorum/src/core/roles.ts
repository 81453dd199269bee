import { invariant } from './errors.js';
import { RaftError } from './messages.js';
import { newReplicaProgress, type ParkedFetch } from './progress.js';
import { fetchErrorResponse } from './responses.js';
import type { RaftState } from './state.js';
import { startElectionRound } from './election.js';
import { maybeAdvanceHighWatermark, sendBeginQuorumEpoch } from './leader.js';

/**
 * Role transitions (KIP-595 state machine, plus KIP-996's prospective state). Each clears the
 * previous role's state first and records the hard state when it changes.
 */

/**
 * Drops role-specific state. Returns the fetches a leader had parked, to be answered with
 * NOT_LEADER once the new role is set, so the answer names the new epoch and leader.
 */
function leaveRole(state: RaftState): ParkedFetch[] {
  const parked = state.leader === null ? [] : [...state.leader.parked.values()];
  state.leader = null;
  state.round = null;
  state.inflight = null;
  state.download = null;
  return parked;
}

/** Answers fetches a former leader had parked, so drivers can complete the pending calls. */
function answerParkedWithNotLeader(state: RaftState, parked: readonly ParkedFetch[]): void {
  for (const fetch of parked) {
    state.send(fetch.from, fetchErrorResponse(state, fetch.request.correlationId, RaftError.NOT_LEADER));
  }
}

/** Moves to `epoch` (when higher), forgetting the vote and leader of the old one. */
function enterEpoch(state: RaftState, epoch: number): void {
  invariant(epoch >= state.epoch, `epoch ${epoch} below ${state.epoch}`);
  if (epoch > state.epoch) {
    state.epoch = epoch;
    state.votedFor = null;
    state.leaderId = null;
    state.endedLeaderId = null;
  }
}

/**
 * A voter without a leader in `epoch`: it waits a random election timeout (or `timeoutTicks`,
 * e.g. after EndQuorumEpoch) and then starts a pre-vote. Keeps its vote in the same epoch.
 */
export function becomeUnattached(state: RaftState, epoch: number, timeoutTicks?: number): void {
  invariant(state.isVoter, 'observers are never unattached');
  const parked = leaveRole(state);
  enterEpoch(state, epoch);
  if (state.leaderId !== null) state.endedLeaderId = state.leaderId;
  state.leaderId = null;
  state.role = 'unattached';
  state.electionDeadlineTick = state.nowTick + (timeoutTicks ?? state.randomElectionTimeoutTicks());
  state.saveHardState();
  state.logger.info({ nodeId: state.nodeId, epoch: state.epoch }, 'unattached');
  answerParkedWithNotLeader(state, parked);
}

/** A voter that follows `leaderId` in `epoch` and fetches from it. */
export function becomeFollower(state: RaftState, epoch: number, leaderId: number): void {
  invariant(state.isVoter, 'observers never follow as voters');
  invariant(leaderId !== state.nodeId, 'a node never follows itself');
  if (state.role === 'follower' && state.epoch === epoch && state.leaderId === leaderId) return;
  const parked = leaveRole(state);
  enterEpoch(state, epoch);
  state.leaderId = leaderId;
  state.role = 'follower';
  // The fetch timer starts now (KIP-595 FollowerState); fetching starts at once.
  state.lastLeaderContactTick = state.nowTick;
  state.nextFetchTick = state.nowTick;
  state.saveHardState();
  state.logger.info({ nodeId: state.nodeId, epoch, leaderId }, 'following');
  answerParkedWithNotLeader(state, parked);
}

/** An observer in `epoch`, with a known leader or discovering one (KIP-595 observers). */
export function becomeObserver(state: RaftState, epoch: number, leaderId: number | null): void {
  invariant(!state.isVoter, 'voters are never observers');
  const changed = epoch > state.epoch || leaderId !== state.leaderId;
  if (!changed) return;
  const parked = leaveRole(state);
  enterEpoch(state, epoch);
  state.leaderId = leaderId;
  state.lastLeaderContactTick = state.nowTick;
  state.nextFetchTick = state.nowTick;
  state.saveHardState();
  state.logger.info({ nodeId: state.nodeId, epoch, leaderId }, 'observing');
  answerParkedWithNotLeader(state, parked);
}

/**
 * Starts a pre-vote for `epoch + 1` without changing the epoch or the vote (KIP-996). A voter
 * becomes a candidate only once a majority would vote for it, so a node that cannot win (cut
 * off, or behind) does not disturb a healthy leader (quorum invariant 17).
 */
export function becomeProspective(state: RaftState): void {
  invariant(state.isVoter, 'observers never stand');
  const parked = leaveRole(state);
  state.role = 'prospective';
  state.electionDeadlineTick = state.nowTick + state.randomElectionTimeoutTicks();
  state.logger.info({ nodeId: state.nodeId, epoch: state.epoch }, 'pre-vote started');
  startElectionRound(state, true);
  answerParkedWithNotLeader(state, parked);
}

/** Stands in `epoch + 1`, voting for itself; the vote is persisted before requests leave. */
export function becomeCandidate(state: RaftState): void {
  invariant(state.isVoter, 'observers never stand');
  const parked = leaveRole(state);
  enterEpoch(state, state.epoch + 1);
  state.votedFor = state.nodeId;
  state.role = 'candidate';
  state.electionDeadlineTick = state.nowTick + state.randomElectionTimeoutTicks();
  state.saveHardState();
  state.logger.info({ nodeId: state.nodeId, epoch: state.epoch }, 'candidate');
  startElectionRound(state, false);
  answerParkedWithNotLeader(state, parked);
}

/**
 * Leads the current epoch: appends the leader-change entry (KRaft's LeaderChangeMessage, the
 * Raft thesis §6.4 no-op) so the high watermark can advance, and announces itself with
 * BeginQuorumEpoch.
 */
export function becomeLeader(state: RaftState): void {
  invariant(state.role === 'candidate' && state.votedFor === state.nodeId, 'only a candidate becomes leader');
  leaveRole(state);
  state.role = 'leader';
  state.leaderId = state.nodeId;
  const epochStartOffset = state.log.endOffset;
  state.leader = {
    epochStartOffset,
    sinceTick: state.nowTick,
    voters: new Map(state.otherVoterIds.map((id) => [id, newReplicaProgress(id)])),
    observers: new Map(),
    parked: new Map(),
  };
  state.saveHardState();
  state.appendEntries([{ offset: epochStartOffset, epoch: state.epoch, data: new Uint8Array(0) }]);
  state.logger.info({ nodeId: state.nodeId, epoch: state.epoch, offset: epochStartOffset }, 'leader');
  for (const id of state.otherVoterIds) sendBeginQuorumEpoch(state, id);
  maybeAdvanceHighWatermark(state);
}
