import { defaultRaftConfig, type RaftConfig } from '../core/config.js';

/** What one simulation run does; everything not given derives from the seed. */
export interface SimOptions {
  readonly seed: number;
  /** Voters (3 or 5); by default 3 for even seeds and 5 for odd ones. */
  readonly voters: number;
  readonly observers: number;
  /** Rounds of (chaos phase, heal phase). */
  readonly cycles: number;
  /** Events in each chaos phase. */
  readonly chaosEvents: number;
  /** After a heal, a leader must commit a new proposal on every node within this. */
  readonly livenessBoundMs: number;
  /** Print every trace line as it happens. */
  readonly verbose: boolean;
  /** Lines kept in the trace ring buffer and printed on failure. */
  readonly traceLines: number;
}

/** Simulated milliseconds per core tick. */
export const TICK_MS = 10;

/** The options for `seed` with everything else at its default. */
export function simOptions(seed: number, overrides: Partial<Omit<SimOptions, 'seed'>> = {}): SimOptions {
  return {
    seed,
    voters: seed % 2 === 0 ? 3 : 5,
    observers: 1,
    cycles: 2,
    chaosEvents: 1500,
    livenessBoundMs: 10_000,
    verbose: false,
    traceLines: 400,
    ...overrides,
  };
}

/**
 * Small bounds so a short run exercises long polls, multi-fetch catch-up, snapshot chunking
 * and check quorum. One tick is `TICK_MS` of simulated time.
 */
export function simRaftConfig(nodeId: number, voterIds: readonly number[], overrides: Partial<RaftConfig> = {}): RaftConfig {
  return {
    ...defaultRaftConfig,
    nodeId,
    clusterId: 'sim-cluster',
    voterIds,
    electionTimeoutTicks: 10,
    fetchTimeoutTicks: 20,
    fetchIntervalTicks: 2,
    fetchMaxWaitTicks: 5,
    requestTimeoutTicks: 5,
    checkQuorumTicks: 30,
    beginQuorumEpochIntervalTicks: 10,
    fetchBytesMax: 400,
    fetchEntriesMax: 16,
    snapshotChunkBytesMax: 48,
    snapshotBytesMax: 4096,
    parkedFetchesMax: 8,
    observersMax: 4,
    proposeEntriesMax: 8,
    entryBytesMax: 256,
    uncommittedEntriesMax: 200,
    applyEntriesMax: 16,
    outboxMessagesMax: 500,
    ...overrides,
  };
}

/**
 * Timer settings, one profile per seed: the simulator's tight one, and the production defaults
 * (relative to each other they differ: e.g. a longer fetch timeout against the long poll).
 */
export const TIMING_PROFILES: ReadonlyArray<Partial<RaftConfig>> = [
  {},
  {
    electionTimeoutTicks: defaultRaftConfig.electionTimeoutTicks,
    fetchTimeoutTicks: defaultRaftConfig.fetchTimeoutTicks,
    fetchIntervalTicks: defaultRaftConfig.fetchIntervalTicks,
    fetchMaxWaitTicks: defaultRaftConfig.fetchMaxWaitTicks,
    requestTimeoutTicks: defaultRaftConfig.requestTimeoutTicks,
    checkQuorumTicks: defaultRaftConfig.checkQuorumTicks,
    beginQuorumEpochIntervalTicks: defaultRaftConfig.beginQuorumEpochIntervalTicks,
  },
];

/** The one-line command that replays `options`. */
export function replayCommand(options: SimOptions): string {
  const defaults = simOptions(options.seed);
  const extra: string[] = [];
  if (options.voters !== defaults.voters) extra.push(`--voters ${options.voters}`);
  if (options.observers !== defaults.observers) extra.push(`--observers ${options.observers}`);
  if (options.cycles !== defaults.cycles) extra.push(`--cycles ${options.cycles}`);
  if (options.chaosEvents !== defaults.chaosEvents) extra.push(`--events ${options.chaosEvents}`);
  return ['npm run sim -- --seed', String(options.seed), ...extra, '--verbose'].join(' ');
}
