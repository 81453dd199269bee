/**
 * Proves the QuorumDriver's contract with a real Raft core and in-memory twins of its edges: a
 * persistence whose writes can be held open or made to fail, a transport that routes requests
 * between drivers in this process (and can cut a node off), and an application that records what
 * it was handed. Timers are real but short (10 ms ticks); every wait polls a condition under a
 * deadline instead of sleeping for a fixed time. Checked: propose resolves only after its entry is
 * durable and committed; an inbound request is answered with its own correlation id and only after
 * the vote it grants is durable; a failed write stops the node (onFatal, nothing sent after it);
 * stop() fails waiting callers and waits for the write in flight; a proposal whose fate a snapshot
 * hides is not reported committed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRaftConfig, silentLogger, type RaftConfig } from '../../src/core/config.js';
import type { Entry, RaftRequest, VoteRequest } from '../../src/core/messages.js';
import type { PersistedState, Snapshot } from '../../src/core/ready.js';
import { QuorumDriver, type QuorumApplication, type QuorumPersistence, type QuorumTransport, type RaftResponse } from '../../src/driver/quorum-driver.js';

const CLUSTER_ID = 'driver-test';
const TICK_MS = 10;
const WAIT_MS = 10_000;

type Change = Parameters<QuorumPersistence['write']>[0];

/** Persistence twin: keeps every completed write; a write waits while `held` and fails while `failure` is set. */
class MemoryPersistence implements QuorumPersistence {
  readonly writes: Change[] = [];
  writesInFlight = 0;
  failure: Error | null = null;
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;

  hold(): void {
    this.held = new Promise((resolve) => { this.release = resolve; });
  }

  unhold(): void {
    this.release?.();
    this.held = null;
  }

  async write(change: Change): Promise<void> {
    this.writesInFlight++;
    try {
      await Promise.resolve();
      while (this.held) await this.held;
      if (this.failure) throw this.failure;
      this.writes.push(change);
    } finally {
      this.writesInFlight--;
    }
  }

  /** The entries written at `offset`, in write order. */
  entriesAt(offset: number): Entry[] {
    return this.writes.flatMap((w) => w.entries.filter((e) => e.offset === offset));
  }
}

/** Application twin: records applied entries and loaded snapshots. */
class MemoryApplication implements QuorumApplication {
  readonly applied: Entry[] = [];
  readonly snapshots: Snapshot[] = [];
  appliedEnd = 0;
  lastEpoch = 0;

  loadSnapshot(snapshot: Snapshot): void {
    this.snapshots.push(snapshot);
    this.appliedEnd = snapshot.endOffset;
    this.lastEpoch = snapshot.epoch;
  }

  applyCommitted(entries: readonly Entry[]): void {
    for (const e of entries) {
      assert.equal(e.offset, this.appliedEnd, 'entries are applied contiguously');
      this.applied.push(e);
      this.appliedEnd = e.offset + 1;
      this.lastEpoch = e.epoch;
    }
  }
}

/** Routes requests between drivers of this process; a node in `cut` reaches nobody and nobody reaches it. */
class MemoryNetwork {
  readonly drivers = new Map<number, QuorumDriver>();
  readonly cut = new Set<number>();
  readonly sent: { from: number; to: number; kind: RaftRequest['kind']; atMs: number }[] = [];

  transport(from: number): QuorumTransport {
    return {
      request: async (to: number, request: RaftRequest, deadlineMs: number): Promise<RaftResponse> => {
        this.sent.push({ from, to, kind: request.kind, atMs: performance.now() });
        await Promise.resolve();
        const target = this.drivers.get(to);
        if (target === undefined || this.cut.has(from) || this.cut.has(to)) throw new Error(`unreachable: ${from} -> ${to}`);
        const response = await withDeadline(target.handleRequest(from, request), deadlineMs);
        if (this.cut.has(from) || this.cut.has(to)) throw new Error(`response lost: ${to} -> ${from}`);
        return response;
      },
    };
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('deadline exceeded')), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (err: unknown) => { clearTimeout(timer); reject(err as Error); });
  });
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Settles to 'pending' if `promise` has not settled within `ms`. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | 'pending'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('pending'), ms);
    promise.then((value) => { clearTimeout(timer); resolve({ value }); }, (error: unknown) => { clearTimeout(timer); resolve({ error }); });
  });
}

function raftConfig(nodeId: number, voterIds: number[]): RaftConfig {
  return {
    ...defaultRaftConfig, nodeId, clusterId: CLUSTER_ID, voterIds,
    electionTimeoutTicks: 10, fetchTimeoutTicks: 20, fetchIntervalTicks: 1, fetchMaxWaitTicks: 5,
    requestTimeoutTicks: 5, checkQuorumTicks: 30, beginQuorumEpochIntervalTicks: 10,
  };
}

const EMPTY: PersistedState = { hardState: null, snapshot: null, entries: [] };

interface Member {
  id: number;
  driver: QuorumDriver;
  persistence: MemoryPersistence;
  application: MemoryApplication;
  fatal: unknown[];
}

function member(network: MemoryNetwork, nodeId: number, voterIds: number[]): Member {
  const persistence = new MemoryPersistence();
  const application = new MemoryApplication();
  const fatal: unknown[] = [];
  const driver = new QuorumDriver({
    raft: raftConfig(nodeId, voterIds), tickMs: TICK_MS, requestTimeoutMs: 5 * TICK_MS, persisted: EMPTY,
    persistence, transport: network.transport(nodeId), application, logger: silentLogger,
    onFatal: (err) => fatal.push(err),
  });
  network.drivers.set(nodeId, driver);
  return { id: nodeId, driver, persistence, application, fatal };
}

/** Starts a cluster of `voterIds`, all voters, and returns its members; `stopAll` must run at the end. */
function cluster(voterIds: number[]): { network: MemoryNetwork; members: Member[]; stopAll(): Promise<void> } {
  const network = new MemoryNetwork();
  const members = voterIds.map((id) => member(network, id, voterIds));
  for (const m of members) m.driver.start();
  return { network, members, stopAll: async () => { for (const m of members) m.persistence.unhold(); await Promise.all(members.map((m) => m.driver.stop())); } };
}

async function leaderOf(members: Member[], minEpoch = 0, among: Member[] = members): Promise<Member> {
  let leader: Member | undefined;
  await waitFor('a leader', () => {
    leader = among.find((m) => m.driver.status().role === 'leader' && m.driver.status().epoch >= minEpoch);
    return leader !== undefined;
  });
  return leader!;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function voteRequest(fields: Partial<VoteRequest>): VoteRequest {
  return { kind: 'VoteRequest', correlationId: 1, clusterId: CLUSTER_ID, epoch: 5, candidateId: 2, lastEpoch: 0, logEndOffset: 0, preVote: false, ...fields };
}

test('a single voter elects itself; propose resolves once the entry is fsynced and applied', async () => {
  const { members, stopAll } = cluster([1]);
  try {
    const [solo] = members as [Member];
    await leaderOf(members);
    const offset = await solo.driver.propose([bytes('a'), bytes('b')], WAIT_MS);
    // Offset 0 holds the leader-change entry of the first epoch.
    assert.equal(offset, 1);
    assert.deepEqual(solo.persistence.entriesAt(1).map((e) => [...e.data]), [[...bytes('a')]]);
    assert.deepEqual(solo.persistence.entriesAt(2).map((e) => [...e.data]), [[...bytes('b')]]);
    assert.deepEqual(solo.application.applied.slice(1).map((e) => e.offset), [1, 2]);
    assert.equal(solo.application.applied[0]!.data.length, 0, 'the leader-change entry is handed over too');
    assert.ok(solo.driver.status().highWatermark >= 3);
  } finally {
    await stopAll();
  }
});

test('three voters elect one leader; propose resolves after a majority persisted it; all apply the same log', async () => {
  const { members, stopAll } = cluster([1, 2, 3]);
  try {
    const leader = await leaderOf(members);
    const offset = await leader.driver.propose([bytes('x')], WAIT_MS);
    const durableOn = members.filter((m) => m.persistence.entriesAt(offset).some((e) => e.data.length === 1));
    assert.ok(durableOn.length >= 2, `committed entry durable on ${durableOn.length} of 3`);
    await waitFor('every member to apply the entry', () => members.every((m) => m.application.appliedEnd > offset));
    const logs = members.map((m) => m.application.applied.slice(0, offset + 1).map((e) => `${e.offset}:${e.epoch}:${[...e.data]}`));
    assert.deepEqual(logs[1], logs[0]);
    assert.deepEqual(logs[2], logs[0]);
    assert.equal(members.filter((m) => m.driver.status().role === 'leader').length, 1);
  } finally {
    await stopAll();
  }
});

test('an inbound vote request is answered with its correlation id, only after the vote is fsynced', async () => {
  const network = new MemoryNetwork();
  const node = member(network, 1, [1, 2, 3]); // never started: no ticks, so only the requests move it
  node.persistence.hold();
  const toTwo = node.driver.handleRequest(2, voteRequest({ candidateId: 2, correlationId: 77 }));
  const toThree = node.driver.handleRequest(3, voteRequest({ candidateId: 3, correlationId: 77 }));
  assert.equal(await settledWithin(toTwo, 50), 'pending', 'a vote is not promised before it is durable');
  assert.equal(node.persistence.writesInFlight, 1);
  node.persistence.unhold();
  const [two, three] = await Promise.all([toTwo, toThree]);
  assert.equal(two.kind, 'VoteResponse');
  assert.equal(three.kind, 'VoteResponse');
  assert.equal(two.correlationId, 77);
  assert.equal(three.correlationId, 77);
  assert.equal(two.kind === 'VoteResponse' && two.voteGranted, true, 'the first candidate of epoch 5 gets the vote');
  assert.equal(three.kind === 'VoteResponse' && three.voteGranted, false, 'one vote per epoch');
  assert.deepEqual(node.persistence.writes.map((w) => w.hardState), [{ epoch: 5, votedFor: 2, leaderId: null }]);
  await node.driver.stop();
});

test('a failing persistence write calls onFatal, and the node sends nothing after it', async () => {
  const { network, members, stopAll } = cluster([1, 2, 3]);
  try {
    const leader = await leaderOf(members);
    leader.persistence.failure = new Error('disk gone');
    const proposal = leader.driver.propose([bytes('never')], 300);
    await waitFor('onFatal', () => leader.fatal.length > 0);
    const failedAtMs = performance.now();
    await assert.rejects(proposal, /not committed within/);
    await new Promise((r) => setTimeout(r, 30 * TICK_MS));
    assert.equal(leader.fatal.length, 1);
    assert.match(String(leader.fatal[0]), /disk gone/);
    assert.deepEqual(network.sent.filter((s) => s.from === leader.id && s.atMs >= failedAtMs), []);
    // The entry that failed to persist was never acknowledged to anyone.
    assert.ok(members.every((m) => m.persistence.writes.every((w) => w.entries.every((e) => e.data.length !== 5))));
  } finally {
    await stopAll();
  }
});

test('stop() fails the peers\' requests still waiting for an answer', async () => {
  const network = new MemoryNetwork();
  const node = member(network, 1, [1, 2, 3]);
  node.persistence.hold();
  const answer = node.driver.handleRequest(2, voteRequest({}));
  assert.equal(await settledWithin(answer, 20), 'pending');
  const stopped = node.driver.stop();
  const outcome = await settledWithin(answer, 200);
  assert.ok(outcome !== 'pending' && 'error' in outcome, 'the waiting request is rejected, not left hanging');
  node.persistence.unhold();
  await stopped;
});

test('stop() resolves only after the write in flight is done, and no write starts after it', async () => {
  const network = new MemoryNetwork();
  const node = member(network, 1, [1, 2, 3]);
  node.persistence.hold();
  void node.driver.handleRequest(2, voteRequest({})).catch(() => undefined);
  await waitFor('the vote write to start', () => node.persistence.writesInFlight === 1);
  const stopped = node.driver.stop();
  assert.equal(await settledWithin(stopped, 50), 'pending', 'stop waits for the write, so the store may be closed after it');
  node.persistence.unhold();
  await stopped;
  assert.equal(node.persistence.writesInFlight, 0);
  const writes = node.persistence.writes.length;
  await new Promise((r) => setTimeout(r, 5 * TICK_MS));
  assert.equal(node.persistence.writes.length, writes);
});

test('propose on a stopped driver is refused at once', async () => {
  const { members, stopAll } = cluster([1]);
  const [solo] = members as [Member];
  await leaderOf(members);
  await stopAll();
  const outcome = await settledWithin(solo.driver.propose([bytes('late')], WAIT_MS), 200);
  assert.ok(outcome !== 'pending' && 'error' in outcome);
});

test('a proposal that times out leaves no commit waiter behind', async () => {
  const { members, stopAll } = cluster([1]);
  const [solo] = members as [Member];
  try {
    await leaderOf(members);
    solo.persistence.hold();
    await assert.rejects(solo.driver.propose([bytes('slow')], 30), /not committed within 30 ms/);
    // White-box: the list is private, and an isolated leader would otherwise collect waiters forever.
    assert.equal((solo.driver as unknown as { commitWaiters: unknown[] }).commitWaiters.length, 0);
  } finally {
    await stopAll();
  }
});

test('a proposal whose offset a snapshot from the new leader covers is not reported committed', async () => {
  const { network, members, stopAll } = cluster([1, 2, 3]);
  try {
    const old = await leaderOf(members);
    await waitFor('the first epoch to commit everywhere', () => members.every((m) => m.application.appliedEnd >= 1));
    network.cut.add(old.id);
    // Observe the outcome at once, so an early rejection is not reported as unhandled.
    const lost = settledWithin(old.driver.propose([bytes('lost')], 20_000), WAIT_MS);
    const others = members.filter((m) => m !== old);
    const next = await leaderOf(members, old.driver.status().epoch + 1, others);
    for (let i = 0; i < 3; i++) await next.driver.propose([bytes(`kept-${i}`)], WAIT_MS);
    const { appliedEnd, lastEpoch } = next.application;
    next.driver.snapshotTaken({ endOffset: appliedEnd, epoch: lastEpoch, data: bytes('image') });
    await waitFor('the snapshot to compact the new leader', () => next.driver.status().logStartOffset === appliedEnd);
    network.cut.delete(old.id);
    await waitFor('the old leader to load the snapshot', () => old.application.snapshots.length > 0);
    const outcome = await lost;
    assert.ok(outcome !== 'pending' && 'error' in outcome, `the truncated proposal must not resolve: ${JSON.stringify(outcome)}`);
    assert.match(String(outcome.error), /outcome unknown/);
  } finally {
    await stopAll();
  }
});
