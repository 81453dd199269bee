/**
 * Proves the high watermark checkpoint on real files in a temp dir: Kafka's checkpoint format with
 * one offset, written atomically and only when the value changes, read back at open and clamped
 * to [logStartOffset, logEndOffset] (after a torn tail, a truncation or retention), 0 when absent
 * or malformed, and a value above the log end offset refused as a bug.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvariantError, type PartitionLog } from '../../src/index.js';
import { makeBatch } from '../helpers/batch.js';
import { closeAsIfCrashed, openLog, partitionDir, RecordingLogger, segmentFile, tempLogDirPerTest } from '../helpers/log.js';

const tmp = tempLogDirPerTest();

const BATCH_BYTES = 161; // makeBatch() default: 61-byte header + 100 record bytes

function hwPath(): string {
  return join(partitionDir(tmp.path), 'high-watermark');
}

function appendMany(target: PartitionLog, count: number): void {
  for (let i = 0; i < count; i++) target.append(makeBatch(), { leaderEpoch: 1 });
}

describe('high watermark checkpoint', () => {
  it('is 0 when absent and reads back after a reopen', async () => {
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.checkpointedHighWatermark, 0n);
    appendMany(tmp.log, 10);
    await tmp.log.checkpointHighWatermark(7n);
    assert.equal(readFileSync(hwPath(), 'utf8'), '0\n1\n7\n');
    assert.equal(tmp.log.checkpointedHighWatermark, 7n);
    await closeAsIfCrashed(tmp.log, tmp.path);
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.checkpointedHighWatermark, 7n);
  });

  it('writes nothing when the value is unchanged', async () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 10);
    await tmp.log.checkpointHighWatermark(0n); // absent before, so 0 is a change
    assert.equal(readFileSync(hwPath(), 'utf8'), '0\n1\n0\n');
    await tmp.log.checkpointHighWatermark(5n);
    unlinkSync(hwPath());
    await tmp.log.checkpointHighWatermark(5n);
    assert.equal(existsSync(hwPath()), false, 'unchanged: not rewritten');
    await tmp.log.checkpointHighWatermark(6n);
    assert.equal(readFileSync(hwPath(), 'utf8'), '0\n1\n6\n');
  });

  it('is clamped to the log end offset after a torn tail or a truncation', async () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 10);
    await tmp.log.checkpointHighWatermark(9n);
    await closeAsIfCrashed(tmp.log, tmp.path);
    truncateSync(segmentFile(tmp.path, 0n, 'log'), BATCH_BYTES * 6 + 20);
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.logEndOffset, 6n);
    assert.equal(tmp.log.checkpointedHighWatermark, 6n);
    tmp.log.truncateTo(4n);
    assert.equal(tmp.log.checkpointedHighWatermark, 4n);
  });

  it('is clamped to the log start offset after retention', async () => {
    const config = { segmentBytes: BATCH_BYTES * 2, retentionBytes: BATCH_BYTES * 2 };
    tmp.log = openLog(tmp.path, { config });
    appendMany(tmp.log, 6);
    await tmp.log.checkpointHighWatermark(1n);
    tmp.log.enforceRetention();
    assert.equal(tmp.log.logStartOffset, 4n);
    assert.equal(tmp.log.checkpointedHighWatermark, 4n);
    await tmp.log.close();
    tmp.log = openLog(tmp.path, { config });
    assert.equal(tmp.log.checkpointedHighWatermark, 4n);
  });

  it('reads a malformed file as absent, with a warning', async () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 3);
    await tmp.log.close();
    writeFileSync(hwPath(), '0\n1\n');
    const logger = new RecordingLogger();
    tmp.log = openLog(tmp.path, { logger });
    assert.equal(tmp.log.checkpointedHighWatermark, 0n);
    assert.deepEqual(logger.warnings(), ['malformed high watermark checkpoint ignored']);
  });

  it('refuses a high watermark above the log end offset (a bug in the caller)', () => {
    tmp.log = openLog(tmp.path);
    appendMany(tmp.log, 3);
    assert.throws(() => tmp.log!.checkpointHighWatermark(4n), InvariantError);
  });
});
