/**
 * The follower's side of a fetch answer: how far to truncate when the leader says the logs
 * diverge (KIP-279, Kafka's AbstractFetcherThread.getOffsetTruncationState), and which high
 * watermark to adopt. A follower never truncates to its high watermark merely because it
 * restarted or the leader changed (KIP-101: that loses acknowledged writes); only a
 * DivergingEpoch answer truncates it.
 */
import { type EpochEndOffset, type EpochEndOffsetLookup, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './leader-epoch-cache.js';

/** Where to cut the follower's log, and whether that settles the divergence. */
export interface TruncationDecision {
  /** Remove every batch at or above this offset (log and epoch cache alike). */
  readonly truncateTo: bigint;
  /**
   * False when the follower did not know the leader's epoch: it cut back to the end of its
   * largest older epoch and must fetch again with its new last epoch, and the leader's next
   * answer may cut further (KIP-279's iteration). True when the logs now agree by epochs.
   */
  readonly complete: boolean;
}

/** The follower's own state needed to decide a truncation. */
export interface FollowerLogState {
  readonly logEndOffset: bigint;
  /** Only used when the leader answers UNDEFINED (-1 / -1). */
  readonly highWatermark: bigint;
}

/**
 * Decides the truncation for a DivergingEpoch answer `diverging` (the leader's end offset for
 * the largest epoch it has <= the follower's last fetched epoch):
 * - UNDEFINED end offset: the leader cannot place the follower's epochs; fall back to the
 *   follower's high watermark (Kafka truncates to its initial fetch offset, the high watermark);
 * - UNDEFINED epoch with an offset (an old leader): min(leader's offset, own log end);
 * - the follower has that epoch: min(own end of the epoch, leader's end of it, own log end);
 * - the follower's largest epoch <= the leader's is a different, smaller one: cut to the end of
 *   that epoch and ask again (`complete: false`);
 * - the follower tracks no epoch that low: min(leader's offset, own log end).
 */
export function truncationFor(cache: EpochEndOffsetLookup, diverging: EpochEndOffset, follower: FollowerLogState): TruncationDecision {
  const end = follower.logEndOffset;
  if (diverging.endOffset === UNDEFINED_EPOCH_OFFSET) return { truncateTo: minOffset(follower.highWatermark, end), complete: true };
  if (diverging.epoch === UNDEFINED_EPOCH) return { truncateTo: minOffset(diverging.endOffset, end), complete: true };
  const own = cache.endOffsetFor(diverging.epoch, end);
  if (own.endOffset === UNDEFINED_EPOCH_OFFSET) return { truncateTo: minOffset(diverging.endOffset, end), complete: true };
  if (own.epoch !== diverging.epoch) return { truncateTo: minOffset(own.endOffset, end), complete: false };
  return { truncateTo: minOffset(minOffset(own.endOffset, diverging.endOffset), end), complete: true };
}

/**
 * The follower's high watermark after a fetch answer: the leader's, but never above the
 * follower's own log end (it cannot expose records it does not have).
 */
export function followerHighWatermark(leaderHighWatermark: bigint, logEndOffset: bigint): bigint {
  return minOffset(leaderHighWatermark, logEndOffset);
}

function minOffset(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
