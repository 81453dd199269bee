/**
 * Proves what partition replication needs from the log, on real partition logs in temp dirs:
 * appendAsFollower stores the leader's batches byte for byte and refuses anything that does not
 * continue the log; the leader epoch cache follows appends, truncation and retention; and the
 * KIP-101/KIP-279 truncation a replica fetcher runs (modelled here on Kafka's
 * AbstractFetcherThread) truncates a follower to exactly where its log diverges from the leader's,
 * after a restart with an unreplicated suffix and across several leader changes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stampBatch } from '@sluice/protocol';
import { InvalidFollowerAppend, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET, type PartitionLog } from '../../src/index.js';
import { batchesIn, makeBatch } from '../helpers/batch.js';
import { closeAsIfCrashed, ManualClock, openLog, readAll, tempDir, tempLogDirPerTest } from '../helpers/log.js';

const tmp = tempLogDirPerTest();

const BATCH_BYTES = 161; // makeBatch() default: 61-byte header + 100 record bytes

/** A leader's append of one single-record batch per epoch in `epochs`, fill = `fill` + index. */
function appendEpochs(target: PartitionLog, epochs: number[], fill = 0): void {
  epochs.forEach((leaderEpoch, i) => target.append(makeBatch({ fill: (fill + i) % 256 }), { leaderEpoch }));
}

/** A batch as a leader stored it: `recordsCount` records from `baseOffset`, stamped with `epoch`. */
function storedBatch(baseOffset: bigint, epoch: number, recordsCount = 1): Buffer {
  const batch = makeBatch({ recordsCount });
  stampBatch(batch, baseOffset, epoch);
  return batch;
}

/** Fetches from the leader until the follower has everything the leader has, at most `maxBytes` per fetch. */
function fetchAll(follower: PartitionLog, leader: PartitionLog, maxBytes = 1 << 20): void {
  while (follower.logEndOffset < leader.logEndOffset) fetchOnce(follower, leader, maxBytes);
}

function fetchOnce(follower: PartitionLog, leader: PartitionLog, maxBytes: number): void {
  const { chunks } = leader.read(follower.logEndOffset, { maxBytes, minOneBatch: true });
  follower.appendAsFollower(Buffer.concat(chunks), follower.logEndOffset);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * The follower side of KIP-101/KIP-279 truncation, as Kafka's AbstractFetcherThread runs it: ask
 * the leader for the end offset of the follower's latest epoch. If the leader knows no such epoch,
 * truncate to the high watermark. If it answers an older epoch the follower also has, truncate to
 * the smaller end offset of that epoch and stop; if the follower lacks that epoch, truncate to the
 * end of the follower's largest epoch below it and ask again. Returns the offset of each round.
 */
function truncateToLeader(follower: PartitionLog, leader: PartitionLog, highWatermark: bigint): bigint[] {
  const rounds: bigint[] = [];
  for (let round = 0; round < 10; round++) {
    const answer = leader.endOffsetForEpoch(follower.latestEpoch);
    let target: bigint;
    let done = true;
    if (answer.endOffset === UNDEFINED_EPOCH_OFFSET) {
      target = highWatermark;
    } else {
      const own = follower.endOffsetForEpoch(answer.epoch);
      if (own.epoch === UNDEFINED_EPOCH) target = answer.endOffset;
      else if (own.epoch !== answer.epoch) [target, done] = [own.endOffset, false];
      else target = min(own.endOffset, answer.endOffset);
    }
    target = min(target, follower.logEndOffset);
    follower.truncateTo(target);
    rounds.push(target);
    if (done) return rounds;
  }
  throw new Error('truncation did not converge in 10 rounds');
}

function pairs(target: PartitionLog): [number, bigint][] {
  return target.leaderEpochs.map((e) => [e.epoch, e.startOffset]);
}

/** Runs `run` on two fresh temp dirs, then closes the logs it returns and removes the dirs (also when it throws). */
async function withTwoLogs(run: (dirs: { a: string; b: string }) => Promise<PartitionLog[]>): Promise<void> {
  const a = tempDir();
  const b = tempDir();
  let open: PartitionLog[] = [];
  try {
    open = await run({ a: a.path, b: b.path });
  } finally {
    await Promise.all(open.map((log) => log.close()));
    a.remove();
    b.remove();
  }
}

describe('appendAsFollower', () => {
  it('stores the leader batches byte for byte, epochs and base offsets as the leader set them', async () => {
    await withTwoLogs(async ({ a, b }) => {
      const leader = openLog(a, { config: { segmentBytes: BATCH_BYTES * 3 } });
      const follower = openLog(b, { config: { segmentBytes: BATCH_BYTES * 2 } });
      leader.append(Buffer.concat([makeBatch({ recordsCount: 3 }), makeBatch({ recordsCount: 2, maxTimestamp: 9000n })]), { leaderEpoch: 2 });
      appendEpochs(leader, [2, 5, 5, 8]);
      const first = leader.read(0n, { maxBytes: 1 << 20, minOneBatch: true });
      assert.deepEqual(follower.appendAsFollower(Buffer.concat(first.chunks), follower.logEndOffset), { baseOffset: 0n, lastOffset: 8n, maxTimestamp: 9000n });
      assert.deepEqual(Buffer.concat(readAll(follower)), Buffer.concat(readAll(leader)));
      assert.deepEqual(pairs(follower), [[2, 0n], [5, 6n], [8, 8n]]);
      assert.deepEqual(pairs(follower), pairs(leader));
      assert.equal(follower.lastBatchEpoch, 8);
      assert.equal(follower.latestEpoch, 8);
      return [leader, follower];
    });
  });

  it('keeps the epochs after a reopen, across the segments the follower rolled', async () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2 } });
    tmp.log.appendAsFollower(Buffer.concat([0, 0, 3, 3, 3, 4].map((epoch, i) => storedBatch(BigInt(i), epoch))), tmp.log.logEndOffset);
    await closeAsIfCrashed(tmp.log, tmp.path);
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2 } });
    assert.deepEqual(pairs(tmp.log), [[0, 0n], [3, 2n], [4, 5n]]);
  });

  /** Asserts the append is refused with `problem` and `code`, and nothing was written. */
  function assertRefused(batches: Buffer, problem: string, code: number): void {
    const before = Buffer.concat(readAll(tmp.log!));
    const leo = tmp.log!.logEndOffset;
    assert.throws(() => tmp.log!.appendAsFollower(batches, tmp.log!.logEndOffset), (err: unknown) => err instanceof InvalidFollowerAppend && err.problem === problem && err.code === code);
    assert.equal(tmp.log!.logEndOffset, leo);
    assert.deepEqual(Buffer.concat(readAll(tmp.log!)), before);
  }

  it('refuses a first base offset below the log end offset (INVALID_RECORD)', () => {
    tmp.log = openLog(tmp.path);
    tmp.log.appendAsFollower(storedBatch(0n, 1, 2), tmp.log.logEndOffset);
    assertRefused(storedBatch(1n, 1), 'unexpected-base-offset', 87);
    assertRefused(storedBatch(0n, 1), 'unexpected-base-offset', 87);
  });

  it('refuses batches that overlap the previous one', () => {
    tmp.log = openLog(tmp.path);
    assertRefused(Buffer.concat([storedBatch(0n, 1, 2), storedBatch(1n, 1)]), 'overlapping-offsets', 87);
    assertRefused(Buffer.concat([storedBatch(0n, 1, 2), storedBatch(0n, 1)]), 'overlapping-offsets', 87);
  });

  it('accepts the gaps a compacted leader leaves: above the log end offset and between batches', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2 } });
    tmp.log.appendAsFollower(storedBatch(0n, 1, 2), tmp.log.logEndOffset);
    const result = tmp.log.appendAsFollower(Buffer.concat([storedBatch(5n, 1), storedBatch(9n, 2, 3)]), tmp.log.logEndOffset);
    assert.deepEqual({ base: result.baseOffset, last: result.lastOffset }, { base: 5n, last: 11n });
    assert.equal(tmp.log.logEndOffset, 12n);
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [2, 9n]]);
    tmp.log.appendAsFollower(storedBatch(20n, 2), tmp.log.logEndOffset);
    assert.deepEqual(batchesIn(readAll(tmp.log)).map((b) => [b.baseOffset, b.lastOffset]), [[0n, 1n], [5n, 5n], [9n, 11n], [20n, 20n]]);
  });

  it('refuses an answer to a fetch from an older log end (stale-fetch), so a truncation never turns into a gap', () => {
    tmp.log = openLog(tmp.path);
    tmp.log.appendAsFollower(Buffer.concat([storedBatch(0n, 1, 4), storedBatch(4n, 1, 6)]), tmp.log.logEndOffset);
    const fetchedFrom = tmp.log.logEndOffset;
    tmp.log.truncateTo(4n);
    const before = Buffer.concat(readAll(tmp.log));
    assert.throws(() => tmp.log!.appendAsFollower(storedBatch(10n, 1), fetchedFrom), (err: unknown) => err instanceof InvalidFollowerAppend && err.problem === 'stale-fetch');
    assert.equal(tmp.log.logEndOffset, 4n);
    assert.deepEqual(Buffer.concat(readAll(tmp.log)), before);
  });

  it('recovers a log with gaps and finds offsets inside them: a read at a removed offset returns the next batch', async () => {
    const config = { segmentBytes: BATCH_BYTES * 2, indexIntervalBytes: 0 };
    tmp.log = openLog(tmp.path, { config });
    for (const base of [0n, 3n, 4n, 10n, 30n, 31n, 50n]) tmp.log.appendAsFollower(storedBatch(base, 1), tmp.log.logEndOffset);
    await closeAsIfCrashed(tmp.log, tmp.path);
    tmp.log = openLog(tmp.path, { config });
    assert.equal(tmp.log.logEndOffset, 51n);
    const firstAt = (offset: bigint): bigint | undefined => batchesIn(tmp.log!.read(offset, { maxBytes: 1, minOneBatch: true }).chunks)[0]?.baseOffset;
    assert.deepEqual([1n, 3n, 5n, 9n, 11n, 29n, 32n, 50n].map(firstAt), [3n, 3n, 10n, 10n, 30n, 30n, 50n, 50n]);
    assert.equal(tmp.log.read(51n, { maxBytes: 1 << 20, minOneBatch: true }).sizeBytes, 0);
  });

  it('refuses a leader epoch going back, within the batches or below the log latest', () => {
    tmp.log = openLog(tmp.path);
    assertRefused(Buffer.concat([storedBatch(0n, 3), storedBatch(1n, 2)]), 'leader-epoch-goes-back', 87);
    tmp.log.appendAsFollower(storedBatch(0n, 3), tmp.log.logEndOffset);
    assertRefused(storedBatch(1n, 2), 'leader-epoch-goes-back', 87);
    assertRefused(storedBatch(1n, -1), 'missing-leader-epoch', 87);
    assert.deepEqual(pairs(tmp.log), [[3, 0n]]);
  });

  it('refuses corrupt or partial batches (CORRUPT_MESSAGE)', () => {
    tmp.log = openLog(tmp.path);
    const flipped = storedBatch(0n, 1);
    flipped[80]! ^= 0x01;
    assertRefused(flipped, 'bad-crc', 2);
    const good = storedBatch(0n, 1);
    assertRefused(Buffer.concat([good, storedBatch(1n, 1).subarray(0, 100)]), 'truncated', 2);
    const badMagic = storedBatch(0n, 1);
    badMagic.writeInt8(1, 16);
    assertRefused(badMagic, 'bad-magic', 2);
  });
});

describe('the leader epoch cache follows the log', () => {
  it('a leader append records a new epoch at its first offset, and only a new one', () => {
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.latestEpoch, -1);
    assert.equal(tmp.log.lastBatchEpoch, -1);
    tmp.log.append(Buffer.concat([makeBatch({ recordsCount: 2 }), makeBatch()]), { leaderEpoch: 4 });
    appendEpochs(tmp.log, [4, 6, 5]);
    assert.deepEqual(pairs(tmp.log), [[4, 0n], [6, 4n]]);
    assert.equal(tmp.log.latestEpoch, 6);
    assert.equal(tmp.log.lastBatchEpoch, 5, 'the stale append is stored as stamped; the cache ignores it');
    assert.deepEqual(tmp.log.endOffsetForEpoch(4), { epoch: 4, endOffset: 4n });
    assert.deepEqual(tmp.log.endOffsetForEpoch(6), { epoch: 6, endOffset: 6n });
  });

  it('truncateTo drops the entries from the new log end offset on', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2 } });
    tmp.log.append(makeBatch({ recordsCount: 2 }), { leaderEpoch: 1 }); // 0..1
    tmp.log.append(makeBatch({ recordsCount: 2 }), { leaderEpoch: 2 }); // 2..3
    tmp.log.append(makeBatch({ recordsCount: 2 }), { leaderEpoch: 3 }); // 4..5
    tmp.log.truncateTo(5n); // the batch 4..5 goes whole
    assert.equal(tmp.log.logEndOffset, 4n);
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [2, 2n]]);
    assert.equal(tmp.log.lastBatchEpoch, 2);
    assert.deepEqual(tmp.log.endOffsetForEpoch(3), { epoch: 2, endOffset: 4n });
    tmp.log.truncateTo(2n);
    assert.deepEqual(pairs(tmp.log), [[1, 0n]]);
    assert.equal(tmp.log.lastBatchEpoch, 1);
    tmp.log.append(makeBatch(), { leaderEpoch: 7 });
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [7, 2n]]);
  });

  it('truncateTo below the log start empties the cache', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2, retentionBytes: BATCH_BYTES * 2 } });
    appendEpochs(tmp.log, [1, 1, 2, 2, 3, 3]);
    tmp.log.enforceRetention();
    assert.equal(tmp.log.logStartOffset, 4n);
    tmp.log.truncateTo(1n);
    assert.deepEqual(pairs(tmp.log), []);
    assert.equal(tmp.log.latestEpoch, -1);
    assert.equal(tmp.log.lastBatchEpoch, -1);
  });

  it('retention moves the entry covering the new log start there, and survives a reopen', async () => {
    const config = { segmentBytes: BATCH_BYTES * 2, retentionBytes: BATCH_BYTES * 4 };
    tmp.log = openLog(tmp.path, { config });
    appendEpochs(tmp.log, [1, 2, 2, 2, 3, 3, 3]); // segments 0, 2, 4, 6
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [2, 1n], [3, 4n]]);
    assert.equal(tmp.log.enforceRetention(), 1);
    assert.equal(tmp.log.logStartOffset, 2n);
    assert.deepEqual(pairs(tmp.log), [[2, 2n], [3, 4n]]);
    assert.deepEqual(tmp.log.endOffsetForEpoch(1), { epoch: -1, endOffset: -1n });
    await closeAsIfCrashed(tmp.log, tmp.path);
    tmp.log = openLog(tmp.path, { config });
    assert.deepEqual(pairs(tmp.log), [[2, 2n], [3, 4n]]);
  });

  it('retention that empties the log keeps the latest epoch at the log end; the last batch epoch is -1', () => {
    const clock = new ManualClock(1_000_000); // batches carry timestamp 1000: long past retention.ms
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2, retentionMs: 60_000 }, clock });
    appendEpochs(tmp.log, [1, 2, 2]);
    assert.equal(tmp.log.enforceRetention(), 2); // the inactive segment, and the active one after a roll
    assert.equal(tmp.log.logStartOffset, 3n);
    assert.equal(tmp.log.logEndOffset, 3n);
    assert.deepEqual(pairs(tmp.log), [[2, 3n]]);
    assert.equal(tmp.log.latestEpoch, 2);
    assert.equal(tmp.log.lastBatchEpoch, -1);
    assert.deepEqual(tmp.log.endOffsetForEpoch(2), { epoch: 2, endOffset: 3n });
  });
});

describe('KIP-101 and KIP-279 truncation', () => {
  it('lost write: a restarted follower keeps an unreplicated suffix the leader has, instead of truncating to its high watermark', async () => {
    await withTwoLogs(async ({ a, b }) => {
      const leader = openLog(a);
      let follower = openLog(b);
      appendEpochs(leader, Array<number>(15).fill(1)); // 0..14 in epoch 1
      fetchOnce(follower, leader, BATCH_BYTES * 13); // the follower got 0..12
      await follower.checkpointHighWatermark(8n); // the high watermark it last heard of
      await closeAsIfCrashed(follower, b);
      follower = openLog(b);
      assert.equal(follower.checkpointedHighWatermark, 8n);
      // Truncating to the high watermark (before KIP-101) would drop 8..12 though the leader has them.
      assert.deepEqual(truncateToLeader(follower, leader, follower.checkpointedHighWatermark), [13n]);
      assert.equal(follower.logEndOffset, 13n);
      fetchAll(follower, leader);
      assert.deepEqual(Buffer.concat(readAll(follower)), Buffer.concat(readAll(leader)));
      return [leader, follower];
    });
  });

  it('divergence: a follower truncates only the suffix the new leader never had (KIP-101 scenario 2)', async () => {
    await withTwoLogs(async ({ a, b }) => {
      let replicaA = openLog(a);
      let replicaB = openLog(b);
      appendEpochs(replicaA, [1, 1, 1], 0x10); // A leads epoch 1 and writes 0..2
      fetchOnce(replicaB, replicaA, BATCH_BYTES * 2); // B gets 0..1
      await closeAsIfCrashed(replicaA, a); // both crash; B comes back first and leads epoch 2
      await closeAsIfCrashed(replicaB, b);
      replicaB = openLog(b);
      appendEpochs(replicaB, [2, 2], 0x20); // 2..3 in epoch 2
      replicaA = openLog(a); // A returns as a follower with its own offset 2, epoch 1
      assert.deepEqual(replicaB.endOffsetForEpoch(1), { epoch: 1, endOffset: 2n });
      assert.deepEqual(truncateToLeader(replicaA, replicaB, 0n), [2n]);
      fetchAll(replicaA, replicaB);
      assert.deepEqual(Buffer.concat(readAll(replicaA)), Buffer.concat(readAll(replicaB)));
      assert.deepEqual(batchesIn(readAll(replicaA)).map((x) => [x.baseOffset, x.leaderEpoch, x.fill]), [[0n, 1, 0x10], [1n, 1, 0x11], [2n, 2, 0x20], [3n, 2, 0x21]]);
      assert.deepEqual(pairs(replicaA), [[1, 0n], [2, 2n]]);
      return [replicaA, replicaB];
    });
  });

  it('divergent epochs across leader changes: each replica led epochs the other never saw; two rounds find the common prefix (KIP-279)', async () => {
    await withTwoLogs(async ({ a, b }) => {
      const l = openLog(a);
      const f = openLog(b);
      appendEpochs(l, [1, 1, 1, 1, 1], 0x10); // epoch 1, L leads: 0..4, replicated
      fetchAll(f, l);
      appendEpochs(f, [2, 2, 2], 0x20); // epoch 2, F leads: 5..7, never replicated
      appendEpochs(l, [3, 3, 3, 3], 0x30); // epoch 3, L leads: 5..8
      appendEpochs(f, [4, 4], 0x40); // epoch 4, F leads: 8..9
      appendEpochs(l, [5, 5], 0x50); // epoch 5, L leads: 9..10, and F now follows
      assert.deepEqual(pairs(f), [[1, 0n], [2, 5n], [4, 8n]]);
      assert.deepEqual(pairs(l), [[1, 0n], [3, 5n], [5, 9n]]);
      // Round 1: L answers epoch 3 ending at 9 for F's epoch 4; F lacks 3, so it cuts to the end
      // of its own epoch 2 (8) and asks again. Round 2: for epoch 2, L answers epoch 1 ending at 5.
      assert.deepEqual(l.endOffsetForEpoch(4), { epoch: 3, endOffset: 9n });
      assert.deepEqual(truncateToLeader(f, l, 0n), [8n, 5n]);
      fetchAll(f, l);
      assert.deepEqual(Buffer.concat(readAll(f)), Buffer.concat(readAll(l)));
      assert.deepEqual(pairs(f), pairs(l));
      assert.equal(f.lastBatchEpoch, 5);
      return [l, f];
    });
  });

  it('a follower with no epochs in common with the leader falls back to the high watermark', async () => {
    await withTwoLogs(async ({ a, b }) => {
      const leader = openLog(a);
      const follower = openLog(b);
      appendEpochs(leader, [4, 4]);
      follower.appendAsFollower(Buffer.concat([storedBatch(0n, 2), storedBatch(1n, 2), storedBatch(2n, 2)]), follower.logEndOffset);
      assert.deepEqual(leader.endOffsetForEpoch(2), { epoch: -1, endOffset: -1n });
      assert.deepEqual(truncateToLeader(follower, leader, 1n), [1n]);
      return [leader, follower];
    });
  });
});
