import { invariant } from './errors.js';

/**
 * The four-method logger the core writes to (STYLE §6). Drivers pass a pino child; the simulator
 * passes a bounded ring buffer. `obj` holds structured fields (nodeId, epoch, offset, ...).
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * The injected source of randomness: a float in [0, 1). Production drivers seed it from the OS;
 * the simulator passes a seeded PRNG so a run replays from its seed. The core never calls
 * `Math.random()`.
 */
export interface RandomSource {
  next(): number;
}

/** What the core needs from outside besides its configuration. */
export interface RaftDeps {
  readonly logger: Logger;
  readonly random: RandomSource;
}

/**
 * Static configuration of one quorum member. All durations are tick counts; the driver decides
 * how long a tick is (e.g. 50 ms) and converts. Offsets and epochs are `number` inside the core:
 * the driver converts the wire's int64 (`bigint`) at the codec, nowhere else.
 */
export interface RaftConfig {
  /** This node's id. A node not listed in `voterIds` is an observer. */
  readonly nodeId: number;
  /** Requests naming another cluster id get INCONSISTENT_CLUSTER_ID. */
  readonly clusterId: string;
  /** The static voter set (KIP-595 `controller.quorum.voters`). Invariant: non-empty, unique. */
  readonly voterIds: readonly number[];
  /** An unattached voter or a candidate waits a random time in [E, 2E) before (re)standing. */
  readonly electionTimeoutTicks: number;
  /** A follower with no successful fetch response for this long starts a pre-vote (KIP-595). */
  readonly fetchTimeoutTicks: number;
  /** The retry back-off after a failed fetch, and the observer's leader discovery interval. */
  readonly fetchIntervalTicks: number;
  /** The leader parks a fetch that has nothing new for at most this long (long poll). */
  readonly fetchMaxWaitTicks: number;
  /** A request not answered within this (plus the long-poll wait for fetches) is given up. */
  readonly requestTimeoutTicks: number;
  /** A leader without fetches from a majority of voters for this long steps down (check quorum). */
  readonly checkQuorumTicks: number;
  /** The leader resends BeginQuorumEpoch this often to voters that have not fetched lately. */
  readonly beginQuorumEpochIntervalTicks: number;
  /** `max_bytes` a fetcher asks for, and the most a leader puts into one fetch response. */
  readonly fetchBytesMax: number;
  /** The most entries in one fetch response, whatever their size. */
  readonly fetchEntriesMax: number;
  /** The most snapshot bytes in one FetchSnapshot chunk. */
  readonly snapshotChunkBytesMax: number;
  /** The largest snapshot a follower accepts to download (it is held in memory). */
  readonly snapshotBytesMax: number;
  /** The most fetches the leader keeps parked at once (one per replica at most). */
  readonly parkedFetchesMax: number;
  /** The most observers the leader tracks for DescribeQuorum; the least recent is forgotten. */
  readonly observersMax: number;
  /** The most payloads in one `propose` call. */
  readonly proposeEntriesMax: number;
  /** The largest single payload in bytes. */
  readonly entryBytesMax: number;
  /** `propose` is refused while the leader has this many entries above the high watermark. */
  readonly uncommittedEntriesMax: number;
  /** The most committed entries handed to the application in one Ready. */
  readonly applyEntriesMax: number;
  /** The most messages waiting for the next Ready; more are dropped (the network may drop too). */
  readonly outboxMessagesMax: number;
}

/** Defaults that suit a 50 ms tick on a small machine (elections within 1–2 s). */
export const defaultRaftConfig: Omit<RaftConfig, 'nodeId' | 'clusterId' | 'voterIds'> = {
  electionTimeoutTicks: 20,
  fetchTimeoutTicks: 40,
  fetchIntervalTicks: 2,
  fetchMaxWaitTicks: 5,
  requestTimeoutTicks: 8,
  checkQuorumTicks: 60,
  beginQuorumEpochIntervalTicks: 20,
  fetchBytesMax: 1024 * 1024,
  fetchEntriesMax: 1000,
  snapshotChunkBytesMax: 256 * 1024,
  snapshotBytesMax: 256 * 1024 * 1024,
  parkedFetchesMax: 64,
  observersMax: 64,
  proposeEntriesMax: 1000,
  entryBytesMax: 1024 * 1024,
  uncommittedEntriesMax: 10_000,
  applyEntriesMax: 1000,
  outboxMessagesMax: 10_000,
};

/** Throws `InvariantError` for a configuration the core cannot run safely or live with. */
export function validateRaftConfig(config: RaftConfig): void {
  invariant(config.voterIds.length > 0, 'voterIds must not be empty');
  invariant(new Set(config.voterIds).size === config.voterIds.length, 'voterIds must be unique');
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === 'number' && name !== 'nodeId') {
      invariant(Number.isInteger(value) && value > 0, `${name} must be a positive integer`);
    }
  }
  // A follower that is long-polled must hear back before it gives up on the leader, and the
  // leader must see each follower's next fetch before its check-quorum window closes.
  invariant(
    config.fetchTimeoutTicks > config.fetchMaxWaitTicks + config.requestTimeoutTicks,
    'fetchTimeoutTicks must exceed fetchMaxWaitTicks + requestTimeoutTicks',
  );
  invariant(
    config.checkQuorumTicks > config.fetchMaxWaitTicks + config.requestTimeoutTicks,
    'checkQuorumTicks must exceed fetchMaxWaitTicks + requestTimeoutTicks',
  );
}
