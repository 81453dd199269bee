import { invariant } from '../errors.js';

/**
 * The leader epoch cache of one partition (Kafka LeaderEpochFileCache, KIP-101): for each leader
 * epoch that wrote to the log, the offset of its first batch. A follower asks the leader for the
 * end offset of its own latest epoch to find where the two logs diverge (KIP-101), repeating with
 * older epochs when the leader never saw that one (KIP-279).
 *
 * Pure logic, no IO: the partition log keeps the `leader-epoch-checkpoint` file in step with it
 * (leader-epoch-checkpoint.ts).
 */

/** Kafka's "no epoch" (OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH). */
export const UNDEFINED_EPOCH = -1;
/** Kafka's "no end offset" (OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET). */
export const UNDEFINED_EPOCH_OFFSET = -1n;

/** A leader epoch and the offset of the first batch it wrote. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

/** The answer to OffsetsForLeaderEpoch: an epoch and the offset just past its batches. */
export interface EpochEndOffset {
  epoch: number;
  endOffset: bigint;
}

/** Leader epochs are int32 on the wire and in batch headers. */
const EPOCH_MAX = 0x7fffffff;

const UNDEFINED: Readonly<EpochEndOffset> = Object.freeze({ epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET });

/**
 * Why `entries` is not a valid cache (an epoch outside int32 >= 0, a negative offset, or a pair that does not
 * strictly increase in both epoch and start offset), or null when it is.
 */
export function epochEntriesProblem(entries: readonly EpochEntry[]): string | null {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (!Number.isInteger(entry.epoch) || entry.epoch < 0 || entry.epoch > EPOCH_MAX || entry.startOffset < 0n) {
      return `entry ${i} (${entry.epoch} ${entry.startOffset}) is out of range`;
    }
    const prev = entries[i - 1];
    if (prev && (entry.epoch <= prev.epoch || entry.startOffset <= prev.startOffset)) {
      return `entry ${i} (${entry.epoch} ${entry.startOffset}) does not follow (${prev.epoch} ${prev.startOffset})`;
    }
  }
  return null;
}

/**
 * Invariant: entries strictly increase in both epoch and start offset, and every epoch and start
 * offset is >= 0. Every mutator returns whether it changed anything, so the caller rewrites the
 * checkpoint only then.
 */
export class LeaderEpochCache {
  private list: EpochEntry[];

  constructor(entries: readonly EpochEntry[] = []) {
    const problem = epochEntriesProblem(entries);
    invariant(problem === null, `leader epoch cache: ${problem}`);
    this.list = entries.map(freezeEntry);
  }

  /** The entries, oldest first (immutable values). */
  get entries(): readonly EpochEntry[] {
    return [...this.list];
  }

  /** The newest epoch that wrote to the log, UNDEFINED_EPOCH when the cache is empty. */
  get latestEpoch(): number {
    return this.list[this.list.length - 1]?.epoch ?? UNDEFINED_EPOCH;
  }

  /**
   * Records that `epoch` starts at `startOffset`, when it is newer than the latest epoch; an
   * older or equal epoch changes nothing (its start is already recorded, or the append is stale).
   * Entries starting at or after `startOffset` conflict with the new one and go (the log below
   * them was truncated without telling the cache), as in Kafka's assign.
   */
  assign(epoch: number, startOffset: bigint): boolean {
    invariant(startOffset >= 0n, `leader epoch ${epoch} assigned negative start offset ${startOffset}`);
    if (epoch <= this.latestEpoch) return false;
    while (this.list.length > 0 && this.list[this.list.length - 1]!.startOffset >= startOffset) this.list.pop();
    this.list.push(freezeEntry({ epoch, startOffset }));
    return true;
  }

  /**
   * OffsetsForLeaderEpoch (KIP-101): the largest epoch <= `requestedEpoch`, and its end offset:
   * the start offset of the next entry, or `logEndOffset` when it is the latest. UNDEFINED for
   * both when the cache is empty or `requestedEpoch` is below its first epoch: the follower then
   * falls back to its high watermark. (Kafka since 2.x answers the latter with the first entry's
   * start offset instead; this follows KIP-101.)
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): EpochEndOffset {
    const i = this.floorIndexByEpoch(requestedEpoch);
    if (i < 0) return { ...UNDEFINED };
    const next = this.list[i + 1];
    return { epoch: this.list[i]!.epoch, endOffset: next ? next.startOffset : logEndOffset };
  }

  /** The epoch whose range holds `offset` (the last entry starting at or below it), UNDEFINED_EPOCH below the first entry. */
  epochForOffset(offset: bigint): number {
    const i = this.floorIndexByOffset(offset);
    return i < 0 ? UNDEFINED_EPOCH : this.list[i]!.epoch;
  }

  /** Removes the entries starting at or after `endOffset`: the log was truncated to end there. */
  truncateFromEnd(endOffset: bigint): boolean {
    const keep = this.floorIndexByOffset(endOffset - 1n) + 1;
    if (keep === this.list.length) return false;
    this.list.length = keep;
    return true;
  }

  /**
   * The log now starts at `startOffset` (retention): entries wholly below it go, and the entry
   * covering it is kept with its start moved to `startOffset`, so the epoch of every remaining
   * offset stays known.
   */
  truncateFromStart(startOffset: bigint): boolean {
    const i = this.floorIndexByOffset(startOffset);
    if (i < 0) return false;
    const covering = this.list[i]!;
    if (i === 0 && covering.startOffset === startOffset) return false;
    this.list.splice(0, i + 1, freezeEntry({ epoch: covering.epoch, startOffset }));
    return true;
  }

  /** Empties the cache (the log was emptied and restarted at another offset). */
  clear(): boolean {
    if (this.list.length === 0) return false;
    this.list = [];
    return true;
  }

  /** Index of the last entry with epoch <= `epoch`, or -1. */
  private floorIndexByEpoch(epoch: number): number {
    return this.lastIndexWhere((e) => e.epoch <= epoch);
  }

  /** Index of the last entry with startOffset <= `offset`, or -1. */
  private floorIndexByOffset(offset: bigint): number {
    return this.lastIndexWhere((e) => e.startOffset <= offset);
  }

  /** Binary search; `atMost` holds for a prefix of the entries (both keys increase). */
  private lastIndexWhere(atMost: (entry: EpochEntry) => boolean): number {
    let lo = 0;
    let hi = this.list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (atMost(this.list[mid]!)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

function freezeEntry(entry: EpochEntry): EpochEntry {
  return Object.freeze({ epoch: entry.epoch, startOffset: entry.startOffset });
}
