import type { SimDriver, SimWorld } from './driver.js';

/** The longest network delay the nemesis sets. */
export const MAX_DELAY_MS = 45;

/** What the nemesis may do to the simulated cluster. */
export interface NemesisTarget {
  readonly world: SimWorld;
  readonly drivers: ReadonlyMap<number, SimDriver>;
  /** Running, unpaused leaders. */
  leaders(): SimDriver[];
  crash(driver: SimDriver): void;
  pause(driver: SimDriver, durationMs: number): void;
}

/**
 * One random fault or repair, in the spirit of Jepsen's nemesis and TigerBeetle's VOPR: crash
 * (preferring a node with an un-fsynced Ready), random partition, isolated leader, heal, pause
 * (a zombie that wakes up later), new network loss/duplication/delay, or a leader resigning.
 */
export function injectFault(target: NemesisTarget): void {
  const { world, drivers } = target;
  const { rng, network, trace } = world;
  const all = [...drivers.keys()];
  const up = [...drivers.values()].filter((d) => d.up);
  const r = rng.next();
  if (r < 0.16) {
    const withPending = up.filter((d) => d.pending !== null);
    const pool = withPending.length > 0 && rng.next() < 0.5 ? withPending : up;
    if (pool.length > 0) target.crash(rng.pick(pool));
  } else if (r < 0.3) {
    const shuffled = all.map((id) => ({ id, key: rng.next() })).sort((a, b) => a.key - b.key).map((x) => x.id);
    const cut = 1 + rng.int(all.length - 1);
    network.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
    trace.add(null, `partition ${network.describe()}`);
  } else if (r < 0.4) {
    const leaders = target.leaders();
    if (leaders.length > 0) {
      const leader = rng.pick(leaders).id;
      network.partition([[leader], all.filter((id) => id !== leader)]);
      trace.add(null, `isolate leader ${network.describe()}`);
    }
  } else if (r < 0.55) {
    network.heal();
    trace.add(null, 'network healed');
  } else if (r < 0.65) {
    const running = up.filter((d) => !d.paused);
    if (running.length > 0) target.pause(rng.pick(running), 50 + rng.int(400));
  } else if (r < 0.8) {
    const delayMinMs = 1 + rng.int(5);
    network.faults = {
      lossRate: rng.next() * 0.3,
      duplicateRate: rng.next() * 0.1,
      delayMinMs,
      delayMaxMs: delayMinMs + rng.int(MAX_DELAY_MS - 5),
    };
    trace.add(null, 'network faults', network.faults);
  } else if (r < 0.86) {
    const leaders = target.leaders();
    if (leaders.length > 0) {
      const leader = rng.pick(leaders);
      trace.add(leader.id, 'resign requested');
      leader.raft!.resign();
      leader.pump();
    }
  }
}
