/**
 * Proves crash recovery on real files: after an unclean shutdown (all data written, no
 * clean-shutdown marker), cutting the last .log at every byte inside its last batch, or at 50
 * seeded random positions, reopens to exactly the batches wholly before the cut, with the right
 * logEndOffset and appends continuing after it; flipped bytes drop the bad batch and everything
 * after; missing, torn or garbage index files are rebuilt byte-identical; stray files are removed;
 * a directory without the right topic id is refused.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InconsistentTopicId, type LogConfig } from '../../src/index.js';
import { batchesIn, makeBatch, seededRandom } from '../helpers/batch.js';
import { closeAsIfCrashed, ManualClock, openLog, partitionDir, readAll, RecordingLogger, segmentFile, tempLogDirPerTest } from '../helpers/log.js';

const tmp = tempLogDirPerTest();

interface Written {
  /** [start, end) byte range of each batch in the first segment file, and its offsets. */
  batches: { start: number; end: number; baseOffset: bigint; lastOffset: bigint }[];
  logBytes: Buffer;
}

/** Appends batches of the given record sizes (and 1-3 records each) to a fresh log, then "crashes". */
async function writeLog(recordBytes: number[], config: Partial<LogConfig> = {}): Promise<Written> {
  const target = openLog(tmp.path, { config });
  const batches: Written['batches'] = [];
  let position = 0;
  recordBytes.forEach((bytes, i) => {
    const batch = makeBatch({ recordBytes: bytes, recordsCount: 1 + (i % 3), fill: i % 256, maxTimestamp: 1000n + BigInt(i) });
    const { baseOffset, lastOffset } = target.append(batch, { leaderEpoch: 1 });
    batches.push({ start: position, end: position + batch.length, baseOffset, lastOffset });
    position += batch.length;
  });
  await closeAsIfCrashed(target, tmp.path);
  return { batches, logBytes: readFileSync(segmentFile(tmp.path, 0n, 'log')) };
}

/** Reopens after cutting the log at `cut` and checks the result is exactly the whole batches before it. */
async function checkCut(written: Written, cut: number, config: Partial<LogConfig> = {}): Promise<void> {
  writeFileSync(segmentFile(tmp.path, 0n, 'log'), written.logBytes.subarray(0, cut));
  const logger = new RecordingLogger();
  const reopened = openLog(tmp.path, { config, logger });
  try {
    const kept = written.batches.filter((b) => b.end <= cut);
    const keptBytes = kept.length ? kept[kept.length - 1]!.end : 0;
    const expectedEnd = kept.length ? kept[kept.length - 1]!.lastOffset + 1n : 0n;
    assert.equal(reopened.logEndOffset, expectedEnd, `cut ${cut}`);
    assert.deepEqual(Buffer.concat(readAll(reopened)), written.logBytes.subarray(0, keptBytes), `cut ${cut}`);
    assert.equal(readFileSync(segmentFile(tmp.path, 0n, 'log')).length, keptBytes, `cut ${cut}: file truncated`);
    if (cut > keptBytes) assert.ok(logger.warnings().includes('truncating segment at bad batch'), `cut ${cut}: warned`);
    const next = reopened.append(makeBatch({ fill: 0xee }), { leaderEpoch: 2 });
    assert.equal(next.baseOffset, expectedEnd);
    assert.equal(batchesIn(reopened.read(expectedEnd, { maxBytes: 1, minOneBatch: true }).chunks)[0]!.fill, 0xee);
  } finally {
    await reopened.close();
  }
}

describe('torn tail', () => {
  it('cut at every byte inside the last batch keeps exactly the batches before it', async () => {
    const config = { indexIntervalBytes: 150 };
    const written = await writeLog([90, 150, 40, 200, 120, 80], config);
    const last = written.batches[written.batches.length - 1]!;
    for (let cut = last.start; cut < last.end; cut++) await checkCut(written, cut, config);
  });

  it('cut at 50 seeded random positions across the file keeps exactly the batches before it', async () => {
    const random = seededRandom(0x5eed);
    const sizes = Array.from({ length: 60 }, () => Math.floor(random() * 400));
    const config = { indexIntervalBytes: 500 };
    const written = await writeLog(sizes, config);
    for (let i = 0; i < 50; i++) await checkCut(written, Math.floor(random() * (written.logBytes.length + 1)), config);
  });

  it('a cut in the last of several segments keeps the earlier segments', async () => {
    const config = { segmentBytes: 161 * 3 };
    const target = openLog(tmp.path, { config });
    for (let i = 0; i < 8; i++) target.append(makeBatch(), { leaderEpoch: 0 });
    await closeAsIfCrashed(target, tmp.path);
    truncateSync(segmentFile(tmp.path, 6n, 'log'), 161 + 80);
    tmp.log = openLog(tmp.path, { config });
    assert.equal(tmp.log.logEndOffset, 7n);
    assert.equal(tmp.log.segmentCount, 3);
  });
});

describe('corruption', () => {
  it('a flipped byte in the last batch drops that batch', async () => {
    const written = await writeLog([100, 100, 100, 100]);
    const bytes = Buffer.from(written.logBytes);
    bytes[written.batches[3]!.start + 70]! ^= 0x01;
    writeFileSync(segmentFile(tmp.path, 0n, 'log'), bytes);
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.logEndOffset, written.batches[2]!.lastOffset + 1n);
  });

  it('a flipped byte in an earlier batch drops it and everything after', async () => {
    const written = await writeLog([100, 100, 100, 100, 100]);
    for (const field of [17 /* crc */, 23 /* lastOffsetDelta */, 40 /* maxTimestamp */, 100 /* records */]) {
      const bytes = Buffer.from(written.logBytes);
      bytes[written.batches[1]!.start + field]! ^= 0x80;
      writeFileSync(segmentFile(tmp.path, 0n, 'log'), bytes);
      const logger = new RecordingLogger();
      const reopened = openLog(tmp.path, { logger });
      assert.equal(reopened.logEndOffset, written.batches[0]!.lastOffset + 1n, `field ${field}`);
      assert.ok(logger.warnings().includes('truncating segment at bad batch'));
      await closeAsIfCrashed(reopened, tmp.path);
    }
  });

  // A base offset jumping forward cannot be told from a gap compaction left (Kafka accepts it too).
  it('a base offset that goes back is cut there (the CRC does not cover it)', async () => {
    const written = await writeLog([100, 100, 100]);
    const bytes = Buffer.from(written.logBytes);
    bytes.writeBigInt64BE(written.batches[0]!.lastOffset, written.batches[1]!.start);
    writeFileSync(segmentFile(tmp.path, 0n, 'log'), bytes);
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.logEndOffset, written.batches[0]!.lastOffset + 1n);
  });

  it('a bad batch in an unflushed middle segment deletes the later segments', async () => {
    const config = { segmentBytes: 161 * 2 };
    const target = openLog(tmp.path, { config });
    for (let i = 0; i < 6; i++) target.append(makeBatch(), { leaderEpoch: 0 });
    await closeAsIfCrashed(target, tmp.path);
    unlinkSync(join(partitionDir(tmp.path), 'recovery-point')); // nothing known durable: scan every segment
    const middle = segmentFile(tmp.path, 2n, 'log');
    const bytes = readFileSync(middle);
    bytes[161 + 100]! ^= 0xff;
    writeFileSync(middle, bytes);
    const logger = new RecordingLogger();
    tmp.log = openLog(tmp.path, { config, logger });
    assert.equal(tmp.log.logEndOffset, 3n);
    assert.equal(tmp.log.segmentCount, 2);
    assert.equal(existsSync(segmentFile(tmp.path, 4n, 'log')), false);
    assert.ok(logger.warnings().includes('deleting segment after a truncated one'));
  });

  it('a clean-shutdown marker that does not match the active segment size is ignored', async () => {
    const target = openLog(tmp.path);
    for (let i = 0; i < 3; i++) target.append(makeBatch(), { leaderEpoch: 0 });
    await target.close();
    const path = segmentFile(tmp.path, 0n, 'log');
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.alloc(500, 0)]));
    tmp.log = openLog(tmp.path);
    assert.equal(tmp.log.logEndOffset, 3n);
    assert.equal(readFileSync(path).length, 161 * 3);
  });
});

describe('indexes', () => {
  const config = { segmentBytes: 161 * 10, indexIntervalBytes: 200 };

  /** Writes 25 batches (three segments), closes cleanly, returns the index files' bytes. */
  async function writeIndexed(): Promise<Map<string, Buffer>> {
    const target = openLog(tmp.path, { config });
    for (let i = 0; i < 25; i++) target.append(makeBatch({ maxTimestamp: 1000n + BigInt(i) }), { leaderEpoch: 0 });
    await target.close();
    const files = new Map<string, Buffer>();
    for (const base of [0n, 10n, 20n]) {
      for (const ext of ['index', 'timeindex'] as const) files.set(segmentFile(tmp.path, base, ext), readFileSync(segmentFile(tmp.path, base, ext)));
    }
    return files;
  }

  async function assertRebuilt(original: Map<string, Buffer>): Promise<void> {
    tmp.log = openLog(tmp.path, { config });
    assert.equal(tmp.log.logEndOffset, 25n);
    assert.deepEqual(batchesIn(tmp.log.read(13n, { maxBytes: 1, minOneBatch: true }).chunks)[0]!.baseOffset, 13n);
    assert.deepEqual(tmp.log.offsetForTimestamp(1017n), { offset: 17n, timestamp: 1017n });
    await tmp.log.close();
    tmp.log = null;
    for (const [path, bytes] of original) assert.deepEqual(readFileSync(path), bytes, path);
  }

  it('deleted index files are rebuilt identical', async () => {
    const original = await writeIndexed();
    for (const path of original.keys()) unlinkSync(path);
    await assertRebuilt(original);
  });

  it('torn index files are rebuilt identical', async () => {
    const original = await writeIndexed();
    for (const [path, bytes] of original) writeFileSync(path, Buffer.concat([bytes, Buffer.from([1, 2, 3])]));
    await assertRebuilt(original);
  });

  it('index entries pointing past the log end are rebuilt', async () => {
    const original = await writeIndexed();
    const bogus = Buffer.alloc(16);
    bogus.writeInt32BE(1, 0);
    bogus.writeInt32BE(100, 4);
    bogus.writeInt32BE(2, 8);
    bogus.writeInt32BE(1 << 30, 12);
    writeFileSync(segmentFile(tmp.path, 10n, 'index'), bogus);
    const bogusTime = Buffer.alloc(12);
    bogusTime.writeBigInt64BE(5n, 0);
    bogusTime.writeInt32BE(999, 8);
    writeFileSync(segmentFile(tmp.path, 0n, 'timeindex'), bogusTime);
    await assertRebuilt(original);
  });

  it('a crash with indexes lagging the log rebuilds the active segment index', async () => {
    const original = await writeIndexed();
    unlinkSync(join(partitionDir(tmp.path), 'clean-shutdown'));
    writeFileSync(segmentFile(tmp.path, 20n, 'index'), Buffer.alloc(0));
    await assertRebuilt(original);
  });
});

describe('directory hygiene', () => {
  it('deletes orphan indexes, leftovers and empty segments, and leaves unknown files alone', async () => {
    const config = { segmentBytes: 161 * 2 };
    const target = openLog(tmp.path, { config });
    for (let i = 0; i < 5; i++) target.append(makeBatch(), { leaderEpoch: 0 });
    await target.close();
    const dir = partitionDir(tmp.path);
    const stray = ['00000000000000000100.index', '00000000000000000100.timeindex', '00000000000000000000.log.deleted', 'partition.metadata.tmp'];
    for (const name of stray) writeFileSync(join(dir, name), 'x');
    writeFileSync(join(dir, '00000000000000000001.log'), Buffer.alloc(0));
    writeFileSync(join(dir, 'notes.txt'), 'operator notes');
    const logger = new RecordingLogger();
    tmp.log = openLog(tmp.path, { config, logger });
    for (const name of [...stray, '00000000000000000001.log']) assert.equal(existsSync(join(dir, name)), false, name);
    assert.equal(existsSync(join(dir, 'notes.txt')), true);
    assert.ok(logger.warnings().includes('unknown file in partition directory left alone'));
    assert.equal(tmp.log.logEndOffset, 5n);
    assert.deepEqual(batchesIn(readAll(tmp.log)).map((b) => b.baseOffset), [0n, 1n, 2n, 3n, 4n]);
    assert.equal(existsSync(join(dir, 'clean-shutdown')), false, 'marker removed while open');
  });

  it('refuses segments without partition.metadata', async () => {
    const target = openLog(tmp.path);
    target.append(makeBatch(), { leaderEpoch: 0 });
    await target.close();
    unlinkSync(join(partitionDir(tmp.path), 'partition.metadata'));
    assert.throws(() => openLog(tmp.path), InconsistentTopicId);
  });
});

describe('recovery point', () => {
  it('follows rolled segments once fsynced, and bounds what an unclean open rescans', async () => {
    const config = { segmentBytes: 161 * 2 };
    const target = openLog(tmp.path, { config });
    for (let i = 0; i < 5; i++) target.append(makeBatch(), { leaderEpoch: 0 });
    await target.flush();
    assert.equal(readFileSync(join(partitionDir(tmp.path), 'recovery-point'), 'utf8'), 'version: 0\noffset: 4\n');
    await closeAsIfCrashed(target, tmp.path);
    // A flipped byte below the recovery point is not looked at (that segment was fsynced and its
    // indexes agree); the same flip in the unflushed active segment is found.
    const old = segmentFile(tmp.path, 0n, 'log');
    const bytes = readFileSync(old);
    bytes[100]! ^= 0xff;
    writeFileSync(old, bytes);
    const active = segmentFile(tmp.path, 4n, 'log');
    const activeBytes = readFileSync(active);
    activeBytes[100]! ^= 0xff;
    writeFileSync(active, activeBytes);
    tmp.log = openLog(tmp.path, { config });
    assert.equal(tmp.log.logStartOffset, 0n);
    assert.equal(tmp.log.logEndOffset, 4n);
  });

  it('rolls by wall-clock age after a reopen, from the first batch timestamp', async () => {
    const clock = new ManualClock(1_000_000);
    const config = { segmentMs: 10_000 };
    const target = openLog(tmp.path, { config, clock });
    target.append(makeBatch({ maxTimestamp: 995_000n }), { leaderEpoch: 0 });
    await target.close();
    tmp.log = openLog(tmp.path, { config, clock });
    clock.nowMs = 1_004_000;
    tmp.log.enforceRetention();
    assert.equal(tmp.log.segmentCount, 1);
    clock.nowMs = 1_005_001;
    tmp.log.enforceRetention();
    assert.equal(tmp.log.segmentCount, 2);
  });
});
