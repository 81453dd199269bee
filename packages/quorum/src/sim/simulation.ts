import { Prng } from '@sluice/testkit';
import { fingerprint } from './app.js';
import { Checker, PropertyViolation } from './checker.js';
import { SimDriver, type SimEvent, type SimStats, type SimWorld } from './driver.js';
import { HEALTHY_NETWORK, SimNetwork } from './network.js';
import { injectFault, MAX_DELAY_MS } from './nemesis.js';
import { replayCommand, simOptions, simRaftConfig, TICK_MS, TIMING_PROFILES, type SimOptions } from './options.js';
import { CheckQuorumWatch } from './quorum-watch.js';
import { Scheduler } from './scheduler.js';
import { Trace } from './trace.js';

/** A failed run: the seed, the command that replays it, the violation and the recent trace. */
export class SimulationFailure extends Error {
  override name = 'SimulationFailure';
  constructor(
    readonly seed: number,
    readonly replay: string,
    readonly trace: string,
    cause: unknown,
  ) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`seed ${seed}: ${what}\nreplay: ${replay}\n--- last events ---\n${trace}`, { cause });
  }
}

/** What a successful run did. */
export interface SimResult extends Readonly<SimStats> {
  readonly seed: number;
  readonly events: number;
  readonly simulatedMs: number;
  /** One past the highest offset any node saw committed. */
  readonly committedOffsets: number;
  readonly messagesSent: number;
}

/**
 * Applied entries between two snapshots, one value per seed: frequent snapshots send lagging
 * nodes to FetchSnapshot, rare ones leave long log tails for diverging-epoch truncation.
 */
const SNAPSHOT_INTERVALS = [10, 25, 60, 150] as const;
/**
 * Entries per fetch response, one value per seed: small batches make followers acknowledge
 * offsets inside older epochs, where committing by counting would go wrong (Raft thesis §3.6.2).
 */
const FETCH_ENTRIES_MAX = [1, 2, 4, 16] as const;

/** A proposal the core accepted, kept to decide liveness after a heal. */
interface Accepted {
  readonly fingerprint: number;
  readonly offset: number;
  readonly timeMs: number;
}

/**
 * A deterministic simulation of one quorum: voters plus observers in one process, with a
 * simulated clock, a faulty network, crashable disks and a nemesis, checking the invariants
 * after every event (`Checker`, `CheckQuorumWatch`). Everything random comes from one seeded
 * PRNG, so a seed replays exactly.
 */
export class Simulation {
  private readonly world: SimWorld;
  private readonly drivers = new Map<number, SimDriver>();
  private readonly voterIds: number[];
  private readonly quorumWatch: CheckQuorumWatch;
  private chaos = true;
  /** No client writes, so an isolated follower stays as up to date as the leader. */
  private quiet = false;
  private events = 0;
  private payloadSeq = 0;
  private accepted: Accepted[] = [];
  private healedAtMs = 0;
  /** A voter kept down through a heal phase (often the leader): a majority must do without it. */
  private heldDown: number | null = null;

  constructor(private readonly options: SimOptions) {
    const rng = new Prng(options.seed);
    const scheduler = new Scheduler<SimEvent>();
    this.world = {
      rng,
      scheduler,
      network: new SimNetwork(rng, (delay, delivery) => scheduler.after(delay, { kind: 'deliver', delivery })),
      checker: new Checker(),
      trace: new Trace(options.traceLines, () => scheduler.now, options.verbose),
      stats: { crashes: 0, lostWriteCrashes: 0, snapshotsInstalled: 0, logTruncations: 0 },
      snapshotEveryEntries: rng.pick(SNAPSHOT_INTERVALS),
      chaos: () => this.chaos,
    };
    this.voterIds = Array.from({ length: options.voters }, (_, i) => i + 1);
    const observerIds = Array.from({ length: options.observers }, (_, i) => 100 + i);
    const overrides = { ...rng.pick(TIMING_PROFILES), fetchEntriesMax: rng.pick(FETCH_ENTRIES_MAX) };
    for (const id of [...this.voterIds, ...observerIds]) {
      this.drivers.set(id, new SimDriver(id, simRaftConfig(id, this.voterIds, overrides), this.world));
    }
    const checkQuorumTicks = simRaftConfig(1, this.voterIds, overrides).checkQuorumTicks;
    // Slack: fetches sent before a cut may still arrive, and timer periods drift by up to 20%.
    const slackTicks = Math.ceil(MAX_DELAY_MS / (TICK_MS - 2)) + 2;
    this.quorumWatch = new CheckQuorumWatch(this.voterIds.length, checkQuorumTicks + slackTicks);
  }

  /** Runs every cycle; throws `SimulationFailure` on the first violated property. */
  run(): SimResult {
    const { scheduler, rng, checker, network, stats, trace } = this.world;
    try {
      for (const driver of this.drivers.values()) {
        driver.start(TICK_MS);
        scheduler.at(rng.int(TICK_MS), { kind: 'tick', node: driver.id });
      }
      scheduler.at(50, { kind: 'nemesis' });
      scheduler.at(5, { kind: 'propose' });
      for (let cycle = 0; cycle < this.options.cycles; cycle++) {
        this.chaos = true;
        for (let i = 0; i < this.options.chaosEvents; i++) this.step();
        this.healAndAwaitProgress();
        this.checkRejoinDoesNotDepose();
        this.releaseHeldDown();
      }
    } catch (err) {
      throw new SimulationFailure(this.options.seed, replayCommand(this.options), trace.dump(), err);
    }
    return {
      seed: this.options.seed,
      events: this.events,
      simulatedMs: scheduler.now,
      committedOffsets: checker.committedEnd,
      messagesSent: network.sent,
      ...stats,
    };
  }

  /** Processes one event, then checks every running node. */
  private step(): void {
    const event = this.world.scheduler.next();
    if (event === null) throw new Error('event queue ran dry');
    this.events++;
    this.handle(event);
    for (const driver of this.drivers.values()) {
      const raft = driver.raft;
      if (raft === null) continue;
      this.world.checker.afterEvent(driver.id, raft);
      const isLeader = raft.role === 'leader';
      this.quorumWatch.observe({
        nodeId: driver.id,
        isLeader,
        epoch: raft.epoch,
        nowTick: raft.nowTick,
        reachableVoters: isLeader ? this.reachableVoters(driver.id) : [],
      });
    }
  }

  /** Voters (including `id`) that run unpaused on `id`'s side of the partition. */
  private reachableVoters(id: number): number[] {
    return this.voterIds.filter((voter) => {
      const other = this.drivers.get(voter)!;
      return other.up && !other.paused && this.world.network.connected(id, voter);
    });
  }

  private handle(event: SimEvent): void {
    const { scheduler, rng } = this.world;
    switch (event.kind) {
      case 'tick': {
        const driver = this.drivers.get(event.node)!;
        scheduler.after(driver.tickPeriodMs, event);
        // A paused process misses its timer ticks; a real driver would not replay them either.
        if (driver.raft !== null && !driver.paused) {
          driver.raft.tick();
          driver.pump();
        }
        return;
      }
      case 'deliver':
        return this.deliver(event);
      case 'fsync': {
        const driver = this.drivers.get(event.node)!;
        if (driver.incarnation !== event.incarnation || !driver.up) return;
        if (driver.paused) return void driver.deferred.push(event);
        return driver.fsynced();
      }
      case 'nemesis':
        if (this.chaos) this.injectFault();
        scheduler.after(30 + rng.int(270), event);
        return;
      case 'propose':
        this.propose();
        scheduler.after(5 + rng.int(25), event);
        return;
      case 'restart': {
        const driver = this.drivers.get(event.node)!;
        if (!driver.up && driver.id !== this.heldDown) driver.start(TICK_MS);
        return;
      }
      case 'crash': {
        const driver = this.drivers.get(event.node)!;
        if (driver.incarnation === event.incarnation && driver.up && this.chaos) this.crash(driver);
        return;
      }
      case 'resume':
        return this.resume(this.drivers.get(event.node)!);
    }
  }

  private deliver(event: Extract<SimEvent, { kind: 'deliver' }>): void {
    const { from, to, message } = event.delivery;
    const driver = this.drivers.get(to)!;
    if (driver.raft === null || !this.world.network.connected(from, to)) return;
    if (driver.paused) return void driver.deferred.push(event);
    this.world.trace.add(to, `<- ${from} ${message.kind}`, message);
    driver.raft.step(from, message);
    driver.pump();
  }

  private injectFault(): void {
    injectFault({
      world: this.world,
      drivers: this.drivers,
      leaders: () => this.leaders(),
      crash: (driver) => this.crash(driver),
      pause: (driver, durationMs) => {
        driver.paused = true;
        this.world.trace.add(driver.id, 'paused');
        this.world.scheduler.after(durationMs, { kind: 'resume', node: driver.id });
      },
    });
  }

  private crash(driver: SimDriver): void {
    driver.crash();
    this.world.scheduler.after(20 + this.world.rng.int(500), { kind: 'restart', node: driver.id });
  }

  private resume(driver: SimDriver): void {
    if (!driver.paused) return;
    driver.paused = false;
    this.world.trace.add(driver.id, 'resumed');
    const deferred = driver.deferred;
    driver.deferred = [];
    for (const event of deferred) this.handle(event);
  }

  private leaders(): SimDriver[] {
    return [...this.drivers.values()].filter((d) => d.raft?.role === 'leader' && !d.paused);
  }

  /**
   * A client write: usually to a leader, sometimes to any node (which must refuse it). After a
   * heal, writes pause while a recent one is in flight, so slow fetchers can catch up.
   */
  private propose(): void {
    const { rng, scheduler } = this.world;
    if (this.quiet) return;
    if (!this.chaos && this.accepted.some((a) => a.timeMs >= this.healedAtMs && scheduler.now - a.timeMs < 500)) return;
    const leaders = this.leaders();
    const running = [...this.drivers.values()].filter((d) => d.up && !d.paused);
    const pool = leaders.length > 0 && rng.next() < 0.8 ? leaders : running;
    if (pool.length === 0) return;
    const driver = rng.pick(pool);
    const payloads: Uint8Array[] = [];
    for (let i = 1 + rng.int(3); i > 0; i--) {
      const data = new Uint8Array(4 + rng.int(30));
      new DataView(data.buffer).setUint32(0, ++this.payloadSeq);
      payloads.push(data);
    }
    const raft = driver.raft!;
    const result = raft.propose(payloads);
    if (result.ok) {
      payloads.forEach((data, i) => this.accepted.push({ fingerprint: fingerprint(data), offset: result.firstOffset + i, timeMs: scheduler.now }));
      if (this.accepted.length > 64) this.accepted = this.accepted.slice(-64);
    } else if (result.reason === 'not-leader' && raft.role === 'leader') {
      throw new PropertyViolation(`leader ${driver.id} refused a proposal as not-leader`);
    }
    driver.pump();
  }

  /**
   * Ends the chaos: heals the network and restarts and resumes every node, except that half the
   * time one voter (the leader if there is one) stays dead while a majority remains. Then a
   * proposal made after the heal must commit and reach every running node within the liveness
   * bound (quorum invariant 18).
   */
  private healAndAwaitProgress(): void {
    const { network, scheduler, trace, rng } = this.world;
    this.chaos = false;
    network.heal();
    network.faults = { ...HEALTHY_NETWORK };
    if (this.voterIds.length >= 3 && rng.next() < 0.5) {
      this.heldDown = this.leaders()[0]?.id ?? rng.pick(this.voterIds);
      const victim = this.drivers.get(this.heldDown)!;
      if (victim.up) victim.crash();
      trace.add(this.heldDown, 'held down through the heal');
    }
    for (const driver of this.drivers.values()) {
      if (driver.id === this.heldDown) continue;
      if (!driver.up) driver.start(TICK_MS);
      else this.resume(driver);
    }
    this.healedAtMs = scheduler.now;
    trace.add(null, 'heal: network healthy, nodes up');
    while (!this.progressSince(this.healedAtMs)) {
      if (scheduler.now - this.healedAtMs > this.options.livenessBoundMs) {
        const roles = [...this.drivers.values()].map((d) => `${d.id}:${d.raft?.role}@${d.raft?.epoch} hw=${d.raft?.highWatermark}`);
        throw new PropertyViolation(`no progress within ${this.options.livenessBoundMs} ms after heal (${roles.join(' ')})`);
      }
      this.step();
    }
    trace.add(null, `progress ${scheduler.now - this.healedAtMs} ms after heal`);
  }

  /** Restarts the voter held down through the heal, before the next chaos phase. */
  private releaseHeldDown(): void {
    if (this.heldDown === null) return;
    const driver = this.drivers.get(this.heldDown)!;
    this.heldDown = null;
    if (!driver.up) driver.start(TICK_MS);
  }

  /** True once a proposal accepted after `sinceMs` is committed and every node knows it. */
  private progressSince(sinceMs: number): boolean {
    for (const accepted of this.accepted) {
      if (accepted.timeMs < sinceMs || !this.world.checker.committedPayloads.has(accepted.fingerprint)) continue;
      const running = [...this.drivers.values()].filter((d) => d.id !== this.heldDown);
      if (running.every((d) => (d.raft?.highWatermark ?? 0) > accepted.offset)) return true;
    }
    return false;
  }

  /**
   * Quorum invariant 17, first half (KIP-996): a node that rejoins does not depose a healthy leader. One
   * follower, as up to date as the leader (writes stop), is cut off long enough to time out and
   * pre-vote repeatedly, then let back; the leader must keep its epoch throughout.
   */
  private checkRejoinDoesNotDepose(): void {
    const { network, rng, trace } = this.world;
    const leader = this.leaders()[0];
    if (leader === undefined) return;
    const followers = this.voterIds.filter((id) => id !== leader.id && id !== this.heldDown);
    const runningVoters = this.voterIds.length - (this.heldDown === null ? 0 : 1);
    // Isolating a follower must leave the leader a majority, or there is nothing to check.
    if (followers.length === 0 || runningVoters - 1 < Math.floor(this.voterIds.length / 2) + 1) return;
    const epoch = leader.raft!.epoch;
    const victim = rng.pick(followers);
    this.quiet = true;
    network.partition([[victim], [...this.drivers.keys()].filter((id) => id !== victim)]);
    trace.add(null, `stability check: isolate follower ${victim}`);
    this.runForMs(600);
    network.heal();
    trace.add(null, 'stability check: follower back');
    this.runForMs(600);
    this.quiet = false;
    if (leader.raft?.role !== 'leader' || leader.raft.epoch !== epoch) {
      throw new PropertyViolation(`rejoining node ${victim} deposed healthy leader ${leader.id} of epoch ${epoch}`);
    }
  }

  private runForMs(durationMs: number): void {
    const until = this.world.scheduler.now + durationMs;
    while (this.world.scheduler.now < until) this.step();
  }
}

/** Runs one seed with default options for everything not given. */
export function runSimulation(seed: number, overrides: Partial<Omit<SimOptions, 'seed'>> = {}): SimResult {
  return new Simulation(simOptions(seed, overrides)).run();
}
