import { Prng } from '@sluice/testkit';
import type { RaftConfig } from '../core/config.js';
import type { RaftMessage } from '../core/messages.js';
import { Raft } from '../core/raft.js';
import { mustSync, type Ready } from '../core/ready.js';
import { SimApp } from './app.js';
import type { Checker } from './checker.js';
import type { SimNetwork } from './network.js';
import type { Scheduler } from './scheduler.js';
import { SimStorage } from './storage.js';
import type { Trace } from './trace.js';

/** The events the simulation schedules. */
export type SimEvent =
  | { readonly kind: 'tick'; readonly node: number }
  | { readonly kind: 'deliver'; readonly delivery: { readonly from: number; readonly to: number; readonly message: RaftMessage } }
  | { readonly kind: 'fsync'; readonly node: number; readonly incarnation: number }
  | { readonly kind: 'nemesis' }
  | { readonly kind: 'propose' }
  | { readonly kind: 'restart'; readonly node: number }
  | { readonly kind: 'crash'; readonly node: number; readonly incarnation: number }
  | { readonly kind: 'resume'; readonly node: number };

/** Counters a run reports, to show it exercised what it claims to. */
export interface SimStats {
  crashes: number;
  /** Crashes that lost at least one write of a Ready waiting for its fsync. */
  lostWriteCrashes: number;
  snapshotsInstalled: number;
  /** Log suffix truncations: a leader's diverging epoch, or cleanup after a torn write. */
  logTruncations: number;
}

/** What every driver shares: the simulated world. */
export interface SimWorld {
  readonly rng: Prng;
  readonly scheduler: Scheduler<SimEvent>;
  readonly network: SimNetwork;
  readonly checker: Checker;
  readonly trace: Trace;
  readonly stats: SimStats;
  /** Applied entries between two snapshots of the application. */
  readonly snapshotEveryEntries: number;
  /** True while faults are being injected. */
  chaos(): boolean;
}

/** The longest simulated fsync; crashes during one lose (part of) its writes. */
const FSYNC_MAX_MS = 6;

/**
 * One node as its driver runs it: the core, the application, the disk, and the Ready being
 * persisted. It follows the Ready contract: persist and fsync, then send, then apply, then
 * advance. A crash may lose what was not yet fsynced, and nothing of that was sent or applied.
 */
export class SimDriver {
  readonly storage = new SimStorage();
  raft: Raft | null = null;
  app: SimApp | null = null;
  /** The Ready taken from the core whose writes wait for their fsync. */
  pending: Ready | null = null;
  incarnation = 0;
  paused = false;
  /** Events that reached a paused node, handled in order when it resumes. */
  deferred: SimEvent[] = [];
  /** This incarnation's timer period: clocks drift a little between processes. */
  tickPeriodMs = 10;

  constructor(
    readonly id: number,
    readonly config: RaftConfig,
    private readonly world: SimWorld,
  ) {}

  /** True while the process runs (paused or not). */
  get up(): boolean {
    return this.raft !== null;
  }

  /** Starts (or restarts) the node from what its disk holds. */
  start(baseTickMs: number): void {
    const { world } = this;
    this.incarnation++;
    const random = new Prng(world.rng.int(0x100000000));
    this.raft = new Raft(this.config, { logger: world.trace.loggerFor(this.id), random }, this.storage.load());
    this.app = new SimApp();
    this.pending = null;
    this.paused = false;
    this.deferred = [];
    this.tickPeriodMs = baseTickMs - 2 + world.rng.int(5);
    world.checker.onStart(this.id, this.raft);
    world.trace.add(this.id, 'started', { epoch: this.raft.epoch, role: this.raft.role, logEndOffset: this.raft.logEndOffset });
    this.pump();
  }

  /**
   * kill -9: the core and application vanish; of the Ready waiting for its fsync, only a random
   * prefix of its writes reaches the disk.
   */
  crash(): void {
    const { world } = this;
    const staged = this.storage.stagedCount;
    const kept = staged === 0 ? 0 : world.rng.int(staged + 1);
    this.storage.crash(kept, (entry, previousEpoch) => world.checker.onPersisted(this.id, entry, previousEpoch));
    world.trace.add(this.id, 'crashed', { role: this.raft?.role, epoch: this.raft?.epoch, unsyncedWrites: staged, kept });
    if (kept < staged) world.stats.lostWriteCrashes++;
    world.stats.crashes++;
    this.raft = null;
    this.app = null;
    this.pending = null;
    this.paused = false;
    this.deferred = [];
    this.incarnation++;
  }

  /** Takes Ready batches as a driver would; a batch that needs an fsync waits for it. */
  pump(): void {
    while (this.raft !== null && this.pending === null) {
      const ready = this.raft.ready();
      if (ready === null) return;
      this.pending = ready;
      this.storage.stage(ready);
      if (mustSync(ready)) {
        this.world.scheduler.after(this.world.rng.int(FSYNC_MAX_MS + 1), { kind: 'fsync', node: this.id, incarnation: this.incarnation });
        return;
      }
      this.completeReady();
    }
  }

  /** The fsync finished: send, apply (maybe snapshot), advance, and take the next batch. */
  fsynced(): void {
    this.completeReady();
    this.pump();
  }

  private completeReady(): void {
    const { world } = this;
    const raft = this.raft!;
    const ready = this.pending!;
    this.storage.sync((entry, previousEpoch) => world.checker.onPersisted(this.id, entry, previousEpoch));
    if (ready.truncateFrom !== null && ready.applySnapshot === null) world.stats.logTruncations++;
    let votedNow = false;
    for (const { to, message } of ready.messages) {
      if (message.kind === 'VoteResponse' && message.voteGranted && !message.preVote) {
        world.checker.onVoteSent(this.id, message.epoch, to);
        votedNow = true;
      }
      world.network.send({ from: this.id, to, message });
    }
    // Crash right after a promise left the node, where a missing fsync would show (quorum invariant 16).
    if (world.chaos() && world.rng.next() < (votedNow ? 0.3 : 0.002)) {
      world.scheduler.after(world.rng.int(3), { kind: 'crash', node: this.id, incarnation: this.incarnation });
    }
    this.apply(ready);
    raft.advance(ready);
    this.pending = null;
  }

  private apply(ready: Ready): void {
    const { world } = this;
    const raft = this.raft!;
    const app = this.app!;
    if (ready.applySnapshot !== null) {
      app.load(ready.applySnapshot);
      world.checker.onSnapshotLoaded(this.id, ready.applySnapshot.endOffset, app.chain);
      if (ready.snapshot !== null) world.stats.snapshotsInstalled++;
    }
    for (const entry of ready.committedEntries) {
      app.apply(entry);
      world.checker.onApplied(this.id, entry, app.chain, raft.highWatermark);
    }
    if (app.appliedSinceSnapshot >= world.snapshotEveryEntries) {
      raft.snapshotTaken(app.snapshot(64 + (app.appliedEnd % 64)));
    }
  }
}
