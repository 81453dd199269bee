/**
 * What a partition leader knows about one follower, updated on each of its fetches (Kafka's
 * Replica.updateFetchState and ReplicaState.isCaughtUp). Pure functions over immutable values.
 */

/**
 * One follower as its leader sees it, within one leader epoch. Every field starts unknown (null)
 * when the leader epoch starts, except `lastCaughtUpTimeMs` for ISR members (see `initialProgress`).
 */
export interface ReplicaProgress {
  /** The follower's log end offset from its last fetch; null until it fetches in this leader epoch. */
  readonly logEndOffset: bigint | null;
  /**
   * The last time the follower was known to hold everything the leader had.
   * Invariant: never decreases. Null: never, in this leader epoch.
   */
  readonly lastCaughtUpTimeMs: number | null;
  /** The leader's log end offset when the previous fetch arrived, or null. */
  readonly lastFetchLeaderLogEndOffset: bigint | null;
  /** When the previous fetch arrived, or null. */
  readonly lastFetchTimeMs: number | null;
}

/**
 * A follower's progress when a leader epoch starts: nothing known, but an ISR member counts as
 * caught up now, so it keeps its place for one lag period instead of being removed at once
 * (Kafka's resetReplicaState on becoming leader).
 */
export function initialProgress(inIsr: boolean, nowMs: number): ReplicaProgress {
  return { logEndOffset: null, lastCaughtUpTimeMs: inIsr ? nowMs : null, lastFetchLeaderLogEndOffset: null, lastFetchTimeMs: null };
}

/** One follower fetch as the leader saw it. */
export interface FetchObservation {
  /** The follower's log end offset (the fetch offset). */
  readonly fetchOffset: bigint;
  /** The leader's log end offset when the fetch arrived. */
  readonly leaderLogEndOffset: bigint;
  readonly nowMs: number;
}

/**
 * The progress after a fetch. Kafka's catch-up rule: the follower is caught up now if it has
 * the leader's whole log; otherwise, if it has everything the leader had at its previous fetch,
 * it was caught up as of that previous fetch. A slow but steady follower therefore stays
 * "caught up" one fetch behind, while one that falls further back stops advancing the time.
 */
export function progressAfterFetch(progress: ReplicaProgress, fetch: FetchObservation): ReplicaProgress {
  let caughtUpMs: number | null = null;
  if (fetch.fetchOffset >= fetch.leaderLogEndOffset) {
    caughtUpMs = fetch.nowMs;
  } else if (progress.lastFetchLeaderLogEndOffset !== null && fetch.fetchOffset >= progress.lastFetchLeaderLogEndOffset) {
    caughtUpMs = progress.lastFetchTimeMs;
  }
  return {
    logEndOffset: fetch.fetchOffset,
    lastCaughtUpTimeMs: laterTime(progress.lastCaughtUpTimeMs, caughtUpMs),
    lastFetchLeaderLogEndOffset: fetch.leaderLogEndOffset,
    lastFetchTimeMs: fetch.nowMs,
  };
}

/** Grants a follower that just joined the ISR one lag period from `nowMs` (see LeaderReplicaState). */
export function progressOnIsrJoin(progress: ReplicaProgress, nowMs: number): ReplicaProgress {
  return { ...progress, lastCaughtUpTimeMs: laterTime(progress.lastCaughtUpTimeMs, nowMs) };
}

/** The limits of being in sync. */
export interface LagLimits {
  readonly leaderLogEndOffset: bigint;
  readonly nowMs: number;
  readonly replicaLagTimeMaxMs: number;
}

/**
 * Kafka's isCaughtUp: the follower has the leader's whole log, or it was caught up no more than
 * replica.lag.time.max.ms ago. An ISR member for which this is false is removed (ISR shrink).
 */
export function isCaughtUp(progress: ReplicaProgress, limits: LagLimits): boolean {
  if (progress.logEndOffset !== null && progress.logEndOffset >= limits.leaderLogEndOffset) return true;
  return progress.lastCaughtUpTimeMs !== null && limits.nowMs - progress.lastCaughtUpTimeMs <= limits.replicaLagTimeMaxMs;
}

function laterTime(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
