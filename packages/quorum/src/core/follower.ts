import { invariant } from './errors.js';
import {
  leaderIdFromWire,
  RaftError,
  type BeginQuorumEpochRequest,
  type DivergingEpoch,
  type EndQuorumEpochRequest,
  type FetchResponse,
  type FetchSnapshotResponse,
  type SnapshotId,
} from './messages.js';
import type { Snapshot } from './ready.js';
import { responseTo } from './responses.js';
import { becomeObserver, becomeProspective, becomeUnattached } from './roles.js';
import type { RaftState } from './state.js';

/**
 * The fetching side of KIP-595 pull replication, shared by followers and observers: one fetch
 * in flight at a time, truncation on a diverging epoch, snapshot download in chunks, and the
 * fetch timeout that makes a follower start a pre-vote (or an observer look for the leader).
 */

/** True for the roles that fetch: voters following a leader, and observers. */
function fetches(state: RaftState): boolean {
  return state.role === 'follower' || state.role === 'observer';
}

/** The follower's and observer's timers: fetch timeout, lost requests, the next fetch. */
export function followerTick(state: RaftState): void {
  const { config, nowTick } = state;
  const silentTicks = nowTick - state.lastLeaderContactTick;
  if (state.role === 'follower' && silentTicks >= config.fetchTimeoutTicks) {
    state.logger.info({ nodeId: state.nodeId, epoch: state.epoch, leaderId: state.leaderId }, 'fetch timeout');
    becomeProspective(state);
    return;
  }
  if (state.role === 'observer' && state.leaderId !== null && silentTicks >= config.fetchTimeoutTicks) {
    becomeObserver(state, state.epoch, null);
  }
  const inflight = state.inflight;
  if (inflight !== null) {
    const waitTicks = config.requestTimeoutTicks + (inflight.kind === 'fetch' ? config.fetchMaxWaitTicks : 0);
    if (nowTick - inflight.sentTick > waitTicks) {
      state.inflight = null;
      state.nextFetchTick = nowTick;
    }
  }
}

/** Sends the next Fetch (or FetchSnapshot chunk request) when none is in flight and it is time. */
export function maybeSendFetch(state: RaftState): void {
  if (!fetches(state) || state.inflight !== null || state.nowTick < state.nextFetchTick) return;
  const target = state.leaderId ?? discoveryTarget(state);
  if (target === null) return;
  const correlationId = state.newCorrelationId();
  const common = { correlationId, clusterId: state.config.clusterId, epoch: state.epoch, replicaId: state.nodeId };
  const fetchOffset = state.log.endOffset;
  const lastFetchedEpoch = state.log.lastEpoch;
  const download = state.download;
  if (download !== null && state.leaderId !== null) {
    state.send(target, { kind: 'FetchSnapshotRequest', ...common, snapshotId: download.snapshotId, position: download.position, maxBytes: state.config.snapshotChunkBytesMax });
    state.inflight = { kind: 'snapshot', to: target, correlationId, sentTick: state.nowTick, fetchOffset, lastFetchedEpoch };
    return;
  }
  state.download = null;
  state.send(target, { kind: 'FetchRequest', ...common, fetchOffset, lastFetchedEpoch, maxBytes: state.config.fetchBytesMax });
  state.inflight = { kind: 'fetch', to: target, correlationId, sentTick: state.nowTick, fetchOffset, lastFetchedEpoch };
}

/** An observer without a leader asks a random voter, whose NOT_LEADER answer names the leader. */
function discoveryTarget(state: RaftState): number | null {
  if (state.role !== 'observer') return null;
  const voters = state.config.voterIds;
  return voters[Math.floor(state.random.next() * voters.length)] ?? null;
}

/** Retries after the fetch back-off. */
function backOff(state: RaftState): void {
  state.nextFetchTick = state.nowTick + state.config.fetchIntervalTicks;
}

/**
 * Where to truncate for a diverging epoch (KIP-595, as KafkaMetadataLog.truncateToEndOffset):
 * to the smaller of the two logs' end offsets for that epoch if this log has it, else to this
 * log's end of the largest epoch below it.
 */
export function truncationOffset(state: RaftState, diverging: DivergingEpoch): number {
  const log = state.log;
  let offset: number;
  if (diverging.epoch === 0) {
    offset = diverging.endOffset;
  } else {
    const local = log.endOffsetForEpoch(diverging.epoch);
    if (local === null) offset = log.startOffset;
    else if (local.epoch === diverging.epoch) offset = Math.min(local.endOffset, diverging.endOffset);
    else offset = local.endOffset;
  }
  return Math.max(log.startOffset, Math.min(offset, log.endOffset));
}

/** True when a response answers the request in flight (other ones are stale or duplicated). */
function answersInflight(state: RaftState, from: number, kind: 'fetch' | 'snapshot', correlationId: number): boolean {
  const inflight = state.inflight;
  return inflight !== null && inflight.kind === kind && inflight.to === from && inflight.correlationId === correlationId;
}

/** Handles a fetch error: learn of a resigned leader, or back off. */
function handleFetchError(state: RaftState, from: number, response: FetchResponse | FetchSnapshotResponse): void {
  const namesNoLeader = leaderIdFromWire(response.leaderId) === null;
  if (response.error === RaftError.NOT_LEADER && response.epoch === state.epoch && namesNoLeader && from === state.leaderId) {
    // The leader itself says it no longer leads this epoch (it resigned or lost its quorum).
    state.endedLeaderId = from;
    if (state.role === 'follower') becomeUnattached(state, state.epoch);
    else if (state.role === 'observer') becomeObserver(state, state.epoch, null);
    return;
  }
  if (state.leaderId !== null && state.leaderId !== from) state.nextFetchTick = state.nowTick;
  else backOff(state);
}

/**
 * Handles a fetch response: truncate on a diverging epoch, start a snapshot download, or append
 * the entries and learn the high watermark (never above this log's end).
 */
export function handleFetchResponse(state: RaftState, from: number, response: FetchResponse): void {
  if (!answersInflight(state, from, 'fetch', response.correlationId)) return;
  const inflight = state.inflight!;
  state.inflight = null;
  if (response.error !== RaftError.OK) return handleFetchError(state, from, response);
  if (response.epoch !== state.epoch || state.leaderId !== from || !fetches(state)) return backOff(state);
  state.lastLeaderContactTick = state.nowTick;
  state.heardFromLeaderTick = state.nowTick;
  state.nextFetchTick = state.nowTick;
  // The log may have changed since the request; the answer is about the old position.
  if (state.log.endOffset !== inflight.fetchOffset || state.log.lastEpoch !== inflight.lastFetchedEpoch) return;
  if (response.divergingEpoch !== null) {
    const offset = truncationOffset(state, response.divergingEpoch);
    state.logger.info({ nodeId: state.nodeId, epoch: state.epoch, offset }, 'truncating diverging log');
    state.truncateLog(offset);
    return;
  }
  if (response.snapshotId !== null) return startDownload(state, response.snapshotId);
  if (response.entries.length > 0) state.appendEntries(response.entries);
  state.raiseHighWatermark(response.highWatermark);
}

/** Starts (or keeps) downloading the snapshot the leader named. */
function startDownload(state: RaftState, snapshotId: SnapshotId): void {
  const current = state.download;
  if (current !== null && current.snapshotId.endOffset === snapshotId.endOffset && current.snapshotId.epoch === snapshotId.epoch) return;
  state.logger.info({ nodeId: state.nodeId, epoch: state.epoch, offset: snapshotId.endOffset }, 'fetching snapshot');
  state.download = { snapshotId, chunks: [], position: 0, size: null };
}

/** Handles one snapshot chunk; the last one installs the snapshot. */
export function handleFetchSnapshotResponse(state: RaftState, from: number, response: FetchSnapshotResponse): void {
  if (!answersInflight(state, from, 'snapshot', response.correlationId)) return;
  state.inflight = null;
  const download = state.download;
  if (download === null) return;
  if (response.error !== RaftError.OK) {
    // SNAPSHOT_NOT_FOUND: the leader has a newer snapshot; the next fetch names it.
    state.download = null;
    return handleFetchError(state, from, response);
  }
  if (response.epoch !== state.epoch || state.leaderId !== from) return backOff(state);
  const id = response.snapshotId;
  const chunk = response.chunk;
  const size = response.size;
  const consistent =
    id !== null && id.endOffset === download.snapshotId.endOffset && id.epoch === download.snapshotId.epoch &&
    response.position === download.position && (download.size === null || download.size === size) &&
    size <= state.config.snapshotBytesMax && download.position + chunk.length <= size &&
    (chunk.length > 0 || download.position === size);
  if (!consistent) {
    state.logger.warn({ nodeId: state.nodeId, from, position: response.position, size }, 'inconsistent snapshot chunk');
    state.download = null;
    return backOff(state);
  }
  state.lastLeaderContactTick = state.nowTick;
  state.heardFromLeaderTick = state.nowTick;
  state.nextFetchTick = state.nowTick;
  download.size = size;
  download.chunks.push(chunk);
  download.position += chunk.length;
  if (download.position === size) {
    installSnapshot(state, { ...download.snapshotId, data: concatChunks(download.chunks, size) });
  }
}

/** Joins the downloaded chunks into one buffer. */
function concatChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const data = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return data;
}

/**
 * Replaces the log by a snapshot from the leader: the log becomes empty at its end offset, the
 * high watermark moves there (a snapshot holds committed entries only), and the application
 * loads it from the next Ready. A snapshot not beyond the high watermark is dropped: it would
 * take the application back.
 */
function installSnapshot(state: RaftState, snapshot: Snapshot): void {
  state.download = null;
  if (snapshot.endOffset <= state.highWatermark) return;
  invariant(snapshot.endOffset > state.appliedEnd, 'snapshot behind the applied offset');
  state.logger.info({ nodeId: state.nodeId, epoch: state.epoch, offset: snapshot.endOffset }, 'snapshot installed');
  state.snapshot = snapshot;
  state.log.resetTo(snapshot);
  state.out.install(snapshot);
  state.forgetStableFrom(snapshot.endOffset);
  state.highWatermark = snapshot.endOffset;
  state.appliedEnd = snapshot.endOffset;
}

/** Handles BeginQuorumEpoch. Errors: FENCED_EPOCH, INCONSISTENT_CLUSTER_ID (by the caller). */
export function handleBeginQuorumEpochRequest(state: RaftState, from: number, request: BeginQuorumEpochRequest): void {
  if (request.epoch < state.epoch) return state.send(from, responseTo(state, request, RaftError.FENCED_EPOCH));
  // The caller has already followed the named leader if it was new to this node.
  if (state.role === 'follower' && state.leaderId === request.leaderId) {
    state.lastLeaderContactTick = state.nowTick;
    state.heardFromLeaderTick = state.nowTick;
  }
  state.send(from, responseTo(state, request, RaftError.OK));
}

/**
 * Handles EndQuorumEpoch: the leader resigned. A voter stops following it and stands after a
 * delay that grows with its place among the preferred successors (the first stands at once).
 * Errors: FENCED_EPOCH, INCONSISTENT_CLUSTER_ID (by the caller).
 */
export function handleEndQuorumEpochRequest(state: RaftState, from: number, request: EndQuorumEpochRequest): void {
  if (request.epoch < state.epoch) return state.send(from, responseTo(state, request, RaftError.FENCED_EPOCH));
  const followsIt = state.leaderId === request.leaderId || state.leaderId === null;
  state.endedLeaderId = request.leaderId;
  if (state.isVoter && followsIt && (state.role === 'follower' || state.role === 'unattached')) {
    becomeUnattached(state, state.epoch, successorDelayTicks(state, request.preferredSuccessors.indexOf(state.nodeId)));
  } else if (!state.isVoter && state.leaderId === request.leaderId) {
    becomeObserver(state, state.epoch, null);
  }
  state.send(from, responseTo(state, request, RaftError.OK));
}

/** The first preferred successor stands at once; later ones wait longer, others a full timeout. */
function successorDelayTicks(state: RaftState, position: number): number {
  if (position < 0) return state.randomElectionTimeoutTicks();
  if (position === 0) return 1;
  const half = Math.ceil(state.config.electionTimeoutTicks / 2);
  return 1 + position * half + Math.floor(state.random.next() * half);
}
