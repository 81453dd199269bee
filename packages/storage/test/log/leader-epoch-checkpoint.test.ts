/**
 * Proves the leader-epoch-checkpoint file on real files in a temp dir: Kafka's text format round
 * trips and anything else is reported as malformed; the partition log rewrites it (atomically,
 * through a fsynced temp file) whenever the cache changes; a torn or unwritable temp file never
 * replaces the good file; and an open repairs the cache from batch headers when the file is
 * missing, malformed, stale after a torn tail, or missing an epoch the log has.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StorageFailure, type LogConfig, type PartitionLog } from '../../src/index.js';
import { formatLeaderEpochCheckpoint, parseLeaderEpochCheckpoint, readLeaderEpochCheckpoint, writeLeaderEpochCheckpoint } from '../../src/log/leader-epoch-checkpoint.js';
import { makeBatch } from '../helpers/batch.js';
import { closeAsIfCrashed, openLog, partitionDir, RecordingLogger, segmentFile, tempLogDirPerTest } from '../helpers/log.js';

const tmp = tempLogDirPerTest();

const BATCH_BYTES = 161; // makeBatch() default: 61-byte header + 100 record bytes

function checkpointPath(): string {
  return join(partitionDir(tmp.path), 'leader-epoch-checkpoint');
}

function checkpointText(): string {
  return readFileSync(checkpointPath(), 'utf8');
}

/** Appends one single-record batch per epoch in `epochs`. */
function appendEpochs(target: PartitionLog, epochs: number[]): void {
  for (const leaderEpoch of epochs) target.append(makeBatch(), { leaderEpoch });
}

function pairs(target: PartitionLog): [number, bigint][] {
  return target.leaderEpochs.map((e) => [e.epoch, e.startOffset]);
}

describe('format', () => {
  it('writes Kafka LeaderEpochCheckpointFile text and reads it back', () => {
    const entries = [{ epoch: 0, startOffset: 0n }, { epoch: 3, startOffset: 120n }, { epoch: 2147483647, startOffset: 9007199254740993n }];
    const text = formatLeaderEpochCheckpoint(entries);
    assert.equal(text, '0\n3\n0 0\n3 120\n2147483647 9007199254740993\n');
    assert.deepEqual(parseLeaderEpochCheckpoint(text), entries);
    assert.deepEqual(parseLeaderEpochCheckpoint('0\n0\n'), []);
    assert.deepEqual(parseLeaderEpochCheckpoint('0\n1\n5 7'), [{ epoch: 5, startOffset: 7n }]);
  });

  const malformed: [string, string][] = [
    ['empty file (a torn write)', ''],
    ['another version', '1\n0\n'],
    ['count larger than the lines', '0\n2\n1 0\n'],
    ['count smaller than the lines', '0\n1\n1 0\n2 5\n'],
    ['a line with one field', '0\n1\n1\n'],
    ['a line with text', '0\n1\n1 x\n'],
    ['two spaces', '0\n1\n1  0\n'],
    ['epochs that do not increase', '0\n2\n2 0\n2 5\n'],
    ['offsets that do not increase', '0\n2\n1 5\n2 5\n'],
    ['a negative epoch', '0\n1\n-1 0\n'],
    ['an epoch past int32', '0\n1\n2147483648 0\n'],
  ];
  for (const [name, text] of malformed) {
    it(`reports ${name} as malformed`, () => {
      const parsed = parseLeaderEpochCheckpoint(text);
      assert.ok(!Array.isArray(parsed), JSON.stringify(parsed));
    });
  }

  it('replaces the file through a temp file and reads missing as missing', async () => {
    const dir = tmp.path;
    assert.deepEqual(readLeaderEpochCheckpoint(dir), { kind: 'missing' });
    await writeLeaderEpochCheckpoint(dir, [{ epoch: 1, startOffset: 0n }]);
    await writeLeaderEpochCheckpoint(dir, [{ epoch: 1, startOffset: 0n }, { epoch: 2, startOffset: 4n }]);
    assert.deepEqual(readLeaderEpochCheckpoint(dir), { kind: 'ok', value: [{ epoch: 1, startOffset: 0n }, { epoch: 2, startOffset: 4n }] });
    assert.equal(existsSync(join(dir, 'leader-epoch-checkpoint.tmp')), false);
  });
});

describe('the partition log keeps the file in step', () => {
  it('a new log writes an empty checkpoint; each new epoch rewrites it once flushed', async () => {
    tmp.log = openLog(tmp.path);
    await tmp.log.flush();
    assert.equal(checkpointText(), '0\n0\n');
    appendEpochs(tmp.log, [1, 1, 3, 3, 2, 3]);
    await tmp.log.flush();
    assert.equal(checkpointText(), '0\n2\n1 0\n3 2\n');
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [3, 2n]]);
  });

  it('round trips through a clean close and reopen', async () => {
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2 } });
    appendEpochs(tmp.log, [1, 2, 2, 2, 5, 7, 7]);
    await tmp.log.close();
    const logger = new RecordingLogger();
    tmp.log = openLog(tmp.path, { config: { segmentBytes: BATCH_BYTES * 2 }, logger });
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [2, 1n], [5, 4n], [7, 5n]]);
    assert.equal(tmp.log.latestEpoch, 7);
    assert.equal(tmp.log.lastBatchEpoch, 7);
    assert.deepEqual(logger.warnings(), []);
  });

  it('a torn temp file left by a crash never replaces the good file, and is deleted', async () => {
    tmp.log = openLog(tmp.path);
    appendEpochs(tmp.log, [1, 2]);
    await closeAsIfCrashed(tmp.log, tmp.path);
    writeFileSync(`${checkpointPath()}.tmp`, '0\n3\n1 0\n2 1\n9 '); // the next write, cut short
    const logger = new RecordingLogger();
    tmp.log = openLog(tmp.path, { logger });
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [2, 1n]]);
    assert.equal(checkpointText(), '0\n2\n1 0\n2 1\n');
    assert.equal(existsSync(`${checkpointPath()}.tmp`), false);
    assert.deepEqual(logger.warnings(), []);
  });

  it('a temp file that cannot be written leaves the good file alone and stops the log', async () => {
    tmp.log = openLog(tmp.path);
    appendEpochs(tmp.log, [1]);
    await tmp.log.flush();
    mkdirSync(`${checkpointPath()}.tmp`); // opening the temp file for writing now fails (EISDIR)
    appendEpochs(tmp.log, [2]);
    await assert.rejects(tmp.log.flush(), StorageFailure);
    assert.equal(checkpointText(), '0\n1\n1 0\n');
    assert.throws(() => appendEpochs(tmp.log!, [2]), StorageFailure);
    await assert.rejects(tmp.log.close(), StorageFailure);
    rmdirSync(`${checkpointPath()}.tmp`);
    // The batch of epoch 2 was written before the checkpoint failed; the reopen finds it.
    tmp.log = openLog(tmp.path);
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [2, 1n]]);
  });
});

describe('repair at open', () => {
  const config: Partial<LogConfig> = { segmentBytes: BATCH_BYTES * 3 };
  const epochs = [1, 1, 2, 2, 2, 4, 4, 6, 6, 6]; // segments at 0, 3, 6, 9
  const expected: [number, bigint][] = [[1, 0n], [2, 2n], [4, 5n], [6, 7n]];

  it('rebuilds a missing checkpoint from the whole log after a crash', async () => {
    const target = openLog(tmp.path, { config });
    appendEpochs(target, epochs);
    await target.flush(); // the recovery point moves up, so the reopen rescans only the active segment
    await closeAsIfCrashed(target, tmp.path);
    unlinkSync(checkpointPath());
    tmp.log = openLog(tmp.path, { config });
    assert.deepEqual(pairs(tmp.log), expected);
    await tmp.log.flush();
    assert.equal(checkpointText(), '0\n4\n1 0\n2 2\n4 5\n6 7\n');
  });

  it('rebuilds a missing checkpoint after a clean shutdown too (an upgrade from a version without one)', async () => {
    const target = openLog(tmp.path, { config });
    appendEpochs(target, epochs);
    await target.close();
    unlinkSync(checkpointPath());
    tmp.log = openLog(tmp.path, { config });
    assert.deepEqual(pairs(tmp.log), expected);
  });

  it('rebuilds a malformed checkpoint, with a warning', async () => {
    const target = openLog(tmp.path, { config });
    appendEpochs(target, epochs);
    await target.close();
    writeFileSync(checkpointPath(), '0\n4\n1 0\n2 2\n');
    const logger = new RecordingLogger();
    tmp.log = openLog(tmp.path, { config, logger });
    assert.deepEqual(pairs(tmp.log), expected);
    assert.deepEqual(logger.warnings(), ['malformed leader epoch checkpoint, rebuilding it']);
  });

  /** Makes the files look as after a crash before any roll's fsync finished: recovery rescans from segment `base`. */
  function setRecoveryPoint(base: bigint): void {
    writeFileSync(join(partitionDir(tmp.path), 'recovery-point'), `version: 0\noffset: ${base}\n`);
  }

  it('drops entries past a torn tail', async () => {
    const target = openLog(tmp.path, { config });
    appendEpochs(target, epochs);
    await closeAsIfCrashed(target, tmp.path);
    setRecoveryPoint(0n);
    truncateSync(segmentFile(tmp.path, 6n, 'log'), BATCH_BYTES + 50); // keeps offset 6 (epoch 4), cuts 7 and drops segment 9
    tmp.log = openLog(tmp.path, { config });
    assert.equal(tmp.log.logEndOffset, 7n);
    assert.deepEqual(pairs(tmp.log), [[1, 0n], [2, 2n], [4, 5n]]);
    assert.equal(tmp.log.lastBatchEpoch, 4);
    await tmp.log.flush();
    assert.equal(checkpointText(), '0\n3\n1 0\n2 2\n4 5\n');
  });

  it('trusts the checkpoint below the recovery point and re-derives the rescanned segments from their batches', async () => {
    const target = openLog(tmp.path, { config });
    appendEpochs(target, epochs);
    await closeAsIfCrashed(target, tmp.path);
    setRecoveryPoint(3n);
    // A checkpoint from another history of the tail: epoch 5 at 6 instead of 4 at 5 and 6 at 7.
    writeFileSync(checkpointPath(), '0\n3\n1 0\n2 2\n5 6\n');
    tmp.log = openLog(tmp.path, { config });
    assert.deepEqual(pairs(tmp.log), expected);
  });

  it('rebuilds when a clean shutdown left a checkpoint missing the last epoch', async () => {
    const target = openLog(tmp.path, { config });
    appendEpochs(target, epochs);
    await target.close();
    writeFileSync(checkpointPath(), '0\n3\n1 0\n2 2\n4 5\n');
    const logger = new RecordingLogger();
    tmp.log = openLog(tmp.path, { config, logger });
    assert.deepEqual(pairs(tmp.log), expected);
    assert.deepEqual(logger.warnings(), ['leader epoch checkpoint disagrees with the log, rebuilding it']);
  });
});
