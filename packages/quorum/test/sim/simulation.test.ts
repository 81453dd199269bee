/**
 * Proves the quorum's safety and liveness properties over a fixed list of seeds: each seed runs
 * the deterministic simulator (voters plus an observer, message loss, delay, reordering,
 * duplication, partitions, pauses, crashes that lose un-fsynced writes, snapshots) and checks the
 * invariants after every event. A failure names its seed and the one-line replay command.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation } from '../../src/sim/index.js';

/** The CI seed list: seeds 1..SEED_COUNT. Longer random runs: `npm run sim -- --seeds N --from S`. */
const SEED_COUNT = 1000;

test(`simulation holds every invariant for seeds 1..${SEED_COUNT}`, () => {
  let events = 0;
  let crashes = 0;
  let snapshotsInstalled = 0;
  let committed = 0;
  for (let seed = 1; seed <= SEED_COUNT; seed++) {
    const result = runSimulation(seed);
    events += result.events;
    crashes += result.crashes;
    snapshotsInstalled += result.snapshotsInstalled;
    committed += result.committedOffsets;
  }
  // The runs must actually exercise the system, not pass vacuously.
  assert.ok(events > SEED_COUNT * 2000, `only ${events} events`);
  assert.ok(crashes > SEED_COUNT, `only ${crashes} crashes`);
  assert.ok(snapshotsInstalled > SEED_COUNT, `only ${snapshotsInstalled} snapshots installed`);
  assert.ok(committed > SEED_COUNT * 50, `only ${committed} committed offsets`);
});

test('a seed replays to the same result', () => {
  assert.deepEqual(runSimulation(4242), runSimulation(4242));
});
