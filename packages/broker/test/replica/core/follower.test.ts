/**
 * Proves the follower's truncation decision (KIP-279) on the scenarios of KIP-101 and KIP-279,
 * built by hand. Logs are arrays of leader epochs (index = offset). `reconcile` plays the fetch
 * loop: the leader's divergence check, the follower's truncation, again until the follower's log
 * is a prefix of the leader's by epochs, and reports each truncation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followerHighWatermark, truncationFor } from '../../../src/replica/core/follower.js';
import { LeaderEpochCache, UNDEFINED_EPOCH_END_OFFSET, divergingEpochFor } from '../../../src/replica/core/leader-epoch-cache.js';

/** A replica's log as the epoch of each offset, with its epoch cache built the way appends build it. */
class ReplicaLog {
  readonly epochs: number[];
  readonly cache = new LeaderEpochCache();

  constructor(epochs: number[]) {
    this.epochs = [];
    for (const epoch of epochs) this.append(epoch);
  }

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

/** Runs the fetch loop until no divergence; returns the truncation offsets, in order. */
function reconcile(leader: ReplicaLog, follower: ReplicaLog, highWatermark = 0n): bigint[] {
  const cuts: bigint[] = [];
  for (let round = 0; round < 10; round++) {
    const fetch = { fetchOffset: follower.end, lastFetchedEpoch: follower.cache.latestEpoch() };
    const diverging = divergingEpochFor(leader.cache, fetch, leader.end);
    if (diverging === null) return cuts;
    const decision = truncationFor(follower.cache, diverging, { logEndOffset: follower.end, highWatermark });
    follower.truncate(decision.truncateTo);
    cuts.push(decision.truncateTo);
  }
  throw new Error('no agreement after 10 rounds');
}

function assertPrefix(follower: ReplicaLog, leader: ReplicaLog): void {
  assert.deepEqual(follower.epochs, leader.epochs.slice(0, follower.epochs.length));
}

test('KIP-101 scenario 1 (lost write): a restarted follower keeps what it has instead of cutting to its high watermark', () => {
  // Leader A and follower B both hold m0, m1 of epoch 0; B's high watermark is still 1 when it
  // restarts. Truncating to the high watermark would drop m1, and if A then died, B would lead
  // without m1 though acks=all had acknowledged it. With epochs B asks and keeps both.
  const a = new ReplicaLog([0, 0]);
  const b = new ReplicaLog([0, 0]);
  assert.deepEqual(reconcile(a, b, 1n), []);
  assert.equal(b.end, 2n);
  // A dies, B leads epoch 1 and writes m2; A comes back as follower and keeps m0, m1 too.
  b.cache.assign(1, b.end);
  b.append(1);
  assert.deepEqual(reconcile(b, a, 1n), []);
  assertPrefix(a, b);
});

test('KIP-101 scenario 2 (divergent replica): the old leader cuts its unreplicated write and takes the new leader\'s', () => {
  // A led epoch 0 and wrote m0, m1; B had only m0. Both crash; B comes back first, leads epoch 1
  // and writes m2 at offset 1. A returns as follower: its offset 1 (epoch 0) must go.
  const a = new ReplicaLog([0, 0]);
  const b = new ReplicaLog([0, 1]);
  const diverging = divergingEpochFor(b.cache, { fetchOffset: a.end, lastFetchedEpoch: 0 }, b.end);
  assert.deepEqual(diverging, { epoch: 0, endOffset: 1n });
  assert.deepEqual(truncationFor(a.cache, diverging!, { logEndOffset: a.end, highWatermark: 1n }), { truncateTo: 1n, complete: true });
  assert.deepEqual(reconcile(b, a), [1n]);
  a.append(1);
  assert.deepEqual(a.epochs, b.epochs);
});

test('KIP-279: after fast leader changes the follower learns the leader\'s epoch and cuts once', () => {
  // F briefly led epoch 1 and wrote offsets 3..5 nobody else got; L, leader of epoch 2, had
  // epoch 0 up to offset 4. F has epoch 0 only up to 2, so it cuts at 3, not at L's 5.
  const l = new ReplicaLog([0, 0, 0, 0, 0, 2, 2, 2]);
  const f = new ReplicaLog([0, 0, 0, 1, 1, 1]);
  assert.deepEqual(reconcile(l, f), [3n]);
  assertPrefix(f, l);
});

test('KIP-279: a follower that does not know the leader\'s epoch iterates', () => {
  // L: epoch 0 at 0..2, epoch 2 at 3..5, epoch 4 at 6..8. F: epoch 0 at 0..1, epoch 1 at 2,
  // epoch 3 at 3..4 (both never replicated). F asks about 3; L answers (2, 6); F lacks epoch 2,
  // cuts to the end of its epoch 1 (3) and asks about 1; L answers (0, 3); F cuts to 2.
  const l = new ReplicaLog([0, 0, 0, 2, 2, 2, 4, 4, 4]);
  const f = new ReplicaLog([0, 0, 1, 3, 3]);
  const first = truncationFor(f.cache, { epoch: 2, endOffset: 6n }, { logEndOffset: f.end, highWatermark: 0n });
  assert.deepEqual(first, { truncateTo: 3n, complete: false });
  assert.deepEqual(reconcile(l, f), [3n, 2n]);
  assertPrefix(f, l);
  assert.deepEqual(f.epochs, [0, 0]);
});

test('truncation never goes above the follower\'s own log end', () => {
  const f = new ReplicaLog([0, 0, 0]);
  assert.deepEqual(truncationFor(f.cache, { epoch: 0, endOffset: 9n }, { logEndOffset: f.end, highWatermark: 0n }),
    { truncateTo: 3n, complete: true });
});

test('a follower that tracks no epoch that low takes the leader\'s offset', () => {
  const f = new ReplicaLog([]);
  f.cache.assign(5, 0n);
  f.epochs.push(5, 5, 5, 5);
  // Its cache starts at epoch 5, so asking about epoch 2 gives (2, 0): it had nothing of epoch 2.
  assert.deepEqual(truncationFor(f.cache, { epoch: 2, endOffset: 3n }, { logEndOffset: 4n, highWatermark: 0n }),
    { truncateTo: 0n, complete: true });
  assert.deepEqual(truncationFor(new LeaderEpochCache(), { epoch: 2, endOffset: 3n }, { logEndOffset: 4n, highWatermark: 0n }),
    { truncateTo: 3n, complete: true }, 'an empty cache: min(leader offset, log end)');
});

test('an UNDEFINED answer falls back to the follower\'s high watermark', () => {
  const f = new ReplicaLog([0, 0, 0, 0]);
  assert.deepEqual(truncationFor(f.cache, UNDEFINED_EPOCH_END_OFFSET, { logEndOffset: f.end, highWatermark: 2n }),
    { truncateTo: 2n, complete: true });
  assert.deepEqual(truncationFor(f.cache, { epoch: -1, endOffset: 1n }, { logEndOffset: f.end, highWatermark: 2n }),
    { truncateTo: 1n, complete: true }, 'an undefined epoch with an offset: the offset');
});

test('identical logs and a follower behind within the same epochs need no truncation', () => {
  assert.deepEqual(reconcile(new ReplicaLog([0, 1, 1, 3]), new ReplicaLog([0, 1, 1, 3])), []);
  assert.deepEqual(reconcile(new ReplicaLog([0, 1, 1, 3]), new ReplicaLog([0, 1])), []);
});

test('the follower\'s high watermark is the leader\'s, capped by its own log end', () => {
  assert.equal(followerHighWatermark(10n, 7n), 7n);
  assert.equal(followerHighWatermark(5n, 7n), 5n);
});
