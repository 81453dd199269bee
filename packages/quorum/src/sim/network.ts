import type { RaftMessage } from '../core/messages.js';

/** Randomness the simulated network draws from (the simulation's seeded PRNG). */
export interface SimRandom {
  next(): number;
  int(n: number): number;
}

/** The network's current fault settings. */
export interface NetworkFaults {
  /** Probability that a message is lost. */
  lossRate: number;
  /** Probability that a message is delivered twice. */
  duplicateRate: number;
  /** Delivery delay bounds in ms; random delays reorder messages. */
  delayMinMs: number;
  delayMaxMs: number;
}

/** A message on its way. */
export interface Delivery {
  readonly from: number;
  readonly to: number;
  readonly message: RaftMessage;
}

/** Faults for a healthy network: no loss, no duplicates, short delays. */
export const HEALTHY_NETWORK: NetworkFaults = { lossRate: 0, duplicateRate: 0, delayMinMs: 1, delayMaxMs: 5 };

/**
 * The simulated network: loss, duplication, random delay (hence reordering) and partitions.
 * A partition assigns each node a group; messages between groups are dropped when sent and when
 * they arrive. `deliverAt` schedules delivery through the caller's scheduler.
 */
export class SimNetwork {
  faults: NetworkFaults = { ...HEALTHY_NETWORK };
  private groups = new Map<number, number>();
  sent = 0;
  dropped = 0;

  constructor(
    private readonly random: SimRandom,
    private readonly deliverAt: (delayMs: number, delivery: Delivery) => void,
  ) {}

  /** True while `a` and `b` can talk. */
  connected(a: number, b: number): boolean {
    return (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
  }

  /** Splits the nodes into groups; nodes not listed join group 0. */
  partition(groups: readonly (readonly number[])[]): void {
    this.groups = new Map();
    groups.forEach((members, i) => members.forEach((id) => this.groups.set(id, i)));
  }

  /** Removes every partition. */
  heal(): void {
    this.groups = new Map();
  }

  /** Describes the partition for the trace. */
  describe(): string {
    const byGroup = new Map<number, number[]>();
    for (const [id, g] of this.groups) byGroup.set(g, [...(byGroup.get(g) ?? []), id]);
    return byGroup.size === 0 ? 'healed' : [...byGroup.values()].map((g) => `{${g.join(',')}}`).join(' ');
  }

  /** Sends one message, applying loss, duplication and delay. */
  send(delivery: Delivery): void {
    this.sent++;
    const copies = this.random.next() < this.faults.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (!this.connected(delivery.from, delivery.to) || this.random.next() < this.faults.lossRate) {
        this.dropped++;
        continue;
      }
      const span = this.faults.delayMaxMs - this.faults.delayMinMs + 1;
      this.deliverAt(this.faults.delayMinMs + this.random.int(span), delivery);
    }
  }
}
