import { validateRaftConfig, type RaftConfig, type RaftDeps } from './config.js';
import { handleVoteRequest, handleVoteResponse } from './election.js';
import { invariant } from './errors.js';
import {
  followerTick,
  handleBeginQuorumEpochRequest,
  handleEndQuorumEpochRequest,
  handleFetchResponse,
  handleFetchSnapshotResponse,
  maybeSendFetch,
} from './follower.js';
import {
  handleBeginQuorumEpochResponse,
  handleFetchRequest,
  handleFetchSnapshotRequest,
  leaderTick,
  maybeAdvanceHighWatermark,
  proposeEntries,
  resignLeadership,
  type ProposeResult,
} from './leader.js';
import type { Entry, RaftMessage } from './messages.js';
import { assertNever, isRequest, leaderIdFromWire, RaftError } from './messages.js';
import type { PersistedState, Ready, Snapshot } from './ready.js';
import { responseTo } from './responses.js';
import { becomeFollower, becomeObserver, becomeProspective, becomeUnattached } from './roles.js';
import { RaftState, type Role } from './state.js';
import { quorumStatus, type QuorumStatus } from './status.js';

/**
 * One quorum member: a pure, deterministic KRaft-style Raft state machine (KIP-595 pull
 * replication, KIP-996 pre-vote). Feed it `tick`, `step`, `propose`, `snapshotTaken` and
 * `resign` from one queue; take its output with `ready()` and acknowledge each batch with
 * `advance()` after following the order documented on `Ready`. It does no IO, reads no clock,
 * and draws randomness only from the injected source, so equal inputs give equal outputs.
 */
export class Raft {
  private readonly state: RaftState;

  /**
   * Creates a member, restoring what `persisted` holds after a restart. Restoring tolerates a
   * crash that kept only part of a Ready's writes: entries below the snapshot are ignored, a log
   * that contradicts the snapshot is dropped, and an epoch below the log's last epoch is raised.
   */
  constructor(config: RaftConfig, deps: RaftDeps, persisted?: PersistedState) {
    validateRaftConfig(config);
    const snapshot = persisted?.snapshot ?? null;
    const start = snapshot === null ? { endOffset: 0, epoch: 0 } : { endOffset: snapshot.endOffset, epoch: snapshot.epoch };
    const state = new RaftState(config, deps, start);
    this.state = state;
    state.snapshot = snapshot;
    const stored = persisted?.entries ?? [];
    state.log.append(restorableEntries(stored, start));
    state.stableEnd = state.log.endOffset;
    // Make the stored log agree with what was restored: drop what lies below the snapshot or
    // past the restorable run (left by a crash in the middle of a Ready's writes).
    if (stored.some((e) => e.offset < start.endOffset)) state.out.logStartOffset = start.endOffset;
    if (stored.some((e) => e.offset >= state.log.endOffset)) state.out.truncateFrom = state.log.endOffset;
    const hard = persisted?.hardState ?? { epoch: 0, votedFor: null, leaderId: null };
    state.epoch = Math.max(hard.epoch, state.log.lastEpoch);
    const sameEpoch = state.epoch === hard.epoch;
    state.votedFor = sameEpoch ? hard.votedFor : null;
    state.leaderId = null;
    const leaderId = sameEpoch ? hard.leaderId : null;
    if (!sameEpoch) state.saveHardState();
    if (snapshot !== null) state.out.applySnapshot = snapshot;
    if (!state.isVoter) becomeObserver(state, state.epoch, leaderId);
    else if (leaderId !== null && leaderId !== config.nodeId) becomeFollower(state, state.epoch, leaderId);
    else {
      // A leader that restarts does not lead again in its epoch: it stands in a new one.
      state.leaderId = leaderId;
      becomeUnattached(state, state.epoch);
    }
    maybeSendFetch(state);
  }

  /** This node's id. */
  get nodeId(): number {
    return this.state.nodeId;
  }

  /** The current role. */
  get role(): Role {
    return this.state.role;
  }

  /** The current epoch. */
  get epoch(): number {
    return this.state.epoch;
  }

  /** The leader of the current epoch if known. */
  get leaderId(): number | null {
    return this.state.leaderId;
  }

  /** The vote cast in the current epoch, if any. */
  get votedFor(): number | null {
    return this.state.votedFor;
  }

  /** Offsets below this are committed (known to this node). */
  get highWatermark(): number {
    return this.state.highWatermark;
  }

  /** The first offset held in the log (the latest snapshot's end offset). */
  get logStartOffset(): number {
    return this.state.log.startOffset;
  }

  /** The next offset to be written. */
  get logEndOffset(): number {
    return this.state.log.endOffset;
  }

  /** The current tick count. */
  get nowTick(): number {
    return this.state.nowTick;
  }

  /** The entry at `offset` in the in-memory log, or null (for status tools, tests and the simulator). */
  logEntry(offset: number): Entry | null {
    return this.state.log.entryAt(offset);
  }

  /** Advances logical time by one tick and runs the role's timers. */
  tick(): void {
    const state = this.state;
    state.nowTick++;
    switch (state.role) {
      case 'leader':
        leaderTick(state);
        break;
      case 'follower':
      case 'observer':
        followerTick(state);
        break;
      case 'unattached':
      case 'prospective':
      case 'candidate':
        // KIP-996: every candidacy, including a retry after a lost election, starts with a pre-vote.
        if (state.nowTick >= state.electionDeadlineTick) becomeProspective(state);
        break;
      default:
        assertNever(state.role);
    }
    maybeSendFetch(state);
  }

  /**
   * Handles a message from node `from`. A higher epoch in any message except a pre-vote request
   * first moves this node to that epoch (following the leader it names, if any); requests from
   * another cluster get INCONSISTENT_CLUSTER_ID; requests from an older epoch get FENCED_EPOCH.
   */
  step(from: number, message: RaftMessage): void {
    const state = this.state;
    if (from === state.nodeId) return;
    if (isRequest(message) && message.clusterId !== state.config.clusterId) {
      state.send(from, responseTo(state, message, RaftError.INCONSISTENT_CLUSTER_ID));
      return;
    }
    if (!isRequest(message) && message.error === RaftError.INCONSISTENT_CLUSTER_ID) {
      state.logger.error({ nodeId: state.nodeId, from }, 'peer belongs to another cluster');
      return;
    }
    const isPreVote = message.kind === 'VoteRequest' && message.preVote;
    // A pre-vote answer in our own epoch names the leader the responder last knew, which may be the
    // very leader this node gave up on: attaching to it would end the pre-vote it answers.
    const isPreVoteAnswer = message.kind === 'VoteResponse' && message.preVote && message.epoch === state.epoch;
    if (!isPreVote) this.observeEpochAndLeader(message, isPreVoteAnswer ? null : leaderNamedBy(message));
    this.dispatch(from, message);
    maybeSendFetch(state);
  }

  /** Moves to a higher epoch, or attaches to the leader a message names for the current one. */
  private observeEpochAndLeader(message: RaftMessage, named: number | null): void {
    const state = this.state;
    const leaderId = named !== null && state.voterSet.has(named) && named !== state.nodeId ? named : null;
    if (message.epoch > state.epoch) {
      if (!state.isVoter) becomeObserver(state, message.epoch, leaderId);
      else if (leaderId !== null) becomeFollower(state, message.epoch, leaderId);
      else becomeUnattached(state, message.epoch);
      return;
    }
    if (message.epoch < state.epoch || leaderId === null || leaderId === state.endedLeaderId) return;
    if (state.role === 'leader') {
      invariant(false, `node ${leaderId} claims to lead epoch ${state.epoch}, which node ${state.nodeId} leads`);
    }
    if (!state.isVoter) {
      if (state.leaderId !== leaderId) becomeObserver(state, state.epoch, leaderId);
      return;
    }
    if (state.role === 'follower') {
      invariant(state.leaderId === leaderId, `two leaders named for epoch ${state.epoch}`);
      return;
    }
    becomeFollower(state, state.epoch, leaderId);
  }

  private dispatch(from: number, message: RaftMessage): void {
    const state = this.state;
    switch (message.kind) {
      case 'VoteRequest':
        return handleVoteRequest(state, from, message);
      case 'VoteResponse':
        return handleVoteResponse(state, from, message);
      case 'BeginQuorumEpochRequest':
        return handleBeginQuorumEpochRequest(state, from, message);
      case 'BeginQuorumEpochResponse':
        return handleBeginQuorumEpochResponse(state, from, message);
      case 'EndQuorumEpochRequest':
        return handleEndQuorumEpochRequest(state, from, message);
      case 'EndQuorumEpochResponse':
        return; // Nothing to do: the resigning leader does not wait for acknowledgements.
      case 'FetchRequest':
        return handleFetchRequest(state, from, message);
      case 'FetchResponse':
        return handleFetchResponse(state, from, message);
      case 'FetchSnapshotRequest':
        return handleFetchSnapshotRequest(state, from, message);
      case 'FetchSnapshotResponse':
        return handleFetchSnapshotResponse(state, from, message);
      default:
        return assertNever(message);
    }
  }

  /**
   * Appends `payloads` (each non-empty) as entries of the current epoch if this node leads.
   * `firstOffset` is where the first one went; the batch is committed once the high watermark
   * passes its last offset in this same epoch. Rejections are values, never throws.
   */
  propose(payloads: readonly Uint8Array[]): ProposeResult {
    const result = proposeEntries(this.state, payloads);
    maybeSendFetch(this.state);
    return result;
  }

  /**
   * Controlled shutdown: a leader sends EndQuorumEpoch to the other voters, most caught-up
   * preferred, and stops leading. Returns false (and does nothing) on a non-leader.
   */
  resign(): boolean {
    return resignLeadership(this.state);
  }

  /**
   * The application took `snapshot` of its state after applying every entry below
   * `snapshot.endOffset`. The core keeps it to serve FetchSnapshot and drops the log below it:
   * the next Ready persists the snapshot and moves the log start offset. An older snapshot than
   * the log start is ignored. Invariant: the application applied up to `endOffset`.
   */
  snapshotTaken(snapshot: Snapshot): void {
    const state = this.state;
    if (snapshot.endOffset <= state.log.startOffset) return;
    invariant(snapshot.endOffset <= state.appliedEnd, `snapshot at ${snapshot.endOffset} beyond applied ${state.appliedEnd}`);
    invariant(state.log.epochAt(snapshot.endOffset - 1) === snapshot.epoch, `snapshot epoch ${snapshot.epoch} does not match the log`);
    state.snapshot = snapshot;
    state.log.compactTo(snapshot);
    state.out.compact(snapshot);
  }

  /**
   * The next batch of work, or null when there is none or the previous batch is not advanced.
   * See `Ready` for the order the driver must follow.
   */
  ready(): Ready | null {
    const state = this.state;
    if (state.outstanding !== null) return null;
    const committedEntries = this.entriesToApply();
    if (state.out.empty && committedEntries.length === 0) return null;
    const out = state.out;
    const ready: Ready = {
      hardState: out.hardState,
      snapshot: out.snapshot,
      logStartOffset: out.logStartOffset,
      truncateFrom: out.truncateFrom,
      entries: out.entries,
      messages: out.messages,
      applySnapshot: out.applySnapshot,
      committedEntries,
    };
    out.reset();
    state.truncatedSinceReady = null;
    state.appliedEnd += committedEntries.length;
    state.outstanding = ready;
    return ready;
  }

  /** Committed entries not yet handed out, bounded per Ready. Invariant: below the high watermark. */
  private entriesToApply(): Entry[] {
    const state = this.state;
    const end = Math.min(state.highWatermark, state.appliedEnd + state.config.applyEntriesMax);
    const entries: Entry[] = [];
    for (let offset = state.appliedEnd; offset < end; offset++) {
      const entry = state.log.entryAt(offset);
      invariant(entry !== null, `committed entry ${offset} missing from the log`);
      entries.push(entry);
    }
    return entries;
  }

  /** Acknowledges that `ready` was persisted, sent and applied in the documented order. */
  advance(ready: Ready): void {
    const state = this.state;
    invariant(ready === state.outstanding, 'advance with a Ready that is not outstanding');
    state.outstanding = null;
    state.markStable(ready);
    // A leader's own entries count towards the high watermark only once durable.
    maybeAdvanceHighWatermark(state);
  }

  /** DescribeQuorum's view from this node (ticks; the driver converts to milliseconds). */
  status(): QuorumStatus {
    return quorumStatus(this.state);
  }
}

/** The leader a message names for its epoch, if any. */
function leaderNamedBy(message: RaftMessage): number | null {
  switch (message.kind) {
    case 'BeginQuorumEpochRequest':
      return message.leaderId;
    case 'VoteResponse':
    case 'BeginQuorumEpochResponse':
    case 'EndQuorumEpochResponse':
    case 'FetchResponse':
    case 'FetchSnapshotResponse':
      return leaderIdFromWire(message.leaderId);
    case 'VoteRequest':
    case 'EndQuorumEpochRequest':
    case 'FetchRequest':
    case 'FetchSnapshotRequest':
      return null;
    default:
      return assertNever(message);
  }
}

/**
 * The contiguous run of stored entries starting at the log start. If the entry just below the
 * start disagrees with the snapshot, the stored log predates an installed snapshot whose log
 * reset did not reach the disk: all of it is dropped and fetched again.
 */
function restorableEntries(entries: readonly Entry[], start: { endOffset: number; epoch: number }): Entry[] {
  const below = entries.find((e) => e.offset === start.endOffset - 1);
  if (below !== undefined && below.epoch !== start.epoch) return [];
  const out: Entry[] = [];
  let lastEpoch = start.epoch;
  for (const entry of entries) {
    if (entry.offset < start.endOffset) continue;
    if (entry.offset !== start.endOffset + out.length || entry.epoch < lastEpoch) break;
    out.push(entry);
    lastEpoch = entry.epoch;
  }
  return out;
}
