import type { FetchRequest } from './messages.js';

/** What the leader knows about one replica's replication, per epoch (KIP-595, KIP-836). */
export interface ReplicaProgress {
  readonly id: number;
  /**
   * The replica's log end offset as of its last valid fetch in this epoch, -1 before one.
   * Invariant: it only grows. A fetch at offset o promises that the replica durably holds the
   * leader's entries below o (the driver fsyncs before sending), and within one epoch those are
   * never truncated, so the largest value seen stays true.
   */
  endOffset: number;
  /** Tick of the last Fetch or FetchSnapshot from it in this epoch, -1 before one. */
  lastFetchTick: number;
  /** Tick of the last fetch at or beyond the leader's log end, -1 before one. */
  lastCaughtUpTick: number;
  /** The high watermark in the last fetch response sent to it: a parked fetch is answered early when it grows. */
  lastSentHighWatermark: number;
  /** Tick the leader last sent BeginQuorumEpoch to it (voters only), -1 before. */
  lastBeginQuorumEpochTick: number;
}

/** A fetch the leader holds back until there is news for it or its wait runs out (long poll). */
export interface ParkedFetch {
  readonly from: number;
  readonly request: FetchRequest;
  readonly deadlineTick: number;
}

/** The smallest number of voters that is a majority of `voterCount`. */
export function majorityOf(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/** A fresh progress record for a replica the leader has not heard from in this epoch. */
export function newReplicaProgress(id: number): ReplicaProgress {
  return {
    id,
    endOffset: -1,
    lastFetchTick: -1,
    lastCaughtUpTick: -1,
    lastSentHighWatermark: -1,
    lastBeginQuorumEpochTick: -1,
  };
}

/**
 * The largest offset that a majority of voters hold: with the voters' end offsets sorted from
 * high to low, the value at the position of the last member of the smallest majority.
 */
export function majorityEndOffset(voterEndOffsets: readonly number[]): number {
  const sorted = [...voterEndOffsets].sort((a, b) => b - a);
  return sorted[majorityOf(sorted.length) - 1]!;
}

/**
 * The high watermark a leader may move to, or null when it must stay: the majority's end offset
 * must exceed the current value, and must cover an entry of the leader's own epoch, i.e. be
 * above the epoch's start offset (Raft thesis §3.6.2: a leader commits entries of earlier
 * epochs only by committing one of its own; KIP-595 applies the same rule to the high watermark).
 */
export function nextHighWatermark(input: {
  voterEndOffsets: readonly number[];
  highWatermark: number;
  epochStartOffset: number;
}): number | null {
  const candidate = majorityEndOffset(input.voterEndOffsets);
  if (candidate <= input.highWatermark) return null;
  if (candidate <= input.epochStartOffset) return null;
  return candidate;
}

/**
 * True when a majority of voters, counting the leader itself, has fetched within the last
 * `windowTicks` ticks (KIP-595 check quorum; quorum invariant 17).
 */
export function quorumHeardFrom(input: {
  followers: Iterable<ReplicaProgress>;
  voterCount: number;
  nowTick: number;
  windowTicks: number;
}): boolean {
  let heard = 1;
  for (const progress of input.followers) {
    if (progress.lastFetchTick >= 0 && input.nowTick - progress.lastFetchTick < input.windowTicks) heard++;
  }
  return heard >= majorityOf(input.voterCount);
}
