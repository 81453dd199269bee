import { leaderIdOnWire, RaftError, type VoteRequest, type VoteResponse } from './messages.js';
import { majorityOf } from './progress.js';
import { responseTo } from './responses.js';
import { becomeCandidate, becomeLeader } from './roles.js';
import type { RaftState } from './state.js';

/**
 * Elections: pre-vote (KIP-996) and vote (KIP-595, Raft thesis §3.4). A voter grants at most
 * one vote per epoch, persisted before the response leaves (quorum invariant 16), and only to a
 * candidate whose log is at least as up to date as its own (Raft thesis §3.6.1).
 */

/** True when a log ending at (`lastEpoch`, `logEndOffset`) is at least as up to date as ours. */
export function logIsUpToDate(state: RaftState, lastEpoch: number, logEndOffset: number): boolean {
  const ourLastEpoch = state.log.lastEpoch;
  return lastEpoch > ourLastEpoch || (lastEpoch === ourLastEpoch && logEndOffset >= state.log.endOffset);
}

/**
 * True while this node has a live leader: it leads, or it follows one that answered a fetch
 * within the fetch timeout. Such a node refuses pre-votes (KIP-996), so a node that rejoins
 * after a partition cannot depose a healthy leader (quorum invariant 17).
 */
export function hearsFromLeader(state: RaftState): boolean {
  if (state.role === 'leader') return true;
  return state.role === 'follower' && state.nowTick - state.heardFromLeaderTick < state.config.fetchTimeoutTicks;
}

/** Sends a (pre-)vote request to every other voter and counts this node's own vote. */
export function startElectionRound(state: RaftState, preVote: boolean): void {
  const epoch = preVote ? state.epoch + 1 : state.epoch;
  const round = { preVote, epoch, correlationIds: new Map<number, number>(), granted: new Set([state.nodeId]), rejected: new Set<number>() };
  state.round = round;
  for (const id of state.otherVoterIds) {
    const correlationId = state.newCorrelationId();
    round.correlationIds.set(id, correlationId);
    state.send(id, {
      kind: 'VoteRequest',
      correlationId,
      clusterId: state.config.clusterId,
      epoch,
      candidateId: state.nodeId,
      lastEpoch: state.log.lastEpoch,
      logEndOffset: state.log.endOffset,
      preVote,
    });
  }
  decideRound(state);
}

/** Moves on once a majority granted: a pre-vote leads to candidacy, a vote to leadership. */
function decideRound(state: RaftState): void {
  const round = state.round;
  if (round === null || round.granted.size < majorityOf(state.config.voterIds.length)) return;
  if (round.preVote) becomeCandidate(state);
  else becomeLeader(state);
}

/**
 * Handles a Vote request. Pre-votes never change this node's epoch or vote. Errors: NOT_VOTER
 * (the candidate is not a voter), FENCED_EPOCH (its epoch is older), INCONSISTENT_CLUSTER_ID
 * (checked by the caller). An observer answers without granting: it never votes.
 */
export function handleVoteRequest(state: RaftState, from: number, request: VoteRequest): void {
  if (!state.voterSet.has(request.candidateId) || request.candidateId !== from) {
    state.send(from, responseTo(state, request, RaftError.NOT_VOTER));
    return;
  }
  if (request.epoch < state.epoch) {
    state.send(from, responseTo(state, request, RaftError.FENCED_EPOCH));
    return;
  }
  const granted = request.preVote ? grantsPreVote(state, request) : grantsVote(state, request);
  if (granted && !request.preVote && state.votedFor === null) {
    state.votedFor = request.candidateId;
    state.saveHardState();
    // Granting a vote restarts the election timer (Raft thesis §3.4).
    state.electionDeadlineTick = state.nowTick + state.randomElectionTimeoutTicks();
    state.logger.info({ nodeId: state.nodeId, epoch: state.epoch, candidateId: from }, 'vote granted');
  }
  const response: VoteResponse = {
    kind: 'VoteResponse',
    correlationId: request.correlationId,
    error: RaftError.OK,
    epoch: state.epoch,
    voteGranted: granted,
    preVote: request.preVote,
    leaderId: leaderIdOnWire(state.leaderId),
  };
  state.send(from, response);
}

/**
 * KIP-996: grant a pre-vote for a later epoch to an up-to-date log unless a leader is still
 * heard. A request for an epoch this node already has is refused; the response's epoch tells
 * the prospective node to catch up first.
 */
function grantsPreVote(state: RaftState, request: VoteRequest): boolean {
  if (!state.isVoter || request.epoch <= state.epoch) return false;
  return !hearsFromLeader(state) && logIsUpToDate(state, request.lastEpoch, request.logEndOffset);
}

/**
 * Raft thesis §3.4/§3.6.1 with KIP-595: in the request's epoch (the caller already moved to it),
 * grant if no leader is known, no other vote was cast, and the candidate's log is up to date.
 */
function grantsVote(state: RaftState, request: VoteRequest): boolean {
  if (!state.isVoter || state.role === 'leader' || state.leaderId !== null) return false;
  if (state.votedFor !== null && state.votedFor !== request.candidateId) return false;
  return logIsUpToDate(state, request.lastEpoch, request.logEndOffset);
}

/** Counts a (pre-)vote response that belongs to the current round; stale ones are ignored. */
export function handleVoteResponse(state: RaftState, from: number, response: VoteResponse): void {
  const round = state.round;
  if (round === null || response.preVote !== round.preVote) return;
  if (round.correlationIds.get(from) !== response.correlationId) return;
  if (!round.preVote && response.epoch !== state.epoch) return;
  if (response.error === RaftError.OK && response.voteGranted) {
    round.granted.add(from);
    decideRound(state);
  } else {
    round.rejected.add(from);
  }
}
