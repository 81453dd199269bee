/**
 * Proves segment rolling (by size, by age on the producer and wall clocks, by full index) and
 * retention (by time, by size, bounded by the high watermark), with an injected clock: whole
 * segments only, never the active one, logStartOffset moving to the next segment's base and reads
 * below it failing with OffsetOutOfRange.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OffsetOutOfRange, type PartitionLog } from '../../src/index.js';
import { batchesIn, makeBatch } from '../helpers/batch.js';
import { ManualClock, openLog, partitionDir, readAll, tempLogDirPerTest } from '../helpers/log.js';

const BATCH_BYTES = 161; // makeBatch() default: 61-byte header + 100 record bytes

const tmp = tempLogDirPerTest();

function append(target: PartitionLog, timestamp: bigint, count = 1): void {
  for (let i = 0; i < count; i++) target.append(makeBatch({ baseTimestamp: timestamp, maxTimestamp: timestamp }), { leaderEpoch: 0 });
}

function segmentFiles(): string[] {
  return readdirSync(partitionDir(tmp.path)).filter((n) => n.endsWith('.log')).sort();
}

describe('roll', () => {
  it('rolls by size before an append would pass segmentBytes', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 3 } });
    append(tmp.log, 1000n, 7);
    assert.deepEqual(segmentFiles(), ['00000000000000000000.log', '00000000000000000003.log', '00000000000000000006.log']);
  });

  it('puts an append larger than segmentBytes alone in its segment', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: 100 } });
    append(tmp.log, 1000n, 3);
    assert.equal(tmp.log.segmentCount, 3);
    assert.deepEqual(batchesIn(readAll(tmp.log)).map((b) => b.baseOffset), [0n, 1n, 2n]);
  });

  it('rolls by age: incoming max timestamp minus the first batch timestamp (Kafka)', () => {
    tmp.log = openLog(tmp.path, { config: { segmentMs: 1000 } });
    append(tmp.log, 10_000n);
    append(tmp.log, 11_000n);
    assert.equal(tmp.log.segmentCount, 1);
    append(tmp.log, 11_001n);
    assert.equal(tmp.log.segmentCount, 2);
  });

  it('rolls by wall-clock age when batches carry no timestamp', () => {
    const clock = new ManualClock();
    tmp.log = openLog(tmp.path, { config: { segmentMs: 1000 }, clock });
    append(tmp.log, -1n);
    clock.nowMs += 1001;
    append(tmp.log, -1n);
    assert.equal(tmp.log.segmentCount, 2);
  });

  it('enforceRetention rolls an active segment older than segmentMs', () => {
    const clock = new ManualClock(1_000_000);
    tmp.log = openLog(tmp.path, { config: { segmentMs: 60_000 }, clock });
    append(tmp.log, 1_000_000n);
    clock.nowMs += 60_000;
    assert.equal(tmp.log.enforceRetention(), 0);
    assert.equal(tmp.log.segmentCount, 1);
    clock.nowMs += 1;
    assert.equal(tmp.log.enforceRetention(), 0);
    assert.equal(tmp.log.segmentCount, 2);
    assert.equal(tmp.log.logEndOffset, 1n);
  });

  it('rolls when the offset index is full', () => {
    // 24 bytes: 3 offset index entries, 1 time index entry plus the final one.
    tmp.log = openLog(tmp.path, { config: { segmentIndexBytesMax: 24, indexIntervalBytes: 0 } });
    append(tmp.log, 1000n, 10);
    assert.ok(tmp.log.segmentCount > 1);
    assert.deepEqual(batchesIn(readAll(tmp.log)).map((b) => b.baseOffset), [...Array(10).keys()].map(BigInt));
  });
});

describe('retention', () => {
  it('by time deletes whole segments whose newest batch is older than retentionMs', () => {
    const clock = new ManualClock(100_000);
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2, retentionMs: 10_000 }, clock });
    append(tmp.log, 50_000n, 2); // segment 0: offsets 0-1
    append(tmp.log, 80_000n, 2); // segment 2: offsets 2-3
    append(tmp.log, 95_000n, 2); // segment 4: offsets 4-5, active
    assert.equal(tmp.log.enforceRetention(), 2);
    assert.equal(tmp.log.logStartOffset, 4n);
    assert.deepEqual(segmentFiles(), ['00000000000000000004.log']);
    assert.throws(() => tmp.log!.read(3n, { maxBytes: 1000, minOneBatch: true }), OffsetOutOfRange);
    assert.deepEqual(batchesIn(tmp.log.read(4n, { maxBytes: 1000, minOneBatch: true }).chunks).map((b) => b.baseOffset), [4n, 5n]);
  });

  it('by time rolls and deletes an expired active segment, as Kafka does', () => {
    const clock = new ManualClock(100_000);
    tmp.log = openLog(tmp.path, { config: { retentionMs: 1000 }, clock });
    append(tmp.log, 50_000n, 3);
    assert.equal(tmp.log.enforceRetention(), 1);
    assert.equal(tmp.log.logStartOffset, 3n);
    assert.equal(tmp.log.logEndOffset, 3n);
    assert.equal(tmp.log.append(makeBatch({ maxTimestamp: 100_000n }), { leaderEpoch: 0 }).baseOffset, 3n);
  });

  it('by size deletes the oldest segments while the rest still reaches retentionBytes', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2, retentionBytes: BATCH_BYTES * 3 } });
    append(tmp.log, 1000n, 9); // segments 0,2,4,6 full, 8 active with one batch; 9 batches in total
    assert.equal(tmp.log.enforceRetention(), 3);
    assert.equal(tmp.log.logStartOffset, 6n);
    assert.equal(tmp.log.sizeBytes, BATCH_BYTES * 3);
    assert.equal(tmp.log.enforceRetention(), 0);
  });

  it('never deletes the active segment for size', () => {
    tmp.log = openLog(tmp.path, { config: { retentionBytes: 0 } });
    append(tmp.log, 1000n, 5);
    assert.equal(tmp.log.enforceRetention(), 0);
    assert.equal(tmp.log.logStartOffset, 0n);
  });

  it('never deletes segments holding offsets at or above the high watermark', () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2, retentionBytes: 0 } });
    append(tmp.log, 1000n, 6); // segments 0, 2, 4
    assert.equal(tmp.log.enforceRetention({ highWatermark: 3n }), 1);
    assert.equal(tmp.log.logStartOffset, 2n);
    assert.equal(tmp.log.enforceRetention({ highWatermark: 4n }), 1);
    assert.equal(tmp.log.logStartOffset, 4n);
  });

  it('keeps the moved logStartOffset across a reopen', async () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2, retentionBytes: BATCH_BYTES } });
    append(tmp.log, 1000n, 5);
    tmp.log.enforceRetention();
    assert.equal(tmp.log.logStartOffset, 4n);
    await tmp.log.close();
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.logStartOffset, 4n);
    assert.equal(tmp.log.logEndOffset, 5n);
  });
});
