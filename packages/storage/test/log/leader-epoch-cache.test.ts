/**
 * Proves the leader epoch cache's rules (Kafka LeaderEpochFileCache, KIP-101) on the pure class:
 * assign records only newer epochs and drops conflicting later entries, endOffsetFor answers
 * OffsetsForLeaderEpoch for every kind of requested epoch, and truncation from either end keeps
 * the epoch of every remaining offset. A seeded fast-check model run checks that after any mix of
 * appends and truncations the cache equals the one rebuilt from the log it describes, which is
 * what recovery relies on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvariantError, LeaderEpochCache, type EpochEntry } from '../../src/index.js';

/** Entries as [epoch, startOffset] pairs, for short assertions. */
function pairs(cache: LeaderEpochCache): [number, bigint][] {
  return cache.entries.map((e) => [e.epoch, e.startOffset]);
}

function cacheOf(...entries: [number, bigint][]): LeaderEpochCache {
  return new LeaderEpochCache(entries.map(([epoch, startOffset]) => ({ epoch, startOffset })));
}

describe('assign', () => {
  it('records an epoch newer than the latest at its first offset', () => {
    const cache = new LeaderEpochCache();
    assert.equal(cache.latestEpoch, -1);
    assert.equal(cache.assign(1, 0n), true);
    assert.equal(cache.assign(3, 10n), true);
    assert.deepEqual(pairs(cache), [[1, 0n], [3, 10n]]);
    assert.equal(cache.latestEpoch, 3);
  });

  it('ignores an equal or older epoch, and a batch without an epoch', () => {
    const cache = cacheOf([1, 0n], [3, 10n]);
    assert.equal(cache.assign(3, 12n), false);
    assert.equal(cache.assign(3, 5n), false);
    assert.equal(cache.assign(2, 20n), false);
    assert.equal(cache.assign(-1, 30n), false);
    assert.deepEqual(pairs(cache), [[1, 0n], [3, 10n]]);
  });

  it('removes later entries that conflict with the new one (start offset at or above it)', () => {
    const cache = cacheOf([1, 0n], [2, 10n], [3, 20n]);
    assert.equal(cache.assign(4, 10n), true);
    assert.deepEqual(pairs(cache), [[1, 0n], [4, 10n]]);
    assert.equal(cache.assign(5, 0n), true);
    assert.deepEqual(pairs(cache), [[5, 0n]]);
  });

  it('refuses entries that do not strictly increase, and negative offsets', () => {
    assert.throws(() => cacheOf([1, 0n], [1, 5n]), InvariantError);
    assert.throws(() => cacheOf([1, 5n], [2, 5n]), InvariantError);
    assert.throws(() => cacheOf([2, 0n], [1, 5n]), InvariantError);
    assert.throws(() => cacheOf([-1, 0n]), InvariantError);
    assert.throws(() => new LeaderEpochCache().assign(1, -1n), InvariantError);
  });
});

describe('endOffsetFor (OffsetsForLeaderEpoch)', () => {
  const cache = cacheOf([1, 0n], [3, 10n], [6, 25n]);
  const logEndOffset = 40n;
  const cases: [string, number, number, bigint][] = [
    ['the latest epoch ends at the log end offset', 6, 6, 40n],
    ['a later epoch than any answers the latest, ending at the log end offset', 9, 6, 40n],
    ['an earlier epoch ends where the next one starts', 3, 3, 25n],
    ['the first epoch ends where the second starts', 1, 1, 10n],
    ['an epoch that never wrote answers the largest one below it', 2, 1, 10n],
    ['another gap', 5, 3, 25n],
    ['below the first entry: undefined, the follower falls back to its high watermark', 0, -1, -1n],
    ['the undefined epoch', -1, -1, -1n],
  ];
  for (const [name, requested, epoch, endOffset] of cases) {
    it(`${name} (requested ${requested})`, () => {
      assert.deepEqual(cache.endOffsetFor(requested, logEndOffset), { epoch, endOffset });
    });
  }

  it('an empty cache answers undefined', () => {
    assert.deepEqual(new LeaderEpochCache().endOffsetFor(0, 10n), { epoch: -1, endOffset: -1n });
  });
});

describe('truncation', () => {
  it('truncateFromEnd drops the entries starting at or after the offset', () => {
    const cache = cacheOf([1, 0n], [3, 10n], [6, 25n]);
    assert.equal(cache.truncateFromEnd(100n), false);
    assert.equal(cache.truncateFromEnd(26n), false);
    assert.equal(cache.truncateFromEnd(25n), true);
    assert.deepEqual(pairs(cache), [[1, 0n], [3, 10n]]);
    assert.equal(cache.truncateFromEnd(11n), false);
    assert.equal(cache.truncateFromEnd(10n), true);
    assert.deepEqual(pairs(cache), [[1, 0n]]);
    assert.equal(cache.truncateFromEnd(0n), true);
    assert.deepEqual(pairs(cache), []);
  });

  it('truncateFromStart keeps the entry covering the offset, moved to start there', () => {
    const cache = cacheOf([1, 0n], [3, 10n], [6, 25n]);
    assert.equal(cache.truncateFromStart(0n), false);
    assert.equal(cache.truncateFromStart(12n), true);
    assert.deepEqual(pairs(cache), [[3, 12n], [6, 25n]]);
    assert.equal(cache.truncateFromStart(25n), true);
    assert.deepEqual(pairs(cache), [[6, 25n]]);
    assert.equal(cache.truncateFromStart(30n), true);
    assert.deepEqual(pairs(cache), [[6, 30n]]);
  });

  it('truncateFromStart below the first entry changes nothing', () => {
    const cache = cacheOf([4, 5n]);
    assert.equal(cache.truncateFromStart(3n), false);
    assert.deepEqual(pairs(cache), [[4, 5n]]);
  });

  it('epochForOffset names the epoch whose range holds an offset', () => {
    const cache = cacheOf([1, 5n], [3, 10n]);
    assert.deepEqual([4n, 5n, 9n, 10n, 99n].map((o) => cache.epochForOffset(o)), [-1, 1, 1, 3, 3]);
  });

  it('clear empties the cache', () => {
    const cache = cacheOf([1, 5n]);
    assert.equal(cache.clear(), true);
    assert.equal(cache.clear(), false);
    assert.equal(cache.latestEpoch, -1);
  });
});

/** An operation on a log of one-offset batches and on its cache. */
type Op = { kind: 'append'; epochStep: number } | { kind: 'truncate-end'; keep: number } | { kind: 'truncate-start'; drop: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), epochStep: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate-end' as const), keep: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate-start' as const), drop: fc.nat(5) }) },
);

/** What recovery's full rebuild computes: replay every batch's epoch from the log start. */
function rebuilt(log: { startOffset: bigint; epochs: number[] }): EpochEntry[] {
  const cache = new LeaderEpochCache();
  log.epochs.forEach((epoch, i) => cache.assign(epoch, log.startOffset + BigInt(i)));
  return [...cache.entries];
}

describe('model', () => {
  it('after any appends and truncations the cache equals the one rebuilt from its log', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      // The model log: the epoch of each offset from startOffset on. Appends never go below the
      // cache's latest epoch, as appendAsFollower enforces (a diverging follower truncates first).
      const log = { startOffset: 0n, epochs: [] as number[] };
      const cache = new LeaderEpochCache();
      for (const op of ops) {
        if (op.kind === 'append') {
          const epoch = Math.max(0, cache.latestEpoch) + op.epochStep;
          cache.assign(epoch, log.startOffset + BigInt(log.epochs.length));
          log.epochs.push(epoch);
        } else if (op.kind === 'truncate-end') {
          log.epochs.length = Math.min(op.keep, log.epochs.length);
          cache.truncateFromEnd(log.startOffset + BigInt(log.epochs.length));
        } else {
          const drop = Math.min(op.drop, log.epochs.length);
          log.epochs.splice(0, drop);
          log.startOffset += BigInt(drop);
          cache.truncateFromStart(log.startOffset);
        }
        const expected = rebuilt(log);
        // A log emptied by retention keeps the entry of its latest epoch (moved to the end); a rebuild has none.
        if (log.epochs.length === 0) assert.ok(cache.entries.length <= 1);
        else assert.deepEqual(cache.entries, expected);
      }
    }), { numRuns: 500, seed: 0x1ead });
  });
});
