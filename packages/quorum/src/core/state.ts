import type { Logger, RaftConfig, RaftDeps, RandomSource } from './config.js';
import { invariant } from './errors.js';
import { RaftLog } from './log.js';
import type { Entry, RaftMessage, SnapshotId } from './messages.js';
import type { ParkedFetch, ReplicaProgress } from './progress.js';
import { ReadyBuilder, type Ready, type Snapshot } from './ready.js';

/**
 * A node's role. Voters move between unattached, follower, prospective (KIP-996 pre-vote),
 * candidate and leader; a node outside the voter set is always an observer.
 */
export type Role = 'unattached' | 'follower' | 'prospective' | 'candidate' | 'leader' | 'observer';

/** The leader's per-epoch bookkeeping. Exists exactly while the role is leader. */
export interface LeaderState {
  /** Offset of the leader-change entry that opened this epoch; the HW must pass it. */
  readonly epochStartOffset: number;
  /** Tick the node became leader; check quorum gives it one full window first. */
  readonly sinceTick: number;
  /** The other voters' progress. */
  readonly voters: Map<number, ReplicaProgress>;
  /** Observers that fetched lately. Invariant: at most `observersMax` entries. */
  readonly observers: Map<number, ReplicaProgress>;
  /** Long-polled fetches, one per replica. Invariant: at most `parkedFetchesMax` entries. */
  readonly parked: Map<number, ParkedFetch>;
}

/** One round of (pre-)votes. Exists exactly while the role is prospective or candidate. */
export interface ElectionRound {
  readonly preVote: boolean;
  /** The epoch asked for: the current epoch + 1 for a pre-vote, the current one for a vote. */
  readonly epoch: number;
  /** Correlation id of the request sent to each voter; other responses are stale. */
  readonly correlationIds: Map<number, number>;
  readonly granted: Set<number>;
  readonly rejected: Set<number>;
}

/** The one outstanding fetch or snapshot-chunk request of a follower or observer. */
export interface InflightFetch {
  readonly kind: 'fetch' | 'snapshot';
  readonly to: number;
  readonly correlationId: number;
  readonly sentTick: number;
  /** The log end and last epoch when the fetch was sent; a response applies only if both still hold. */
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
}

/** A snapshot being downloaded from the leader, chunk by chunk. */
export interface SnapshotDownload {
  readonly snapshotId: SnapshotId;
  readonly chunks: Uint8Array[];
  /** Bytes received so far. Invariant: the sum of the chunks' lengths; at most `size`. */
  position: number;
  /** The whole snapshot's size, learned from the first chunk; null before. */
  size: number | null;
}

/**
 * The mutable state of one quorum member, shared by the per-concern handler modules. Only the
 * `Raft` facade and those modules touch it, always from one synchronous call at a time.
 */
export class RaftState {
  readonly config: RaftConfig;
  readonly logger: Logger;
  readonly random: RandomSource;
  readonly voterSet: ReadonlySet<number>;
  readonly isVoter: boolean;
  readonly log: RaftLog;
  readonly out = new ReadyBuilder();

  /** Durable (HardState). Invariant: never decreases. */
  epoch = 0;
  /** Durable. At most one vote per epoch: set once in an epoch, cleared only when the epoch grows. */
  votedFor: number | null = null;
  /** Durable. The leader of `epoch`, or null. Invariant: equals nodeId iff role is leader. */
  leaderId: number | null = null;
  /** A leader that resigned or stepped down in `epoch`: stale messages naming it are ignored. */
  endedLeaderId: number | null = null;
  role: Role;

  /**
   * Offsets below this are committed. Invariant: never decreases in a process lifetime;
   * `appliedEnd <= highWatermark <= log.endOffset` (a follower never knows more than it holds).
   * Restarts begin at the snapshot's end offset (KRaft does not persist the high watermark).
   */
  highWatermark: number;
  /** Offsets below this were handed to the application. Invariant: `>= log.startOffset`. */
  appliedEnd: number;
  /** The latest snapshot (taken locally or installed), kept to serve FetchSnapshot. */
  snapshot: Snapshot | null;

  nowTick = 0;
  /** The Ready handed out and not yet advanced. */
  outstanding: Ready | null = null;
  /**
   * Entries in [log.startOffset, stableEnd) are durable: restored at start, or handed out in a
   * Ready that was advanced (the driver fsyncs before advancing), and not truncated since. The
   * leader counts only these for itself, so the high watermark never covers an entry that a crash
   * could still take away (with a single voter, its own copy is the only one).
   */
  stableEnd = 0;
  /** The lowest truncation since the outstanding Ready was handed out, or null. */
  truncatedSinceReady: number | null = null;
  /** Unattached, prospective and candidate voters act when `nowTick` reaches this. */
  electionDeadlineTick = 0;
  /**
   * Start of the follower's fetch timer: the last successful fetch response (or BeginQuorumEpoch)
   * from the leader, or the moment this node started following it.
   */
  lastLeaderContactTick = 0;
  /**
   * Tick of the last time the leader was actually heard from (a successful fetch response or its
   * BeginQuorumEpoch), never merely started following. Pre-votes are refused only while this is
   * recent (KIP-996): a node that re-follows a dead leader because a peer still names it must not
   * keep refusing the election that replaces it.
   */
  heardFromLeaderTick = Number.NEGATIVE_INFINITY;
  leader: LeaderState | null = null;
  round: ElectionRound | null = null;
  inflight: InflightFetch | null = null;
  /** A follower or observer sends its next fetch once `nowTick` reaches this. */
  nextFetchTick = 0;
  download: SnapshotDownload | null = null;
  private nextCorrelationIdValue: number;
  droppedMessages = 0;

  constructor(config: RaftConfig, deps: RaftDeps, start: SnapshotId) {
    this.config = config;
    this.logger = deps.logger;
    this.random = deps.random;
    this.voterSet = new Set(config.voterIds);
    this.isVoter = this.voterSet.has(config.nodeId);
    this.role = this.isVoter ? 'unattached' : 'observer';
    this.log = new RaftLog(start);
    this.highWatermark = start.endOffset;
    this.appliedEnd = start.endOffset;
    this.snapshot = null;
    // A random start makes a restarted node's ids unlikely to match responses to its past life.
    this.nextCorrelationIdValue = Math.floor(this.random.next() * 0xffffffff) >>> 0;
  }

  /** This node's id. */
  get nodeId(): number {
    return this.config.nodeId;
  }

  /** The voters other than this node. */
  get otherVoterIds(): number[] {
    return this.config.voterIds.filter((id) => id !== this.config.nodeId);
  }

  /** A fresh uint32 correlation id. */
  newCorrelationId(): number {
    const id = this.nextCorrelationIdValue;
    this.nextCorrelationIdValue = (this.nextCorrelationIdValue + 1) >>> 0;
    return id;
  }

  /** A random election timeout in [E, 2E) ticks (Raft thesis §3.4). */
  randomElectionTimeoutTicks(): number {
    const base = this.config.electionTimeoutTicks;
    return base + Math.min(base - 1, Math.floor(this.random.next() * base));
  }

  /** Queues a message for the next Ready; beyond the outbox bound it is dropped, as a network may. */
  send(to: number, message: RaftMessage): void {
    invariant(to !== this.config.nodeId, 'a node never sends to itself');
    if (this.out.messages.length >= this.config.outboxMessagesMax) {
      this.droppedMessages++;
      if (this.droppedMessages % 1000 === 1) {
        this.logger.warn({ nodeId: this.nodeId, dropped: this.droppedMessages }, 'outbox full, message dropped');
      }
      return;
    }
    this.out.messages.push({ to, message });
  }

  /** Records the hard state for the next Ready; the driver persists it before sending anything. */
  saveHardState(): void {
    this.out.hardState = { epoch: this.epoch, votedFor: this.votedFor, leaderId: this.leaderId };
  }

  /** Appends entries to the log and to the next Ready. */
  appendEntries(entries: readonly Entry[]): void {
    this.log.append(entries);
    this.out.append(entries);
  }

  /**
   * Removes log entries from `offset` on. Invariant: committed entries are never removed
   * (quorum invariant 15), so `offset >= highWatermark`.
   */
  truncateLog(offset: number): void {
    invariant(offset >= this.highWatermark, `truncation to ${offset} below high watermark ${this.highWatermark}`);
    if (offset >= this.log.endOffset) return;
    this.log.truncateFrom(offset);
    this.out.truncate(offset);
    this.forgetStableFrom(offset);
  }

  /** Entries from `offset` on are no longer (or not yet) known durable. */
  forgetStableFrom(offset: number): void {
    this.stableEnd = Math.min(this.stableEnd, offset);
    this.truncatedSinceReady = this.truncatedSinceReady === null ? offset : Math.min(this.truncatedSinceReady, offset);
  }

  /** The driver persisted `ready`: its entries are durable unless truncated meanwhile. */
  markStable(ready: Ready): void {
    const last = ready.entries[ready.entries.length - 1];
    if (last !== undefined) {
      const end = Math.min(last.offset + 1, this.truncatedSinceReady ?? Infinity, this.log.endOffset);
      this.stableEnd = Math.max(this.stableEnd, end);
    }
    this.truncatedSinceReady = null;
  }

  /** Raises the high watermark (never lowers it); followers never above their log end. */
  raiseHighWatermark(offset: number): boolean {
    const next = Math.min(offset, this.log.endOffset);
    if (next <= this.highWatermark) return false;
    this.highWatermark = next;
    return true;
  }
}
