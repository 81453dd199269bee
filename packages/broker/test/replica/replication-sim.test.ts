/**
 * Deterministic simulation of one partition: a leader (broker 1, leader epoch 8) and two
 * followers (2, 3), driven through the pure core exactly as a broker would drive it. Proves that
 * under random appends (acks=all and acks=1), follower fetches (normal, slow, stopped, with stale
 * or future leader epochs), timer ticks, and AlterPartition proposals committed after a random
 * delay, answered late, lost or rejected, these hold after every step:
 *  - the high watermark never decreases and never passes the leader's log end;
 *  - every committed-ISR member's real log reaches the high watermark and equals the leader's
 *    below it, and no ISR member ever truncates below it;
 *  - the ISR (leader's and controller's) is never empty, holds the leader, and is within replicas;
 *  - a replica joining the ISR holds everything the leader had when its epoch began (records an
 *    older leader may have acknowledged);
 *  - an acks=all produce is admitted only with ISR >= min.insync.replicas, released only when the
 *    high watermark passed its offset, and acknowledged ok only when min.insync.replicas real logs
 *    hold it (no lonely ack);
 * and that after healing everything (all followers fetch, the controller commits) the ISR is full,
 * the high watermark reaches the log end and all logs are identical (progress resumes).
 * Followers start with a prefix of the leader's log plus, sometimes, a divergent suffix written
 * by leaders of epochs 5 or 7 the leader never saw, so divergence and truncation (KIP-279) run too.
 * Logs are arrays of leader epochs: entry i is (offset i, epoch). Randomness is a seeded
 * mulberry32. A failure names the seed and prints the event trace; replay one seed with
 * SLUICE_REPLICA_SIM_SEED=<seed> node --test packages/broker/dist/test/replica/replication-sim.test.js
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '@sluice/testkit';
import { AckWaiters } from '../../src/replica/core/ack-waiters.js';
import type { AlterPartitionProposal, AlterPartitionResponse, PartitionChange } from '../../src/replica/core/alter-partition.js';
import { ReplicaErrorCode } from '../../src/replica/core/errors.js';
import { followerHighWatermark, truncationFor } from '../../src/replica/core/follower.js';
import { LeaderEpochCache, divergingEpochFor } from '../../src/replica/core/leader-epoch-cache.js';
import { LeaderReplicaState, type ReplicaUpdate } from '../../src/replica/core/leader-replica-state.js';

const SEED_COUNT = 1000;
const STEPS = 400;
const HEAL_ROUNDS_MAX = 400;
const LEADER_ID = 1;
const FOLLOWER_IDS = [2, 3] as const;
const REPLICAS = [1, 2, 3];
const LEADER_EPOCH = 8;
const MIN_INSYNC_REPLICAS = 2;
const LAG_MAX_MS = 300;
const PRODUCE_TIMEOUT_MS = 800;
const WAITERS_MAX = 64;

type Mode = 'normal' | 'slow' | 'stopped';

/** A replica's real log (epochs by offset) and epoch cache. */
class Log {
  readonly epochs: number[] = [];
  readonly cache = new LeaderEpochCache();

  get end(): bigint {
    return BigInt(this.epochs.length);
  }

  append(epoch: number): void {
    this.cache.assign(epoch, this.end);
    this.epochs.push(epoch);
  }

  truncate(to: bigint): void {
    this.epochs.length = Number(to);
    this.cache.truncateFromEnd(to);
  }
}

interface Follower {
  readonly id: number;
  readonly log: Log;
  hw: bigint;
  mode: Mode;
}

/** Something that reaches the leader or the controller at `atMs`. */
type Event =
  | { readonly atMs: number; readonly kind: 'to-controller'; readonly proposal: AlterPartitionProposal }
  | { readonly atMs: number; readonly kind: 'answer'; readonly response: AlterPartitionResponse }
  | { readonly atMs: number; readonly kind: 'metadata'; readonly change: PartitionChange };

/** Counts across all seeds, to show the simulation reaches each behaviour. */
const totals = { acksOk: 0, acksAfterAppend: 0, acksTimedOut: 0, rejectedNotEnough: 0, truncations: 0, shrinks: 0, expands: 0, rejections: 0, fenced: 0 };

class Simulation {
  private readonly rand: () => number;
  private nowMs = 0;
  private readonly leaderLog = new Log();
  private readonly followers: Follower[] = [];
  private readonly leader: LeaderReplicaState;
  private readonly waiters = new AckWaiters<number>({ waitersMax: WAITERS_MAX });
  private readonly controller: { partitionEpoch: number; isr: number[] };
  private events: Event[] = [];
  private lastMetadataAtMs = 0;
  private lastHighWatermark: bigint;
  /** The maximal ISR at the previous check, to spot members that joined since. */
  private lastMaximalIsr: readonly number[];
  private healed = false;
  readonly trace: string[] = [];

  constructor(readonly seed: number) {
    this.rand = seededRandom(seed);
    const { highWatermark, isrEligible } = this.buildLogs();
    this.leaderLog.cache.assign(LEADER_EPOCH, this.leaderLog.end);
    const isr = [LEADER_ID, ...isrEligible.filter(() => this.chance(0.6))];
    this.controller = { partitionEpoch: 20, isr };
    this.leader = new LeaderReplicaState({
      localId: LEADER_ID, topicId: 'topic', partitionId: 0, leaderEpoch: LEADER_EPOCH, partitionEpoch: 20, replicas: REPLICAS, isr,
      logEndOffset: this.leaderLog.end, highWatermark, replicaLagTimeMaxMs: LAG_MAX_MS, nowMs: 0, alterPartitionRetryBackoffMs: 40,
    });
    this.lastHighWatermark = this.leader.highWatermark;
    this.lastMaximalIsr = this.leader.maximalIsr;
    this.log(`start leader=${this.leaderLog.epochs} hw=${highWatermark} isr=${isr} ` +
      this.followers.map((f) => `f${f.id}=${f.log.epochs}`).join(' '));
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private chance(p: number): boolean {
    return this.rand() < p;
  }

  private log(line: string): void {
    this.trace.push(`t=${this.nowMs} ${line}`);
  }

  /**
   * The leader's log: epochs 0, 2, 4 (non-decreasing). Each follower: a prefix of it plus maybe a
   * suffix of its own epoch (5 or 7) that the leader never had. Returns the high watermark and
   * the followers that may start in the ISR: those whose prefix reaches the high watermark.
   */
  private buildLogs(): { highWatermark: bigint; isrEligible: number[] } {
    let epoch = 0;
    const length = this.int(12);
    for (let i = 0; i < length; i++) {
      if (this.chance(0.25)) epoch = Math.min(epoch + 2, 4);
      this.leaderLog.append(epoch);
    }
    const highWatermark = BigInt(this.int(length + 1));
    const isrEligible: number[] = [];
    FOLLOWER_IDS.forEach((id, index) => {
      const log = new Log();
      const prefix = this.int(length + 1);
      for (let i = 0; i < prefix; i++) log.append(this.leaderLog.epochs[i]!);
      const divergent = this.chance(0.5) ? this.int(4) : 0;
      for (let i = 0; i < divergent; i++) log.append(index === 0 ? 5 : 7);
      if (BigInt(prefix) >= highWatermark) isrEligible.push(id);
      this.followers.push({ id, log, hw: BigInt(prefix) < highWatermark ? BigInt(prefix) : highWatermark, mode: 'normal' });
    });
    return { highWatermark, isrEligible };
  }

  run(): void {
    for (let step = 0; step < STEPS; step++) {
      this.step();
      this.deliverDue();
      this.checkInvariants();
    }
    this.heal();
  }

  private step(): void {
    const r = this.rand();
    if (r < 0.3) this.produce();
    else if (r < 0.65) this.fetchFrom(this.followers[this.int(2)]!);
    else if (r < 0.9) this.tick(1 + this.int(80));
    else if (r < 0.95) this.changeMode(this.followers[this.int(2)]!);
    else this.oddFetch();
  }

  private produce(): void {
    const acksAll = this.chance(0.7);
    if (acksAll) {
      const problem = this.leader.acksAllProblem(MIN_INSYNC_REPLICAS);
      assert.equal(problem, this.leader.isr.length < MIN_INSYNC_REPLICAS ? ReplicaErrorCode.NOT_ENOUGH_REPLICAS : null);
      if (problem !== null || this.waiters.isFull) {
        totals.rejectedNotEnough += problem !== null ? 1 : 0;
        this.log(`produce acks=all refused ${problem ?? 'full'}`);
        return;
      }
    }
    const count = 1 + this.int(3);
    for (let i = 0; i < count; i++) this.leaderLog.append(LEADER_EPOCH);
    const end = this.leaderLog.end;
    this.log(`produce acks=${acksAll ? 'all' : '1'} x${count} -> end ${end}`);
    if (acksAll) {
      const added = this.waiters.add({ requiredOffset: end, deadlineMs: this.nowMs + PRODUCE_TIMEOUT_MS, minInsyncReplicas: MIN_INSYNC_REPLICAS, value: Number(end) });
      assert.equal(added.added, true);
    }
    this.handle(this.leader.onLocalAppend(end));
  }

  private fetchFrom(f: Follower): void {
    if (f.mode === 'stopped' || (f.mode === 'slow' && !this.chance(0.15))) return;
    const fetch = { fetchOffset: f.log.end, lastFetchedEpoch: f.log.cache.latestEpoch() };
    const diverging = divergingEpochFor(this.leaderLog.cache, fetch, this.leaderLog.end);
    if (diverging !== null) {
      const decision = truncationFor(f.log.cache, diverging, { logEndOffset: f.log.end, highWatermark: f.hw });
      this.log(`f${f.id} diverges at ${JSON.stringify({ ...diverging, endOffset: Number(diverging.endOffset) })}, truncates to ${decision.truncateTo}`);
      if (this.leader.maximalIsr.includes(f.id)) {
        assert.ok(decision.truncateTo >= this.leader.highWatermark, `ISR member ${f.id} truncates below the high watermark`);
      }
      f.log.truncate(decision.truncateTo);
      f.hw = followerHighWatermark(f.hw, f.log.end);
      totals.truncations++;
      return;
    }
    const outcome = this.leader.onFollowerFetch({ followerId: f.id, fetchOffset: fetch.fetchOffset, nowMs: this.nowMs });
    assert.equal(outcome.errorCode, ReplicaErrorCode.NONE);
    const batch = this.leaderLog.epochs.slice(f.log.epochs.length, f.log.epochs.length + (f.mode === 'slow' ? 1 : 1 + this.int(6)));
    for (const epoch of batch) f.log.append(epoch);
    f.hw = followerHighWatermark(outcome.highWatermark, f.log.end);
    this.log(`f${f.id} fetch ${fetch.fetchOffset} +${batch.length} hw=${outcome.highWatermark}`);
    this.handle(outcome);
  }

  /** Fetches the leader must refuse: stale or future leader epochs, and a broker that is no replica. */
  private oddFetch(): void {
    const epoch = this.chance(0.5) ? LEADER_EPOCH - 1 : LEADER_EPOCH + 1;
    assert.equal(this.leader.checkFetchEpoch(epoch),
      epoch < LEADER_EPOCH ? ReplicaErrorCode.FENCED_LEADER_EPOCH : ReplicaErrorCode.UNKNOWN_LEADER_EPOCH);
    const stranger = this.leader.onFollowerFetch({ followerId: 9, fetchOffset: 0n, nowMs: this.nowMs });
    assert.equal(stranger.errorCode, ReplicaErrorCode.NOT_LEADER_OR_FOLLOWER);
    totals.fenced++;
  }

  private tick(advanceMs: number): void {
    this.nowMs += advanceMs;
    for (const expired of this.waiters.expire(this.nowMs)) {
      assert.equal(expired.errorCode, ReplicaErrorCode.REQUEST_TIMED_OUT);
      totals.acksTimedOut++;
    }
    this.handle(this.leader.tick(this.nowMs));
    this.maybeFenceStoppedFollower();
  }

  private changeMode(f: Follower): void {
    const modes: Mode[] = ['normal', 'normal', 'normal', 'slow', 'stopped'];
    f.mode = modes[this.int(modes.length)]!;
    this.log(`f${f.id} is ${f.mode}`);
  }

  /** Sometimes the controller itself removes a stopped follower from the ISR (as for a fenced broker). */
  private maybeFenceStoppedFollower(): void {
    const victim = this.followers.find((f) => f.mode === 'stopped' && this.controller.isr.includes(f.id));
    if (victim === undefined || this.healed || !this.chance(0.05)) return;
    this.commit(this.controller.isr.filter((id) => id !== victim.id));
    this.log(`controller fences f${victim.id}`);
  }

  /** Applies the driver's side of an update: release acks, send proposals. */
  private handle(update: ReplicaUpdate): void {
    if (update.newHighWatermark !== null) this.releaseAcks(update.newHighWatermark);
    if (update.proposal !== null) {
      this.log(`propose #${update.proposal.proposalId} ${update.proposal.kind} ${update.proposal.newIsr} @pe${update.proposal.partitionEpoch}`);
      this.events.push({ atMs: this.nowMs + this.int(150), kind: 'to-controller', proposal: update.proposal });
    }
  }

  private releaseAcks(highWatermark: bigint): void {
    for (const done of this.waiters.release(highWatermark, this.leader.isr.length)) {
      assert.ok(done.requiredOffset <= highWatermark, 'an ack released before the high watermark passed it');
      if (done.errorCode === ReplicaErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND) {
        totals.acksAfterAppend++;
        continue;
      }
      assert.equal(done.errorCode, ReplicaErrorCode.NONE);
      assert.ok(this.leader.isr.length >= MIN_INSYNC_REPLICAS, 'acks=all ok with a committed ISR below min.insync.replicas');
      const last = Number(done.requiredOffset) - 1;
      const holders = [this.leaderLog, ...this.followers.map((f) => f.log)].filter((l) => l.epochs[last] === this.leaderLog.epochs[last]);
      assert.ok(holders.length >= MIN_INSYNC_REPLICAS, `lonely ack at offset ${last}: ${holders.length} replica(s) hold it`);
      totals.acksOk++;
    }
  }

  /** The controller's decision on a proposal, then its answer and metadata record at random delays. */
  private decide(proposal: AlterPartitionProposal): void {
    const r = this.healed ? 1 : this.rand();
    let errorCode: number | null = null;
    if (proposal.partitionEpoch !== this.controller.partitionEpoch) errorCode = ReplicaErrorCode.INVALID_UPDATE_VERSION;
    else if (r < 0.1) errorCode = proposal.kind === 'expand' ? ReplicaErrorCode.INELIGIBLE_REPLICA : ReplicaErrorCode.NOT_CONTROLLER;
    else if (r < 0.2) errorCode = ReplicaErrorCode.NOT_CONTROLLER;
    else if (r < 0.25) errorCode = ReplicaErrorCode.REQUEST_TIMED_OUT;
    if (errorCode !== null) {
      totals.rejections++;
      this.log(`controller refuses #${proposal.proposalId}: ${errorCode}`);
      this.events.push({ atMs: this.nowMs + this.int(60), kind: 'answer', response: { kind: 'failed', proposalId: proposal.proposalId, errorCode } });
      return;
    }
    const change = this.commit([...proposal.newIsr]);
    if (proposal.kind === 'shrink') totals.shrinks++;
    else totals.expands++;
    const lost = !this.healed && this.chance(0.2);
    const response: AlterPartitionResponse = lost
      ? { kind: 'failed', proposalId: proposal.proposalId, errorCode: ReplicaErrorCode.REQUEST_TIMED_OUT }
      : { kind: 'committed', proposalId: proposal.proposalId, partition: change };
    this.log(`controller commits #${proposal.proposalId} -> pe${change.partitionEpoch} isr=${change.isr}${lost ? ' (answer lost)' : ''}`);
    this.events.push({ atMs: this.nowMs + this.int(100), kind: 'answer', response });
  }

  /** Commits an ISR in the controller and schedules its metadata record, in log order. */
  private commit(isr: number[]): PartitionChange {
    assert.ok(isr.includes(LEADER_ID) && isr.length > 0 && isr.every((id) => REPLICAS.includes(id)), `controller ISR ${isr}`);
    this.controller.partitionEpoch++;
    this.controller.isr = isr;
    const change = { leaderEpoch: LEADER_EPOCH, partitionEpoch: this.controller.partitionEpoch, replicas: REPLICAS, isr };
    this.lastMetadataAtMs = Math.max(this.lastMetadataAtMs, this.nowMs + this.int(200));
    this.events.push({ atMs: this.lastMetadataAtMs, kind: 'metadata', change });
    return change;
  }

  private deliverDue(): void {
    for (;;) {
      const index = this.events.findIndex((e) => e.atMs <= this.nowMs);
      if (index === -1) return;
      const [event] = this.events.splice(index, 1);
      this.deliver(event!);
    }
  }

  private deliver(event: Event): void {
    switch (event.kind) {
      case 'to-controller':
        this.decide(event.proposal);
        return;
      case 'answer':
        this.log(`answer #${event.response.proposalId} ${event.response.kind}`);
        this.handle(this.leader.onAlterPartitionResult(event.response, this.nowMs));
        return;
      case 'metadata':
        this.log(`metadata pe${event.change.partitionEpoch} isr=${event.change.isr}`);
        this.handle(this.leader.onPartitionChange(event.change, this.nowMs));
        return;
    }
  }

  private checkInvariants(): void {
    const hw = this.leader.highWatermark;
    assert.ok(hw >= this.lastHighWatermark, `high watermark went back from ${this.lastHighWatermark} to ${hw}`);
    assert.ok(hw <= this.leaderLog.end && this.leader.logEndOffset === this.leaderLog.end, 'high watermark above the leader log end');
    this.lastHighWatermark = hw;
    for (const isr of [this.leader.isr, this.leader.maximalIsr, this.controller.isr]) {
      assert.ok(isr.length > 0 && isr.includes(LEADER_ID) && isr.every((id) => REPLICAS.includes(id)), `bad ISR ${isr}`);
    }
    for (const id of this.leader.maximalIsr.filter((m) => !this.lastMaximalIsr.includes(m))) {
      // Records below the leader epoch start may have been acknowledged under an older epoch whose
      // high watermark this leader never learned; a replica joining the ISR must hold them.
      const end = this.followers.find((f) => f.id === id)!.log.end;
      assert.ok(end >= this.leader.leaderEpochStartOffset, `replica ${id} joined the ISR at ${end}, below the epoch start`);
    }
    this.lastMaximalIsr = this.leader.maximalIsr;
    const committed = this.leaderLog.epochs.slice(0, Number(hw));
    for (const f of this.followers) {
      if (!this.leader.maximalIsr.includes(f.id)) continue;
      assert.ok(f.log.end >= hw, `ISR member ${f.id} has log end ${f.log.end} below the high watermark ${hw}`);
      assert.deepEqual(f.log.epochs.slice(0, Number(hw)), committed, `ISR member ${f.id} disagrees below the high watermark`);
    }
  }

  /** Heals: everyone fetches, the controller commits everything; the partition must converge. */
  private heal(): void {
    this.healed = true;
    for (const f of this.followers) f.mode = 'normal';
    this.log('heal');
    for (let round = 0; round < HEAL_ROUNDS_MAX; round++) {
      if (this.converged()) return;
      for (const f of this.followers) this.fetchFrom(f);
      this.tick(20);
      this.deliverDue();
      this.checkInvariants();
    }
    assert.fail(`no convergence after heal: isr=${this.leader.isr} hw=${this.leader.highWatermark} end=${this.leaderLog.end} ` +
      this.followers.map((f) => `f${f.id}=${f.log.epochs}`).join(' '));
  }

  private converged(): boolean {
    return this.leader.isr.length === REPLICAS.length && this.leader.highWatermark === this.leaderLog.end &&
      this.waiters.size === 0 && this.followers.every((f) => f.log.epochs.join() === this.leaderLog.epochs.join());
  }
}

function runSeed(seed: number): void {
  const sim = new Simulation(seed);
  try {
    sim.run();
  } catch (error) {
    const replay = `SLUICE_REPLICA_SIM_SEED=${seed} node --test packages/broker/dist/test/replica/replication-sim.test.js`;
    throw new Error(`replication sim failed for seed ${seed} (replay: ${replay})\n${sim.trace.slice(-60).join('\n')}`, { cause: error });
  }
}

const onlySeed = process.env['SLUICE_REPLICA_SIM_SEED'];

test(onlySeed === undefined ? `${SEED_COUNT} seeds hold every invariant and converge after healing` : `seed ${onlySeed}`, () => {
  const seeds = onlySeed === undefined ? Array.from({ length: SEED_COUNT }, (_, i) => i + 1) : [Number(onlySeed)];
  for (const seed of seeds) runSeed(seed);
  if (onlySeed !== undefined) return;
  // The runs must reach every behaviour the invariants are about, or they prove little.
  // SLUICE_REPLICA_SIM_TOTALS=1 prints how often each behaviour occurred, to tune the weights.
  if (process.env['SLUICE_REPLICA_SIM_TOTALS'] !== undefined) console.log(JSON.stringify(totals));
  for (const [name, count] of Object.entries(totals)) assert.ok(count > 0, `no run produced any ${name}`);
});

/** Floats in [0, 1) from testkit's seeded PRNG (mulberry32), so a seed replays exactly. */
function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}
