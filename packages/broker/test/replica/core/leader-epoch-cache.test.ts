/**
 * Proves the leader epoch cache follows Kafka's LeaderEpochFileCache: assign keeps epochs and
 * start offsets strictly increasing, endOffsetFor answers each case of its contract, the two
 * truncations, and the leader's divergence check on a follower fetch (KIP-320). Each test
 * builds a cache by hand and checks one rule.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvariantError } from '../../../src/replica/core/errors.js';
import {
  LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_END_OFFSET, divergingEpochFor,
} from '../../../src/replica/core/leader-epoch-cache.js';

function cache(...entries: [number, number][]): LeaderEpochCache {
  return new LeaderEpochCache(entries.map(([epoch, start]) => ({ epoch, startOffset: BigInt(start) })));
}

function pairs(c: LeaderEpochCache): [number, number][] {
  return c.entries().map((e) => [e.epoch, Number(e.startOffset)]);
}

test('assign: a new epoch becomes the latest entry', () => {
  const c = cache();
  assert.equal(c.latestEpoch(), UNDEFINED_EPOCH);
  assert.equal(c.assign(0, 0n), true);
  assert.equal(c.assign(2, 5n), true);
  assert.deepEqual(pairs(c), [[0, 0], [2, 5]]);
  assert.equal(c.latestEpoch(), 2);
});

test('assign: later batches of the latest epoch change nothing', () => {
  const c = cache([0, 0], [2, 5]);
  assert.equal(c.assign(2, 5n), false);
  assert.equal(c.assign(2, 9n), false);
  assert.deepEqual(pairs(c), [[0, 0], [2, 5]]);
});

test('assign: the latest epoch at an earlier offset moves its start back', () => {
  const c = cache([0, 0], [2, 5]);
  assert.equal(c.assign(2, 3n), true);
  assert.deepEqual(pairs(c), [[0, 0], [2, 3]]);
});

test('assign: an older epoch removes the entries it conflicts with, as Kafka does', () => {
  const c = cache([0, 0], [2, 5], [4, 8]);
  assert.equal(c.assign(3, 6n), true, 'epoch 4 (higher) goes, epoch 2 (older, earlier) stays');
  assert.deepEqual(pairs(c), [[0, 0], [2, 5], [3, 6]]);
  assert.equal(c.assign(1, 5n), true, 'epoch 2 starts at 5 >= 5 and epoch 3 is higher: both go');
  assert.deepEqual(pairs(c), [[0, 0], [1, 5]]);
});

test('assign: a newer epoch at the same start replaces an epoch that holds no batch', () => {
  const c = cache([0, 0], [3, 10]);
  assert.equal(c.assign(4, 10n), true);
  assert.deepEqual(pairs(c), [[0, 0], [4, 10]]);
});

test('assign and the constructor refuse negative or unordered values (bugs)', () => {
  assert.throws(() => cache().assign(-1, 0n), InvariantError);
  assert.throws(() => cache().assign(0, -1n), InvariantError);
  assert.throws(() => cache([2, 5], [1, 7]), InvariantError);
  assert.throws(() => cache([1, 5], [2, 5]), InvariantError);
});

test('endOffsetFor: the latest epoch ends at the log end offset', () => {
  assert.deepEqual(cache([0, 0], [2, 5]).endOffsetFor(2, 12n), { epoch: 2, endOffset: 12n });
});

test('endOffsetFor: an older epoch ends where the next one starts', () => {
  assert.deepEqual(cache([0, 0], [2, 5], [4, 9]).endOffsetFor(2, 12n), { epoch: 2, endOffset: 9n });
  assert.deepEqual(cache([0, 0], [2, 5], [4, 9]).endOffsetFor(0, 12n), { epoch: 0, endOffset: 5n });
});

test('endOffsetFor: an epoch this log lacks answers the largest smaller epoch and where the next starts', () => {
  assert.deepEqual(cache([0, 0], [2, 5], [4, 9]).endOffsetFor(3, 12n), { epoch: 2, endOffset: 9n });
  assert.deepEqual(cache([0, 0], [2, 5], [4, 9]).endOffsetFor(1, 12n), { epoch: 0, endOffset: 5n });
});

test('endOffsetFor: an epoch below every entry answers itself and the first start offset (current Kafka)', () => {
  assert.deepEqual(cache([3, 20], [5, 30]).endOffsetFor(1, 40n), { epoch: 1, endOffset: 20n });
});

test('endOffsetFor: UNDEFINED for -1, for an empty cache and above the latest epoch', () => {
  assert.deepEqual(cache([0, 0]).endOffsetFor(-1, 5n), UNDEFINED_EPOCH_END_OFFSET);
  assert.deepEqual(cache().endOffsetFor(0, 5n), UNDEFINED_EPOCH_END_OFFSET);
  assert.deepEqual(cache([0, 0], [2, 5]).endOffsetFor(3, 9n), UNDEFINED_EPOCH_END_OFFSET);
  assert.deepEqual(UNDEFINED_EPOCH_END_OFFSET, { epoch: -1, endOffset: -1n });
});

test('truncateFromEnd: removes the epochs starting at or above the new log end', () => {
  const c = cache([0, 0], [2, 5], [4, 9]);
  assert.equal(c.truncateFromEnd(10n), false);
  assert.equal(c.truncateFromEnd(9n), true);
  assert.deepEqual(pairs(c), [[0, 0], [2, 5]]);
  assert.equal(c.truncateFromEnd(3n), true);
  assert.deepEqual(pairs(c), [[0, 0]]);
  assert.equal(c.truncateFromEnd(0n), true);
  assert.deepEqual(pairs(c), []);
});

test('truncateFromStart: the epoch covering the new log start is kept, moved to start there', () => {
  const c = cache([0, 0], [2, 5], [4, 9]);
  assert.equal(c.truncateFromStart(7n), true);
  assert.deepEqual(pairs(c), [[2, 7], [4, 9]]);
  assert.equal(c.truncateFromStart(7n), false);
  assert.equal(c.truncateFromStart(9n), true);
  assert.deepEqual(pairs(c), [[4, 9]]);
  assert.equal(cache([3, 10]).truncateFromStart(4n), false, 'a start below the first entry changes nothing');
});

test('divergingEpochFor: an empty follower log or a prefix of the leader\'s does not diverge', () => {
  const leader = cache([0, 0], [2, 5], [4, 9]);
  assert.equal(divergingEpochFor(leader, { fetchOffset: 0n, lastFetchedEpoch: -1 }, 12n), null);
  assert.equal(divergingEpochFor(leader, { fetchOffset: 5n, lastFetchedEpoch: 0 }, 12n), null);
  assert.equal(divergingEpochFor(leader, { fetchOffset: 7n, lastFetchedEpoch: 2 }, 12n), null);
  assert.equal(divergingEpochFor(leader, { fetchOffset: 12n, lastFetchedEpoch: 4 }, 12n), null);
});

test('divergingEpochFor: an epoch longer on the follower than on the leader diverges at the leader\'s end of it', () => {
  const leader = cache([0, 0], [2, 5], [4, 9]);
  assert.deepEqual(divergingEpochFor(leader, { fetchOffset: 7n, lastFetchedEpoch: 0 }, 12n), { epoch: 0, endOffset: 5n });
});

test('divergingEpochFor: an epoch the leader never had diverges at the leader\'s largest smaller epoch', () => {
  const leader = cache([0, 0], [2, 5], [4, 9]);
  assert.deepEqual(divergingEpochFor(leader, { fetchOffset: 8n, lastFetchedEpoch: 3 }, 12n), { epoch: 2, endOffset: 9n });
});
