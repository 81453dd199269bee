import type { Entry, Envelope } from './messages.js';

/**
 * The durable election state (KRaft's quorum-state file). Quorum invariant 16: a vote and
 * an epoch are on disk before any message that depends on them is sent.
 */
export interface HardState {
  readonly epoch: number;
  /** The candidate this node voted for in `epoch`, or null. One vote per epoch (Raft §3.4). */
  readonly votedFor: number | null;
  /** The leader of `epoch` as far as this node knows, or null. */
  readonly leaderId: number | null;
}

/** A snapshot: the application's state after applying every entry below `endOffset`. */
export interface Snapshot {
  readonly endOffset: number;
  /** Epoch of the entry at `endOffset - 1`. */
  readonly epoch: number;
  readonly data: Uint8Array;
}

/** What a restarting node read back from its storage; all empty on first start. */
export interface PersistedState {
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  /** The stored log from the snapshot's end offset (extra entries below it are ignored). */
  readonly entries: readonly Entry[];
}

/**
 * One batch of work for the driver. The driver MUST process it in this order:
 *
 * 1. Persist, then fsync, all of:
 *    a. `snapshot`: write it durably (e.g. a temp file renamed into place).
 *    b. `logStartOffset`: delete every log entry below it.
 *    c. `truncateFrom`: delete every log entry at or above it.
 *    d. `entries`: append them; the first one's offset is the log end after steps b and c.
 *    e. `hardState`: write it.
 *    Nothing in the batch may leave the node before this is durable: a vote response promises
 *    the vote in `hardState` (quorum invariant 16), and a fetch request acknowledges `entries` to the
 *    leader, which counts them towards the high watermark. When all five are empty, skip fsync.
 * 2. Send `messages`, in order.
 * 3. Apply: first load `applySnapshot` into the state machine if set (it replaces the state),
 *    then apply `committedEntries` in order. Each offset is handed over exactly once per process
 *    lifetime, contiguously, never at or above the high watermark. Leader-change entries (empty
 *    data, see `isLeaderChangeEntry`) are included so offsets stay dense; skip them.
 * 4. Call `advance(ready)`.
 *
 * Inputs (`step`, `tick`, `propose`, `snapshotTaken`) may be fed between `ready()` and
 * `advance()`; they go into the next Ready, and `ready()` returns null until `advance()`.
 * A crash may lose whatever of this batch was not yet fsynced: nothing of it was sent or applied.
 */
export interface Ready {
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  readonly logStartOffset: number | null;
  readonly truncateFrom: number | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Envelope[];
  /** A snapshot received from the leader (or found at restart) for the application to load. */
  readonly applySnapshot: Snapshot | null;
  readonly committedEntries: readonly Entry[];
}

/** True when the Ready has anything the driver must fsync before sending. */
export function mustSync(ready: Ready): boolean {
  return (
    ready.hardState !== null ||
    ready.snapshot !== null ||
    ready.logStartOffset !== null ||
    ready.truncateFrom !== null ||
    ready.entries.length > 0
  );
}

/**
 * Collects the changes made since the last `ready()`. Only persistence and messages live here;
 * committed entries are read from the log when the Ready is built.
 */
export class ReadyBuilder {
  hardState: HardState | null = null;
  snapshot: Snapshot | null = null;
  applySnapshot: Snapshot | null = null;
  logStartOffset: number | null = null;
  /** Invariant: every pending entry is above `truncateFrom` when both are set. */
  truncateFrom: number | null = null;
  entries: Entry[] = [];
  messages: Envelope[] = [];

  /** Records appended entries. */
  append(entries: readonly Entry[]): void {
    for (const entry of entries) this.entries.push(entry);
  }

  /**
   * Records a truncation. Entries not yet handed to the driver are simply dropped; older ones
   * (persisted or in flight) are deleted by `truncateFrom`.
   */
  truncate(offset: number): void {
    const firstPending = this.entries[0];
    if (firstPending !== undefined && offset >= firstPending.offset) {
      this.entries.length = Math.max(0, Math.min(this.entries.length, offset - firstPending.offset));
      return;
    }
    this.entries = [];
    this.truncateFrom = this.truncateFrom === null ? offset : Math.min(this.truncateFrom, offset);
  }

  /** Records a local snapshot: persist it, then delete the log below its end offset. */
  compact(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.logStartOffset = Math.max(this.logStartOffset ?? 0, snapshot.endOffset);
  }

  /** Records an installed snapshot: persist it, empty the log, and load it into the application. */
  install(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.applySnapshot = snapshot;
    this.logStartOffset = snapshot.endOffset;
    // Everything below the end offset goes with logStartOffset, everything above with this.
    this.truncateFrom = snapshot.endOffset;
    this.entries = [];
  }

  /** Forgets everything pending, once it was handed out in a Ready. */
  reset(): void {
    this.hardState = null;
    this.snapshot = null;
    this.applySnapshot = null;
    this.logStartOffset = null;
    this.truncateFrom = null;
    this.entries = [];
    this.messages = [];
  }

  /** True when nothing is pending. */
  get empty(): boolean {
    return (
      this.hardState === null &&
      this.snapshot === null &&
      this.applySnapshot === null &&
      this.logStartOffset === null &&
      this.truncateFrom === null &&
      this.entries.length === 0 &&
      this.messages.length === 0
    );
  }
}
