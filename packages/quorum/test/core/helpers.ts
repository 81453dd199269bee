/**
 * Helpers for the protocol-rule tests: small configurations, a fixed random source, a Ready
 * drainer that plays a perfect driver, and a synchronous in-memory network.
 */
import { Raft } from '../../src/core/raft.js';
import { defaultRaftConfig, silentLogger, type RaftConfig } from '../../src/core/config.js';
import type { Envelope, RaftMessage } from '../../src/core/messages.js';
import type { PersistedState, Ready } from '../../src/core/ready.js';
import type { Entry } from '../../src/core/messages.js';

export const CLUSTER_ID = 'test-cluster';

/** Small tick counts so tests stay short. */
export function testConfig(nodeId: number, overrides: Partial<RaftConfig> = {}): RaftConfig {
  return {
    ...defaultRaftConfig,
    nodeId,
    clusterId: CLUSTER_ID,
    voterIds: [1, 2, 3],
    electionTimeoutTicks: 10,
    fetchTimeoutTicks: 20,
    fetchIntervalTicks: 1,
    fetchMaxWaitTicks: 5,
    requestTimeoutTicks: 5,
    checkQuorumTicks: 30,
    beginQuorumEpochIntervalTicks: 10,
    ...overrides,
  };
}

/** A random source that returns the given values in turn (0 by default: the shortest timeout). */
export function fixedRandom(values: number[] = [0]): { next(): number } {
  let i = 0;
  return { next: () => values[i++ % values.length]! };
}

/** A new member with test defaults. */
export function makeNode(nodeId: number, options: { config?: Partial<RaftConfig>; persisted?: PersistedState; random?: number[] } = {}): Raft {
  return new Raft(testConfig(nodeId, options.config), { logger: silentLogger, random: fixedRandom(options.random) }, options.persisted);
}

/** Everything the driver got from draining every Ready, as a perfect driver would process it. */
export interface Drained {
  readonly readies: Ready[];
  readonly messages: Envelope[];
  readonly committed: Entry[];
}

/** Takes and advances every Ready until there is none. */
export function drain(node: Raft): Drained {
  const readies: Ready[] = [];
  for (let ready = node.ready(); ready !== null; ready = node.ready()) {
    readies.push(ready);
    node.advance(ready);
  }
  return {
    readies,
    messages: readies.flatMap((r) => [...r.messages]),
    committed: readies.flatMap((r) => [...r.committedEntries]),
  };
}

/** Messages of one kind, narrowed. */
export function ofKind<K extends RaftMessage['kind']>(envelopes: readonly Envelope[], kind: K): Array<{ to: number; message: Extract<RaftMessage, { kind: K }> }> {
  return envelopes.filter((e) => e.message.kind === kind) as Array<{ to: number; message: Extract<RaftMessage, { kind: K }> }>;
}

/** Ticks `node` `n` times. */
export function tickTimes(node: Raft, n: number): void {
  for (let i = 0; i < n; i++) node.tick();
}

/** Bytes for a string payload. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * A synchronous network of members: `deliverAll` drains every node's Ready and delivers the
 * messages until none is left, skipping links cut with `cut`.
 */
export class TestCluster {
  readonly nodes = new Map<number, Raft>();
  readonly committed = new Map<number, Entry[]>();
  private readonly cutLinks = new Set<string>();
  private readonly down = new Set<number>();

  constructor(ids: number[], options: { voters?: number[]; config?: Partial<RaftConfig> } = {}) {
    for (const id of ids) {
      this.nodes.set(id, makeNode(id, { config: { voterIds: options.voters ?? [1, 2, 3], ...options.config } }));
      this.committed.set(id, []);
    }
  }

  node(id: number): Raft {
    return this.nodes.get(id)!;
  }

  /** Stops delivery in both directions between `a` and `b`. */
  cut(a: number, b: number): void {
    this.cutLinks.add(`${a}-${b}`);
    this.cutLinks.add(`${b}-${a}`);
  }

  /** Cuts `id` from every other node. */
  isolate(id: number): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cut(id, other);
  }

  /** Restores every link. */
  heal(): void {
    this.cutLinks.clear();
  }

  /** Stops delivering anything to or from `id` and stops ticking it. */
  stop(id: number): void {
    this.down.add(id);
  }

  /** Resumes delivering to and from `id` and ticking it. */
  start(id: number): void {
    this.down.delete(id);
  }

  /** Drains and delivers until quiet (bounded). Returns the messages delivered. */
  deliverAll(limit = 10_000): Envelope[] {
    const delivered: Envelope[] = [];
    for (let round = 0; round < limit; round++) {
      const pending: Array<{ from: number; envelope: Envelope }> = [];
      for (const [id, node] of this.nodes) {
        if (this.down.has(id)) continue;
        const drained = drain(node);
        this.committed.get(id)!.push(...drained.committed);
        for (const envelope of drained.messages) pending.push({ from: id, envelope });
      }
      if (pending.length === 0) return delivered;
      for (const { from, envelope } of pending) {
        if (this.cutLinks.has(`${from}-${envelope.to}`) || this.down.has(envelope.to)) continue;
        this.nodes.get(envelope.to)?.step(from, envelope.message);
        delivered.push(envelope);
      }
    }
    throw new Error('network did not quiesce');
  }

  /** Ticks every running node once, then delivers; `times` rounds. Returns what was delivered. */
  tickAll(times = 1): Envelope[] {
    const delivered: Envelope[] = [];
    for (let i = 0; i < times; i++) {
      for (const [id, node] of this.nodes) if (!this.down.has(id)) node.tick();
      delivered.push(...this.deliverAll());
    }
    return delivered;
  }

  /** Makes `id` leader by ticking only it past its election timeout. */
  elect(id: number): void {
    const node = this.node(id);
    for (let i = 0; i < 100 && node.role !== 'leader'; i++) {
      node.tick();
      this.deliverAll();
    }
    if (node.role !== 'leader') throw new Error(`node ${id} did not become leader`);
    this.deliverAll();
  }
}
