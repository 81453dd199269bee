/**
 * The leader epoch cache (KIP-101, KIP-279): for each leader epoch whose batches a log holds, the
 * offset of its first batch. It answers "where does epoch E end in this log", which lets a
 * follower find the first offset where its log and the leader's diverge without trusting the
 * high watermark. This is the pure logic; the checkpoint file belongs to storage.
 *
 * Semantics follow Kafka's LeaderEpochFileCache (assign, endOffsetFor, truncateFromEnd,
 * truncateFromStart). `divergingEpochFor` is the leader's check on a follower fetch (KIP-320's
 * fetch-based truncation).
 */
import { invariant } from './errors.js';

/** Kafka's "no epoch" value (OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH). */
export const UNDEFINED_EPOCH = -1;
/** Kafka's "no offset" value (OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET). */
export const UNDEFINED_EPOCH_OFFSET = -1n;

/** Epoch `epoch` starts at `startOffset`: the base offset of its first batch in this log. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

/** The answer to "where does epoch E end": the proto's DivergingEpoch and OffsetForLeaderEpoch's result. */
export interface EpochEndOffset {
  readonly epoch: number;
  readonly endOffset: bigint;
}

/**
 * The one question divergence handling asks of an epoch cache. `LeaderEpochCache` answers it, and
 * so does any cache with Kafka's endOffsetFor semantics (the storage layer's, for instance).
 */
export interface EpochEndOffsetLookup {
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): EpochEndOffset;
}

/** The UNDEFINED answer: -1 / -1. */
export const UNDEFINED_EPOCH_END_OFFSET: EpochEndOffset = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };

/**
 * The (epoch, start offset) list of one partition replica's log.
 * Invariant: epochs strictly increase and start offsets strictly increase along the list; an
 * epoch whose batches were all removed (or never written) has no entry.
 */
export class LeaderEpochCache implements EpochEndOffsetLookup {
  private list: EpochEntry[];

  /** Starts from entries read back from the checkpoint; they must already be ordered. */
  constructor(entries: readonly EpochEntry[] = []) {
    this.list = [];
    for (const entry of entries) {
      checkEntry(entry);
      const last = this.list.at(-1);
      invariant(last === undefined || (entry.epoch > last.epoch && entry.startOffset > last.startOffset),
        `Epoch entries out of order: ${describe(last)} then ${describe(entry)}.`);
      this.list.push(entry);
    }
  }

  /** A copy of the entries, oldest first: what the checkpoint file stores. */
  entries(): readonly EpochEntry[] {
    return [...this.list];
  }

  /** The newest entry, or null for an empty cache. */
  latestEntry(): EpochEntry | null {
    return this.list.at(-1) ?? null;
  }

  /** The newest epoch, or UNDEFINED_EPOCH (-1) for an empty cache. */
  latestEpoch(): number {
    return this.list.at(-1)?.epoch ?? UNDEFINED_EPOCH;
  }

  /**
   * Records that a batch of `epoch` was appended at `startOffset` (call it for every appended
   * batch; a leader also calls it when it becomes leader, with its log end offset). A batch of
   * the latest epoch at or after its start changes nothing. Anything else becomes the latest
   * entry after removing, from the end, every entry that would break the ordering (an epoch >=
   * `epoch` or a start >= `startOffset`), as Kafka's assign does. Returns true when the cache
   * changed, so the caller knows to rewrite the checkpoint.
   */
  assign(epoch: number, startOffset: bigint): boolean {
    const entry = { epoch, startOffset };
    checkEntry(entry);
    const latest = this.latestEntry();
    if (latest !== null && latest.epoch === epoch && latest.startOffset <= startOffset) return false;
    this.removeFromEnd((e) => e.epoch >= epoch || e.startOffset >= startOffset);
    this.list.push(entry);
    return true;
  }

  /**
   * Where `requestedEpoch` ends in a log whose end is `logEndOffset`, with Kafka's semantics:
   * - the latest epoch ends at the log end offset;
   * - otherwise the answer is the largest epoch <= requested, ending where the next higher epoch
   *   starts;
   * - a requested epoch below every entry gets (requested, start of the first entry): the older
   *   data was removed from the log, and a follower may replicate from there (current Kafka; the
   *   original KIP-101 text answered UNDEFINED);
   * - UNDEFINED (-1, -1) for an undefined request, an empty cache, or an epoch above the latest.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): EpochEndOffset {
    const latest = this.latestEntry();
    if (requestedEpoch === UNDEFINED_EPOCH || latest === null) return UNDEFINED_EPOCH_END_OFFSET;
    if (latest.epoch === requestedEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higherIndex = this.list.findIndex((e) => e.epoch > requestedEpoch);
    if (higherIndex === -1) return UNDEFINED_EPOCH_END_OFFSET;
    const higher = this.list[higherIndex]!;
    if (higherIndex === 0) return { epoch: requestedEpoch, endOffset: higher.startOffset };
    return { epoch: this.list[higherIndex - 1]!.epoch, endOffset: higher.startOffset };
  }

  /**
   * The log was truncated to end at `endOffset` (everything at or above it removed): drops the
   * entries that start at or above it. Returns true when the cache changed.
   */
  truncateFromEnd(endOffset: bigint): boolean {
    invariant(endOffset >= 0n, `Truncation offset ${endOffset} is negative.`);
    return this.removeFromEnd((e) => e.startOffset >= endOffset).length > 0;
  }

  /**
   * The log now starts at `startOffset` (retention or DeleteRecords removed everything below):
   * drops the entries that start at or below it and keeps the last of them, moved to start at
   * `startOffset`, since its epoch still covers the new first batch. Returns true when changed.
   */
  truncateFromStart(startOffset: bigint): boolean {
    invariant(startOffset >= 0n, `Log start offset ${startOffset} is negative.`);
    const covered = this.list.filter((e) => e.startOffset <= startOffset);
    const last = covered.at(-1);
    if (last === undefined) return false;
    const changed = covered.length > 1 || last.startOffset !== startOffset;
    this.list = [{ epoch: last.epoch, startOffset }, ...this.list.slice(covered.length)];
    return changed;
  }

  /** Removes entries from the end while `matches` holds; returns them, newest first. */
  private removeFromEnd(matches: (entry: EpochEntry) => boolean): EpochEntry[] {
    const removed: EpochEntry[] = [];
    while (this.list.length > 0 && matches(this.list.at(-1)!)) removed.push(this.list.pop()!);
    return removed;
  }
}

/** What a follower's fetch says about its log: the proto's fetch_offset and last_fetched_epoch. */
export interface FollowerLogPosition {
  /** The follower's log end offset. */
  readonly fetchOffset: bigint;
  /** Epoch of the follower's last batch, or UNDEFINED_EPOCH (-1) for an empty log. */
  readonly lastFetchedEpoch: number;
}

/**
 * The leader's divergence check on a follower fetch (KIP-320, Kafka's Partition.fetchRecords):
 * when the leader's log ends epoch `lastFetchedEpoch` below `fetchOffset`, or does not know that
 * epoch, the follower's log diverges and the answer is the leader's (epoch, end offset) for it,
 * sent as DivergingEpoch instead of records. Returns null when the follower's log is a prefix of
 * the leader's as far as epochs tell (or the follower's log is empty).
 * A diverging fetch must not update the follower's state on the leader (`onFollowerFetch`).
 */
export function divergingEpochFor(cache: EpochEndOffsetLookup, fetch: FollowerLogPosition, leaderLogEndOffset: bigint): EpochEndOffset | null {
  if (fetch.lastFetchedEpoch === UNDEFINED_EPOCH) return null;
  const ours = cache.endOffsetFor(fetch.lastFetchedEpoch, leaderLogEndOffset);
  if (ours.endOffset < fetch.fetchOffset || ours.epoch < fetch.lastFetchedEpoch) return ours;
  return null;
}

function checkEntry(entry: EpochEntry): void {
  invariant(entry.epoch >= 0 && Number.isInteger(entry.epoch), `Leader epoch ${entry.epoch} is not a non-negative integer.`);
  invariant(entry.startOffset >= 0n, `Epoch start offset ${entry.startOffset} is negative.`);
}

function describe(entry: EpochEntry | undefined): string {
  return entry === undefined ? 'nothing' : `(epoch ${entry.epoch}, start ${entry.startOffset})`;
}
