import { invariant } from './errors.js';
import type { RaftLog } from './log.js';
import {
  RaftError,
  type BeginQuorumEpochResponse,
  type DivergingEpoch,
  type Entry,
  type FetchRequest,
  type FetchSnapshotRequest,
  type FetchResponse,
} from './messages.js';
import { newReplicaProgress, nextHighWatermark, quorumHeardFrom, type ReplicaProgress } from './progress.js';
import { responseTo } from './responses.js';
import { becomeUnattached } from './roles.js';
import type { LeaderState, RaftState } from './state.js';

/**
 * The leader's side of KIP-595 pull replication: it answers fetches (long-polling the idle
 * ones), tells diverging followers where to truncate, sends snapshots to those below its log
 * start, advances the high watermark, and steps down when a majority stops fetching.
 */

/** The outcome of a propose call. A rejection is a value, never a throw (STYLE §5.2). */
export type ProposeResult =
  | { readonly ok: true; readonly firstOffset: number; readonly epoch: number }
  | { readonly ok: false; readonly reason: 'not-leader'; readonly leaderId: number | null; readonly epoch: number }
  | { readonly ok: false; readonly reason: 'invalid-batch' | 'backlog-full'; readonly detail: string };

/** What a leader makes of a fetch position (KafkaRaftClient's validateOffsetAndEpoch). */
export type FetchValidation =
  | { readonly kind: 'valid' }
  | { readonly kind: 'diverging'; readonly divergingEpoch: DivergingEpoch }
  | { readonly kind: 'snapshot' };

/**
 * Checks a fetcher's (fetchOffset, lastFetchedEpoch) against the leader's log: below the log
 * start it needs the snapshot; if its last epoch ends earlier here (or is not here) it must
 * truncate to the largest epoch at or below it and that epoch's end offset (KIP-595).
 */
export function validateFetchPosition(log: RaftLog, fetchOffset: number, lastFetchedEpoch: number): FetchValidation {
  if (fetchOffset < log.startOffset) return { kind: 'snapshot' };
  if (fetchOffset === log.startOffset && log.startOffset > 0 && lastFetchedEpoch !== log.startEpoch) return { kind: 'snapshot' };
  if (fetchOffset === 0) return { kind: 'valid' };
  const end = log.endOffsetForEpoch(lastFetchedEpoch);
  if (end === null) return { kind: 'snapshot' };
  if (end.epoch !== lastFetchedEpoch || end.endOffset < fetchOffset) return { kind: 'diverging', divergingEpoch: end };
  return { kind: 'valid' };
}

/** A successful fetch response from this leader. */
function fetchResponse(state: RaftState, correlationId: number, fields: Partial<FetchResponse>): FetchResponse {
  return {
    kind: 'FetchResponse',
    correlationId,
    error: RaftError.OK,
    epoch: state.epoch,
    leaderId: state.nodeId,
    highWatermark: state.highWatermark,
    logStartOffset: state.log.startOffset,
    entries: [],
    divergingEpoch: null,
    snapshotId: null,
    ...fields,
  };
}

/** The leader's record of `replicaId`, created for an observer on first sight (bounded). */
function progressOf(state: RaftState, leader: LeaderState, replicaId: number): ReplicaProgress {
  const voter = leader.voters.get(replicaId);
  if (voter !== undefined) return voter;
  let observer = leader.observers.get(replicaId);
  if (observer === undefined) {
    if (leader.observers.size >= state.config.observersMax) forgetLeastRecentObserver(leader);
    observer = newReplicaProgress(replicaId);
    leader.observers.set(replicaId, observer);
  }
  return observer;
}

/** Drops the observer that fetched least recently, to keep the map bounded. */
function forgetLeastRecentObserver(leader: LeaderState): void {
  let oldest: ReplicaProgress | null = null;
  for (const p of leader.observers.values()) if (oldest === null || p.lastFetchTick < oldest.lastFetchTick) oldest = p;
  if (oldest !== null) leader.observers.delete(oldest.id);
}

/**
 * Handles a Fetch. Errors: FENCED_EPOCH (older epoch), NOT_LEADER (this node does not lead the
 * epoch; the response names the leader if known), INCONSISTENT_CLUSTER_ID (checked by the caller).
 */
export function handleFetchRequest(state: RaftState, from: number, request: FetchRequest): void {
  if (request.replicaId !== from) {
    state.logger.warn({ nodeId: state.nodeId, from, replicaId: request.replicaId }, 'fetch replica id mismatch');
    return;
  }
  if (request.epoch < state.epoch) return state.send(from, responseTo(state, request, RaftError.FENCED_EPOCH));
  const leader = state.leader;
  if (leader === null) return state.send(from, responseTo(state, request, RaftError.NOT_LEADER));
  const progress = progressOf(state, leader, from);
  progress.lastFetchTick = state.nowTick;
  const validation = validateFetchPosition(state.log, request.fetchOffset, request.lastFetchedEpoch);
  if (validation.kind !== 'valid') return answerFetch(state, from, request);
  progress.endOffset = Math.max(progress.endOffset, request.fetchOffset);
  if (request.fetchOffset >= state.log.endOffset) progress.lastCaughtUpTick = state.nowTick;
  const previous = leader.parked.get(from);
  if (previous !== undefined) {
    // A newer fetch from the same replica replaces the parked one; answer the old call empty.
    leader.parked.delete(from);
    state.send(from, fetchResponse(state, previous.request.correlationId, {}));
  }
  if (leader.voters.has(from)) maybeAdvanceHighWatermark(state);
  const hasNews = request.fetchOffset < state.log.endOffset || state.highWatermark > progress.lastSentHighWatermark;
  if (hasNews || leader.parked.size >= state.config.parkedFetchesMax) return answerFetch(state, from, request);
  leader.parked.set(from, { from, request, deadlineTick: state.nowTick + state.config.fetchMaxWaitTicks });
}

/** Answers a fetch from the current log: a snapshot id, a diverging epoch, or entries. */
function answerFetch(state: RaftState, from: number, request: FetchRequest): void {
  const leader = state.leader;
  invariant(leader !== null, 'only a leader answers fetches');
  const validation = validateFetchPosition(state.log, request.fetchOffset, request.lastFetchedEpoch);
  if (validation.kind === 'snapshot') {
    const snapshot = state.snapshot;
    invariant(snapshot !== null && snapshot.endOffset === state.log.startOffset, 'log start without a snapshot');
    state.send(from, fetchResponse(state, request.correlationId, { snapshotId: { endOffset: snapshot.endOffset, epoch: snapshot.epoch } }));
    return;
  }
  if (validation.kind === 'diverging') {
    state.send(from, fetchResponse(state, request.correlationId, { divergingEpoch: validation.divergingEpoch }));
    return;
  }
  const bytesMax = Math.min(request.maxBytes, state.config.fetchBytesMax);
  const entries = state.log.slice(request.fetchOffset, { bytesMax, entriesMax: state.config.fetchEntriesMax });
  const progress = progressOf(state, leader, from);
  progress.lastSentHighWatermark = state.highWatermark;
  state.send(from, fetchResponse(state, request.correlationId, { entries }));
}

/** Answers the parked fetches that now have news (new entries or a higher watermark), or all. */
function answerParkedFetches(state: RaftState, options: { all: boolean }): void {
  const leader = state.leader;
  if (leader === null) return;
  for (const [id, parked] of leader.parked) {
    const progress = progressOf(state, leader, id);
    const hasNews = parked.request.fetchOffset < state.log.endOffset || state.highWatermark > progress.lastSentHighWatermark;
    if (options.all || hasNews || parked.deadlineTick <= state.nowTick) {
      leader.parked.delete(id);
      answerFetch(state, parked.from, parked.request);
    }
  }
}

/**
 * Moves the high watermark to the largest offset a majority of voters holds, once that covers
 * an entry of this epoch (see `nextHighWatermark`), and wakes the parked fetches.
 */
export function maybeAdvanceHighWatermark(state: RaftState): void {
  const leader = state.leader;
  if (leader === null) return;
  // The leader counts only its durable entries (see RaftState.stableEnd).
  const voterEndOffsets = [Math.min(state.log.endOffset, state.stableEnd)];
  for (const p of leader.voters.values()) voterEndOffsets.push(p.endOffset);
  const next = nextHighWatermark({ voterEndOffsets, highWatermark: state.highWatermark, epochStartOffset: leader.epochStartOffset });
  if (next === null) return;
  state.raiseHighWatermark(next);
  answerParkedFetches(state, { all: false });
}

/**
 * Handles FetchSnapshot: one chunk of the latest snapshot. Errors: FENCED_EPOCH, NOT_LEADER,
 * SNAPSHOT_NOT_FOUND (no such snapshot any more, or a position past its end).
 */
export function handleFetchSnapshotRequest(state: RaftState, from: number, request: FetchSnapshotRequest): void {
  if (request.epoch < state.epoch) return state.send(from, responseTo(state, request, RaftError.FENCED_EPOCH));
  const leader = state.leader;
  if (leader === null) return state.send(from, responseTo(state, request, RaftError.NOT_LEADER));
  progressOf(state, leader, from).lastFetchTick = state.nowTick;
  const snapshot = state.snapshot;
  const id = request.snapshotId;
  const found = snapshot !== null && id !== null && id.endOffset === snapshot.endOffset && id.epoch === snapshot.epoch;
  if (!found || request.position < 0 || request.position > snapshot.data.length) {
    return state.send(from, responseTo(state, request, RaftError.SNAPSHOT_NOT_FOUND));
  }
  const chunkBytes = Math.min(request.maxBytes, state.config.snapshotChunkBytesMax);
  state.send(from, {
    kind: 'FetchSnapshotResponse',
    correlationId: request.correlationId,
    error: RaftError.OK,
    epoch: state.epoch,
    leaderId: state.nodeId,
    snapshotId: { endOffset: snapshot.endOffset, epoch: snapshot.epoch },
    size: snapshot.data.length,
    position: request.position,
    chunk: snapshot.data.subarray(request.position, request.position + chunkBytes),
  });
}

/** Marks a voter that answered BeginQuorumEpoch as having heard of this leader. */
export function handleBeginQuorumEpochResponse(state: RaftState, from: number, response: BeginQuorumEpochResponse): void {
  if (state.leader === null || response.epoch !== state.epoch || response.error !== RaftError.OK) return;
  const progress = state.leader.voters.get(from);
  if (progress !== undefined) progress.lastBeginQuorumEpochTick = state.nowTick;
}

/** Announces this leader to a voter (KIP-595 BeginQuorumEpoch). */
export function sendBeginQuorumEpoch(state: RaftState, voterId: number): void {
  const progress = state.leader?.voters.get(voterId);
  if (progress !== undefined) progress.lastBeginQuorumEpochTick = state.nowTick;
  state.send(voterId, {
    kind: 'BeginQuorumEpochRequest',
    correlationId: state.newCorrelationId(),
    clusterId: state.config.clusterId,
    epoch: state.epoch,
    leaderId: state.nodeId,
  });
}

/**
 * The leader's timers: expire long polls, check quorum (a leader cut off from a majority steps
 * down within `checkQuorumTicks`, quorum invariant 17), re-announce itself to silent voters, and forget
 * observers that stopped fetching.
 */
export function leaderTick(state: RaftState): void {
  const leader = state.leader;
  invariant(leader !== null, 'leaderTick without leader state');
  answerParkedFetches(state, { all: false });
  const { config, nowTick } = state;
  const windowOpen = nowTick - leader.sinceTick < config.checkQuorumTicks;
  const voterCount = config.voterIds.length;
  if (!windowOpen && !quorumHeardFrom({ followers: leader.voters.values(), voterCount, nowTick, windowTicks: config.checkQuorumTicks })) {
    state.logger.warn({ nodeId: state.nodeId, epoch: state.epoch }, 'check quorum failed, stepping down');
    becomeUnattached(state, state.epoch);
    return;
  }
  const interval = config.beginQuorumEpochIntervalTicks;
  for (const p of leader.voters.values()) {
    const silent = p.lastFetchTick < 0 || nowTick - p.lastFetchTick >= interval;
    if (silent && nowTick - p.lastBeginQuorumEpochTick >= interval) sendBeginQuorumEpoch(state, p.id);
  }
  for (const p of leader.observers.values()) {
    if (nowTick - p.lastFetchTick > 5 * config.fetchTimeoutTicks) leader.observers.delete(p.id);
  }
}

/** Appends `payloads` as entries of the current epoch, if this node leads and the batch fits. */
export function proposeEntries(state: RaftState, payloads: readonly Uint8Array[]): ProposeResult {
  if (state.role !== 'leader') return { ok: false, reason: 'not-leader', leaderId: state.leaderId, epoch: state.epoch };
  const { config } = state;
  if (payloads.length === 0 || payloads.length > config.proposeEntriesMax) {
    return { ok: false, reason: 'invalid-batch', detail: `batch of ${payloads.length}, allowed 1..${config.proposeEntriesMax}` };
  }
  for (const data of payloads) {
    // Empty data marks the leader-change entry, so a payload is never empty.
    if (data.length === 0 || data.length > config.entryBytesMax) {
      return { ok: false, reason: 'invalid-batch', detail: `payload of ${data.length} bytes, allowed 1..${config.entryBytesMax}` };
    }
  }
  const uncommitted = state.log.endOffset - state.highWatermark;
  if (uncommitted + payloads.length > config.uncommittedEntriesMax) {
    return { ok: false, reason: 'backlog-full', detail: `${uncommitted} uncommitted entries, max ${config.uncommittedEntriesMax}` };
  }
  const firstOffset = state.log.endOffset;
  const entries: Entry[] = payloads.map((data, i) => ({ offset: firstOffset + i, epoch: state.epoch, data }));
  state.appendEntries(entries);
  maybeAdvanceHighWatermark(state);
  answerParkedFetches(state, { all: false });
  return { ok: true, firstOffset, epoch: state.epoch };
}

/**
 * Controlled shutdown: tells the other voters this leader resigns, naming them as successors
 * most caught-up first (KIP-595 EndQuorumEpoch), and stops leading. Returns false if not leader.
 */
export function resignLeadership(state: RaftState): boolean {
  const leader = state.leader;
  if (leader === null) return false;
  const successors = [...leader.voters.values()]
    .sort((a, b) => b.endOffset - a.endOffset || b.lastFetchTick - a.lastFetchTick || a.id - b.id)
    .map((p) => p.id);
  answerParkedFetches(state, { all: true });
  for (const id of successors) {
    state.send(id, {
      kind: 'EndQuorumEpochRequest',
      correlationId: state.newCorrelationId(),
      clusterId: state.config.clusterId,
      epoch: state.epoch,
      leaderId: state.nodeId,
      preferredSuccessors: successors,
    });
  }
  state.logger.info({ nodeId: state.nodeId, epoch: state.epoch, successors }, 'resigned');
  becomeUnattached(state, state.epoch);
  return true;
}
