/**
 * Proves the partition log's data path on real files in a temp dir: appends assign contiguous
 * offsets and stamp headers without breaking CRCs, reads return whole batches within the byte
 * budget (KIP-74 first batch, high watermark, spanning segments), timestamp lookups, truncation,
 * reopening after a clean close, and the partition.metadata topic id guard.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkBatch } from '@sluice/protocol';
import { InconsistentTopicId, OffsetOutOfRange, readPartitionTopicId, StorageFailure, type PartitionLog } from '../../src/index.js';
import { batchesIn, makeBatch } from '../helpers/batch.js';
import { openLog, partitionDir, readAll, tempLogDirPerTest } from '../helpers/log.js';

const tmp = tempLogDirPerTest();

/** Appends `count` batches of `recordsCount` records each, fill = index, timestamps 1000 + 10 * index. */
function appendMany(target: PartitionLog, count: number, spec: { recordsCount?: number; recordBytes?: number } = {}): void {
  for (let i = 0; i < count; i++) {
    const ts = 1000n + 10n * BigInt(i);
    target.append(makeBatch({ ...spec, fill: i % 256, baseTimestamp: ts, maxTimestamp: ts }), { leaderEpoch: 7 });
  }
}

describe('append and read', () => {
  it('assigns consecutive offsets across batches and requests and returns them', () => {
    tmp.log = openLog(tmp.path);
    assert.deepEqual(tmp.log.append(makeBatch({ recordsCount: 3 }), { leaderEpoch: 1 }), { baseOffset: 0n, lastOffset: 2n, maxTimestamp: 1000n });
    const two = Buffer.concat([makeBatch({ recordsCount: 2, maxTimestamp: 5000n }), makeBatch({ recordsCount: 4 })]);
    assert.deepEqual(tmp.log.append(two, { leaderEpoch: 1 }), { baseOffset: 3n, lastOffset: 8n, maxTimestamp: 5000n });
    assert.equal(tmp.log.logStartOffset, 0n);
    assert.equal(tmp.log.logEndOffset, 9n);
    const batches = batchesIn(tmp.log.read(0n, { maxBytes: 1 << 20, minOneBatch: false }).chunks);
    assert.deepEqual(batches.map((b) => [b.baseOffset, b.lastOffset]), [[0n, 2n], [3n, 4n], [5n, 8n]]);
  });

  it('stamps base offset and leader epoch and leaves the CRC valid', () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 5);
    const { chunks } = tmp.log.read(0n, { maxBytes: 1 << 20, minOneBatch: false });
    const bytes = Buffer.concat(chunks);
    for (let at = 0; at < bytes.length; ) {
      const size = checkBatch(bytes, at, 1 << 20);
      assert.equal(typeof size, 'number');
      at += size as number;
    }
    assert.ok(batchesIn(chunks).every((b) => b.leaderEpoch === 7));
  });

  it('reads from an offset inside a batch starting with that whole batch', () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 3, { recordsCount: 10 });
    const batches = batchesIn(tmp.log.read(15n, { maxBytes: 1 << 20, minOneBatch: false }).chunks);
    assert.deepEqual(batches.map((b) => b.baseOffset), [10n, 20n]);
  });

  it('returns nothing at the log end and throws OffsetOutOfRange outside the log', () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 2);
    assert.deepEqual(tmp.log.read(2n, { maxBytes: 100, minOneBatch: true }), { chunks: [], sizeBytes: 0 });
    assert.throws(() => tmp.log!.read(3n, { maxBytes: 100, minOneBatch: true }), OffsetOutOfRange);
    assert.throws(() => tmp.log!.read(-1n, { maxBytes: 100, minOneBatch: true }), (err: unknown) => err instanceof OffsetOutOfRange && err.code === 1);
  });

  it('trims to whole batches within maxBytes', () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 10, { recordBytes: 100 }); // 161 bytes each
    const got = tmp.log.read(0n, { maxBytes: 161 * 3 + 100, minOneBatch: false });
    assert.equal(got.sizeBytes, 161 * 3);
    assert.equal(batchesIn(got.chunks).length, 3);
  });

  it('with maxBytes below the first batch returns it only when minOneBatch (KIP-74)', () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 3, { recordBytes: 1000 });
    assert.equal(tmp.log.read(0n, { maxBytes: 100, minOneBatch: false }).sizeBytes, 0);
    const got = tmp.log.read(0n, { maxBytes: 100, minOneBatch: true });
    assert.deepEqual(batchesIn(got.chunks).map((b) => b.baseOffset), [0n]);
    assert.equal(got.sizeBytes, 1061);
  });

  it('stops before batches at or above maxOffsetExclusive (the high watermark)', () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 5, { recordsCount: 2 });
    const got = tmp.log.read(2n, { maxBytes: 1 << 20, minOneBatch: true, maxOffsetExclusive: 6n });
    assert.deepEqual(batchesIn(got.chunks).map((b) => b.baseOffset), [2n, 4n]);
    assert.equal(tmp.log.read(6n, { maxBytes: 1 << 20, minOneBatch: true, maxOffsetExclusive: 6n }).sizeBytes, 0);
  });

  it('reads across segments, one chunk per segment touched', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 161 * 4 } });
    appendMany(tmp.log, 10);
    assert.equal(tmp.log.segmentCount, 3);
    const got = tmp.log.read(1n, { maxBytes: 1 << 20, minOneBatch: false });
    assert.equal(got.chunks.length, 3);
    assert.deepEqual(batchesIn(got.chunks).map((b) => b.baseOffset), [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    const bounded = tmp.log.read(2n, { maxBytes: 161 * 3, minOneBatch: false });
    assert.deepEqual(batchesIn(bounded.chunks).map((b) => b.baseOffset), [2n, 3n, 4n]);
  });

  it('finds batches through a sparse offset index in a large segment', () => {
    tmp.log = openLog(tmp.path, { config: { indexIntervalBytes: 1000 } });
    appendMany(tmp.log, 500, { recordsCount: 3 });
    for (const offset of [0n, 1n, 299n, 700n, 1499n]) {
      const first = batchesIn(tmp.log.read(offset, { maxBytes: 1, minOneBatch: true }).chunks);
      assert.equal(first.length, 1);
      assert.ok(first[0]!.baseOffset <= offset && offset <= first[0]!.lastOffset, `offset ${offset}`);
    }
  });
});

describe('timestamps', () => {
  it('finds the first batch whose max timestamp reaches the target', () => {
    tmp.log = openLog(tmp.path, { config: { indexIntervalBytes: 200, segmentBytes: 161 * 20 } });
    appendMany(tmp.log, 100, { recordsCount: 2 }); // batch i: offsets 2i..2i+1, timestamp 1000 + 10i
    assert.deepEqual(tmp.log.offsetForTimestamp(0n), { offset: 0n, timestamp: 1000n });
    assert.deepEqual(tmp.log.offsetForTimestamp(1000n), { offset: 0n, timestamp: 1000n });
    assert.deepEqual(tmp.log.offsetForTimestamp(1001n), { offset: 2n, timestamp: 1010n });
    assert.deepEqual(tmp.log.offsetForTimestamp(1555n), { offset: 112n, timestamp: 1560n });
    assert.deepEqual(tmp.log.offsetForTimestamp(1990n), { offset: 198n, timestamp: 1990n });
    assert.equal(tmp.log.offsetForTimestamp(1991n), null);
    assert.deepEqual(tmp.log.offsetOfMaxTimestamp(), { offset: 198n, timestamp: 1990n });
  });

  it('keeps timestamp lookups after a clean reopen', async () => {
    tmp.log = openLog(tmp.path, { config: { indexIntervalBytes: 200, segmentBytes: 161 * 20 } });
    appendMany(tmp.log, 100, { recordsCount: 2 });
    await tmp.log.close();
    tmp.log = openLog(tmp.path, { config: { indexIntervalBytes: 200, segmentBytes: 161 * 20 } });
    assert.deepEqual(tmp.log.offsetForTimestamp(1555n), { offset: 112n, timestamp: 1560n });
    assert.deepEqual(tmp.log.offsetOfMaxTimestamp(), { offset: 198n, timestamp: 1990n });
  });

  it('handles timestamps that go backwards (max so far decides)', () => {
    tmp.log = openLog(tmp.path);
    for (const ts of [5000n, 1000n, 2000n, 6000n]) tmp.log.append(makeBatch({ maxTimestamp: ts, baseTimestamp: ts }), { leaderEpoch: 0 });
    assert.deepEqual(tmp.log.offsetForTimestamp(1500n), { offset: 0n, timestamp: 5000n });
    assert.deepEqual(tmp.log.offsetForTimestamp(5500n), { offset: 3n, timestamp: 6000n });
  });
});

describe('truncateTo', () => {
  it('removes the batch holding the offset and everything after, and appends continue', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 161 * 4, indexIntervalBytes: 0 } });
    appendMany(tmp.log, 10, { recordsCount: 2 }); // 20 offsets, segments of 4 batches
    tmp.log.truncateTo(11n); // inside batch 10..11
    assert.equal(tmp.log.logEndOffset, 10n);
    assert.equal(tmp.log.segmentCount, 2);
    assert.deepEqual(batchesIn(readAll(tmp.log)).map((b) => b.baseOffset), [0n, 2n, 4n, 6n, 8n]);
    assert.equal(tmp.log.append(makeBatch({ fill: 99 }), { leaderEpoch: 8 }).baseOffset, 10n);
    assert.equal(batchesIn(tmp.log.read(10n, { maxBytes: 1000, minOneBatch: true }).chunks)[0]!.fill, 99);
  });

  it('at a segment base empties that segment; beyond the end does nothing', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 161 * 4 } });
    appendMany(tmp.log, 10);
    tmp.log.truncateTo(100n);
    assert.equal(tmp.log.logEndOffset, 10n);
    tmp.log.truncateTo(4n);
    assert.equal(tmp.log.logEndOffset, 4n);
    assert.equal(tmp.log.segmentCount, 2);
    appendMany(tmp.log, 1);
    assert.equal(tmp.log.logEndOffset, 5n);
  });

  it('below logStartOffset restarts the log at that offset', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 161 * 2, retentionBytes: 161 * 2 } });
    appendMany(tmp.log, 6);
    tmp.log.enforceRetention();
    assert.equal(tmp.log.logStartOffset, 4n);
    tmp.log.truncateTo(2n);
    assert.equal(tmp.log.logStartOffset, 2n);
    assert.equal(tmp.log.logEndOffset, 2n);
    assert.equal(tmp.log.append(makeBatch(), { leaderEpoch: 0 }).baseOffset, 2n);
  });

  it('survives a reopen', async () => {
    tmp.log = openLog(tmp.path, { config: { indexIntervalBytes: 0 } });
    appendMany(tmp.log, 10);
    tmp.log.truncateTo(5n);
    await tmp.log.close();
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.logEndOffset, 5n);
    assert.deepEqual(batchesIn(readAll(tmp.log)).map((b) => b.baseOffset), [0n, 1n, 2n, 3n, 4n]);
  });
});

describe('open and close', () => {
  it('reopens after a clean close with the same content and continues appending', async () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 161 * 3 } });
    appendMany(tmp.log, 10);
    const before = Buffer.concat(readAll(tmp.log));
    await tmp.log.close();
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 161 * 3 } });
    assert.equal(tmp.log.logEndOffset, 10n);
    assert.equal(tmp.log.segmentCount, 4);
    assert.deepEqual(Buffer.concat(readAll(tmp.log)), before);
    assert.equal(tmp.log.append(makeBatch(), { leaderEpoch: 0 }).baseOffset, 10n);
  });

  it('writes partition.metadata in Kafka format and refuses another topic id', async () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 1);
    await tmp.log.close();
    tmp.log = null;
    assert.equal(readFileSync(join(partitionDir(tmp.path), 'partition.metadata'), 'utf8'), 'version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ\n');
    assert.equal(readPartitionTopicId(partitionDir(tmp.path)), 'AAAAAAAAAAAAAAAAAAAAAQ');
    assert.throws(() => openLog(tmp.path, { topicId: 'BBBBBBBBBBBBBBBBBBBBBQ' }), (err: unknown) => err instanceof InconsistentTopicId && err.code === 103);
  });

  it('flush resolves and operations after close are refused', async () => {
    tmp.log = openLog(tmp.path, { config: { flushIntervalMessages: 2 } });
    appendMany(tmp.log, 5);
    await tmp.log.flush();
    await tmp.log.flushIfDue();
    await tmp.log.close();
    assert.throws(() => tmp.log!.append(makeBatch(), { leaderEpoch: 0 }), /closed/);
    tmp.log = null;
  });

  it('a disk error stops the log: StorageFailure from then on, and close rethrows it', async () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 200 } });
    appendMany(tmp.log, 1);
    rmSync(partitionDir(tmp.path), { recursive: true }); // the roll's file creation fails with ENOENT
    assert.throws(() => tmp.log!.append(makeBatch(), { leaderEpoch: 0 }), (err: unknown) => err instanceof StorageFailure && err.code === 56);
    assert.throws(() => tmp.log!.read(0n, { maxBytes: 100, minOneBatch: true }), StorageFailure);
    await assert.rejects(tmp.log.flush(), StorageFailure);
    await assert.rejects(tmp.log.close(), StorageFailure);
    tmp.log = null;
  });

  it('destroy removes the directory', async () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 3);
    await tmp.log.destroy();
    tmp.log = null;
    assert.equal(readPartitionTopicId(partitionDir(tmp.path)), null);
    assert.throws(() => readFileSync(join(partitionDir(tmp.path), '00000000000000000000.log')));
  });
});
