/**
 * Proves PartitionLog.compact on real partition logs in temp dirs: it keeps the latest record per
 * key with its offset, drops tombstones only after delete.retention.ms, honours the high
 * watermark and min.compaction.lag.ms, never touches the active segment, merges small segments,
 * rewrites gzip and snappy batches with valid CRCs and leaves transactional ones alone, skips a run with
 * nothing new cheaply, and survives a crash after every step of the swap (the files are left as
 * the crash would leave them, then the directory is reopened and recovered).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  BATCH, checkBatch, COMPRESSION_CODEC_MASK, COMPRESSION_CODECS, computeBatchCrc, decodeRecordBatches, encodeRecordBatch, type CompressionName,
} from '@sluice/protocol';
import type { CompactionStep, CompactOptions, PartitionLog } from '../../src/index.js';
import { batchesIn } from '../helpers/batch.js';
import { closeAsIfCrashed, openLog, partitionDir, readAll, segmentFile, tempLogDirPerTest } from '../helpers/log.js';

const tmp = tempLogDirPerTest();

const T0 = 1_000_000n;
const DAY_MS = 86_400_000;
/** About five one-record batches per segment. */
const CONFIG = { segmentBytes: 400, indexIntervalBytes: 0 };

type Entry = [key: string, value: string | null];

/** One batch of keyed records, as a producer sends it. */
function keyedBatch(records: Entry[], opts: { ts?: bigint; compression?: CompressionName; transactional?: boolean } = {}): Buffer {
  const batch = encodeRecordBatch({
    baseTimestamp: opts.ts ?? T0,
    compression: opts.compression === 'zstd' ? 'none' : opts.compression ?? 'none',
    transactional: opts.transactional ?? false,
    records: records.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })),
  });
  return opts.compression === 'zstd' ? zstdByTheTool(batch) : batch;
}

/** The log's first stored batch; compare from BATCH.MAGIC on (the log stamps base offset and leader epoch on append). */
function firstStoredBatch(log: PartitionLog): Buffer {
  const stored = Buffer.concat(readAll(log));
  return stored.subarray(0, BATCH.LOG_OVERHEAD + stored.readInt32BE(BATCH.BATCH_LENGTH));
}

/** The batch with its records section compressed by the zstd command-line tool, as librdkafka would send it. */
function zstdByTheTool(batch: Buffer): Buffer {
  const section = execFileSync('zstd', ['-q', '-c'], { input: batch.subarray(BATCH.HEADER_BYTES) });
  const out = Buffer.concat([batch.subarray(0, BATCH.HEADER_BYTES), section]);
  out.writeInt32BE(out.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  out.writeInt16BE((out.readInt16BE(BATCH.ATTRIBUTES) & ~COMPRESSION_CODEC_MASK) | COMPRESSION_CODECS.indexOf('zstd'), BATCH.ATTRIBUTES);
  out.writeUInt32BE(computeBatchCrc(out), BATCH.CRC);
  return out;
}

/** Appends one single-record batch per entry. */
function produce(log: PartitionLog, entries: Entry[], opts: { ts?: bigint } = {}): void {
  for (const entry of entries) log.append(keyedBatch([entry], opts), { leaderEpoch: 0 });
}

/** Every record in the log as [offset, key, value], checking every batch's CRC on the way. */
function contents(log: PartitionLog): [bigint, string, string | null][] {
  const out: [bigint, string, string | null][] = [];
  for (const chunk of readAll(log)) {
    for (let at = 0; at < chunk.length; ) {
      const size = checkBatch(chunk, at, 1 << 20);
      assert.equal(typeof size, 'number', `batch at ${at}: ${size}`);
      at += size as number;
    }
    for (const batch of decodeRecordBatches(chunk)) {
      for (const r of batch.records) out.push([r.offset, r.key!.toString(), r.value?.toString() ?? null]);
    }
  }
  return out;
}

/** The last record per key of `all` below `end`, plus every record from `end` on, by offset. */
function latestPerKey(all: [bigint, string, string | null][], end: bigint): [bigint, string, string | null][] {
  const last = new Map<string, bigint>();
  for (const [offset, key] of all) if (offset < end) last.set(key, offset);
  return all.filter(([offset, key]) => offset >= end || last.get(key) === offset);
}

function compact(log: PartitionLog, opts: Partial<CompactOptions> = {}): ReturnType<PartitionLog['compact']> {
  return log.compact({ upToOffset: log.logEndOffset, nowMs: Number(T0) + 1000, deleteRetentionMs: DAY_MS, ...opts });
}

/** 60 single-record batches over five keys, about a dozen segments. */
function fiveKeys(log: PartitionLog): void {
  produce(log, Array.from({ length: 60 }, (_, i): Entry => [`k${i % 5}`, `v${i}`]));
}

describe('PartitionLog.compact', () => {
  it('keeps the latest record per key at its offset, merges segments and leaves the active segment alone', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    fiveKeys(tmp.log);
    const before = contents(tmp.log);
    const segmentsBefore = tmp.log.segmentCount;
    const activeBase = batchesIn(readAll(tmp.log)).at(-1)!.baseOffset;
    const activeBytes = readFileSync(segmentFile(tmp.path, activeBaseOf(tmp.path), 'log'));
    const result = await compact(tmp.log);
    assert.equal(result.ran, true);
    assert.equal(result.aborted, false);
    assert.ok(result.cleanableSegments === segmentsBefore - 1, `cleanable ${result.cleanableSegments} of ${segmentsBefore}`);
    assert.ok(result.bytesAfter < result.bytesBefore / 4, `${result.bytesBefore} -> ${result.bytesAfter}`);
    assert.ok(tmp.log.segmentCount < segmentsBefore);
    assert.equal(result.recordsRemoved, before.length - contents(tmp.log).length);
    assert.deepEqual(contents(tmp.log), latestPerKey(before, result.cleanableEndOffset));
    assert.equal(tmp.log.logStartOffset, 0n);
    assert.equal(tmp.log.logEndOffset, 60n);
    assert.ok(activeBase >= result.cleanableEndOffset);
    assert.deepEqual(readFileSync(segmentFile(tmp.path, activeBaseOf(tmp.path), 'log')), activeBytes);
    // The same content after a crash-style reopen (recovery accepts the gaps) and after a clean one.
    const after = contents(tmp.log);
    await closeAsIfCrashed(tmp.log, tmp.path);
    tmp.log = openLog(tmp.path, { config: CONFIG });
    assert.deepEqual(contents(tmp.log), after);
    assert.equal(tmp.log.logEndOffset, 60n);
  });

  it('serves a read at a compacted-away offset from the next batch', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    fiveKeys(tmp.log);
    await compact(tmp.log);
    const kept = contents(tmp.log).map(([offset]) => offset);
    for (let offset = 0n; offset < 60n; offset++) {
      const got: { baseOffset: bigint } | undefined = batchesIn(tmp.log.read(offset, { maxBytes: 1, minOneBatch: true }).chunks)[0];
      assert.equal(got?.baseOffset, kept.find((k) => k >= offset), `read at ${offset}`);
    }
  });

  it('keeps a tombstone for delete.retention.ms after its batch, then removes it', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    produce(tmp.log, [['a', '1'], ['b', '1'], ['a', null], ['b', '2']]);
    produce(tmp.log, Array.from({ length: 12 }, (_, i): Entry => [`x${i % 2}`, `${i}`]));
    const first = await compact(tmp.log);
    assert.equal(first.tombstonesRemoved, 0);
    assert.deepEqual(contents(tmp.log).filter(([, k]) => k === 'a' || k === 'b').map(([o, k, v]) => [o, k, v]), [[2n, 'a', null], [3n, 'b', '2']]);
    const early = await compact(tmp.log, { nowMs: Number(T0) + DAY_MS });
    assert.equal(early.ran, false, 'a tombstone exactly delete.retention.ms old stays, and nothing else is new');
    const late = await compact(tmp.log, { nowMs: Number(T0) + DAY_MS + 1 });
    assert.equal(late.ran, true);
    assert.equal(late.tombstonesRemoved, 1);
    assert.deepEqual(contents(tmp.log).filter(([, k]) => k === 'a' || k === 'b').map(([o, k, v]) => [o, k, v]), [[3n, 'b', '2']]);
  });

  it('keeps an expired tombstone when a batch it cannot read (zstd) lies below it: the deleted key must not come back', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    tmp.log.append(keyedBatch([['a', 'in-zstd']], { compression: 'zstd' }), { leaderEpoch: 0 });
    produce(tmp.log, [['a', null], ['b', '1']]);
    produce(tmp.log, Array.from({ length: 12 }, (_, i): Entry => [`x${i % 2}`, `${i}`]));
    await compact(tmp.log, { nowMs: Number(T0) + 2 * DAY_MS });
    const a = contents(tmp.log).filter(([, k]) => k === 'a').map(([o, , v]) => [o, v]);
    assert.deepEqual(a, [[0n, 'in-zstd'], [1n, null]], 'the zstd value stays, and so does the tombstone that deletes it');
  });

  it('leaves segments younger than min.compaction.lag.ms and offsets at or above the high watermark alone', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    fiveKeys(tmp.log);
    const before = contents(tmp.log);
    const young = await compact(tmp.log, { minCompactionLagMs: 5000 });
    assert.deepEqual({ ran: young.ran, cleanable: young.cleanableSegments }, { ran: false, cleanable: 0 });
    const belowHw = await compact(tmp.log, { upToOffset: 20n });
    assert.ok(belowHw.cleanableEndOffset <= 20n && belowHw.cleanableEndOffset > 0n);
    assert.deepEqual(contents(tmp.log), latestPerKey(before, belowHw.cleanableEndOffset));
    assert.deepEqual(contents(tmp.log).filter(([o]) => o >= 20n), before.filter(([o]) => o >= 20n));
  });

  it('skips a run with nothing new without reading a segment, and picks up new segments later', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    fiveKeys(tmp.log);
    const first = await compact(tmp.log);
    assert.equal(tmp.log.cleanedUpTo, first.cleanableEndOffset);
    assert.ok(existsSync(`${partitionDir(tmp.path)}/cleaner-checkpoint`));
    const started = process.hrtime.bigint();
    const again = await compact(tmp.log);
    const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
    assert.deepEqual({ ran: again.ran, rewritten: again.segmentsRewritten }, { ran: false, rewritten: 0 });
    assert.ok(elapsedUs < 50_000, `no-op run took ${elapsedUs} us`);
    // The checkpoint survives a restart: still nothing to do.
    await tmp.log.close();
    tmp.log = openLog(tmp.path, { config: CONFIG });
    assert.equal((await compact(tmp.log)).ran, false);
    produce(tmp.log, Array.from({ length: 20 }, (_, i): Entry => [`k${i % 5}`, `w${i}`]));
    const all = contents(tmp.log);
    const third = await compact(tmp.log);
    assert.equal(third.ran, true);
    assert.deepEqual(contents(tmp.log), latestPerKey(all, third.cleanableEndOffset));
  });

  for (const compression of ['gzip', 'snappy', 'lz4'] as const) it(`rewrites ${compression} batches with valid CRCs and keeps transactional batches untouched`, async () => {
    tmp.log = openLog(tmp.path, { config: { ...CONFIG, segmentBytes: 600 } });
    tmp.log.append(keyedBatch([['a', '1'], ['b', '1'], ['c', '1']], { compression }), { leaderEpoch: 0 });
    tmp.log.append(keyedBatch([['a', 'txn']], { transactional: true }), { leaderEpoch: 0 });
    for (let i = 0; i < 10; i++) tmp.log.append(keyedBatch([['a', `${i}`], ['b', `${i}`]], { compression }), { leaderEpoch: 0 });
    const before = contents(tmp.log);
    const result = await compact(tmp.log);
    const after = contents(tmp.log);
    assert.ok(result.recordsRemoved > 0);
    assert.ok(after.some(([o, k, v]) => o === 2n && k === 'c' && v === '1'), `c survives inside its rewritten ${compression} batch`);
    assert.ok(after.some(([o, , v]) => o === 3n && v === 'txn'), 'the transactional batch is kept as is');
    const rewritten = decodeRecordBatches(Buffer.concat(readAll(tmp.log)))[0]!;
    assert.deepEqual({ compression: rewritten.compression, base: rewritten.baseOffset, lastDelta: rewritten.lastOffsetDelta, records: rewritten.records.length }, { compression, base: 0n, lastDelta: 2, records: 1 });
    assert.deepEqual(after.filter(([o]) => o >= result.cleanableEndOffset), before.filter(([o]) => o >= result.cleanableEndOffset));
  });

  it('keeps zstd batches (written by the zstd tool) as they are, and compacts the rest', async () => {
    tmp.log = openLog(tmp.path, { config: { ...CONFIG, segmentBytes: 600 } });
    const zstd = keyedBatch([['a', 'z1'], ['b', 'z1']], { compression: 'zstd' });
    tmp.log.append(zstd, { leaderEpoch: 0 });
    for (let i = 0; i < 10; i++) tmp.log.append(keyedBatch([['a', `${i}`], ['b', `${i}`]]), { leaderEpoch: 0 });
    const result = await compact(tmp.log);
    assert.ok(result.recordsRemoved > 0, 'the other batches were compacted');
    const first = firstStoredBatch(tmp.log);
    assert.ok(first.subarray(BATCH.MAGIC).equals(zstd.subarray(BATCH.MAGIC)), 'the zstd batch is kept as it was');
    assert.deepEqual(decodeRecordBatches(first)[0]!.records.map((r) => r.value!.toString()), ['z1', 'z1'], 'and it still decodes');
  });

  it('keeps a batch whose compressed records do not decode as it is, and compacts the rest', async () => {
    tmp.log = openLog(tmp.path, { config: { ...CONFIG, segmentBytes: 600 } });
    // What a client may send: a valid CRC over a "gzip" section that is not gzip (the broker stores it unopened).
    const damaged = keyedBatch([['a', 'bad']]);
    damaged.writeInt16BE(COMPRESSION_CODECS.indexOf('gzip'), BATCH.ATTRIBUTES);
    damaged.writeUInt32BE(computeBatchCrc(damaged), BATCH.CRC);
    tmp.log.append(damaged, { leaderEpoch: 0 });
    for (let i = 0; i < 10; i++) tmp.log.append(keyedBatch([['a', `${i}`], ['b', `${i}`]]), { leaderEpoch: 0 });
    const result = await compact(tmp.log);
    assert.ok(result.recordsRemoved > 0, 'the other batches were compacted');
    assert.ok(firstStoredBatch(tmp.log).subarray(BATCH.MAGIC).equals(damaged.subarray(BATCH.MAGIC)), 'the undecodable batch is kept as it was');
  });

  it('keeps logStartOffset when everything in the first segments is superseded', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    produce(tmp.log, Array.from({ length: 40 }, (_, i): Entry => ['only', `${i}`]));
    await compact(tmp.log);
    assert.equal(tmp.log.logStartOffset, 0n);
    const kept = contents(tmp.log).filter(([o]) => o < 35n);
    assert.ok(kept.length <= 1, `one record of the key at most below the active segment, got ${kept.length}`);
    await closeAsIfCrashed(tmp.log, tmp.path);
    tmp.log = openLog(tmp.path, { config: { ...CONFIG, retentionMs: DAY_MS } });
    assert.equal(tmp.log.logStartOffset, 0n);
    assert.equal(tmp.log.logEndOffset, 40n);
    // compact,delete: the empty first segment does not hold retention up (the records are from 1970).
    assert.ok(tmp.log.enforceRetention({ highWatermark: 40n }) >= 2);
    assert.ok(tmp.log.logStartOffset > 0n);
  });
});

describe('PartitionLog.compact with a log that changes or a small map', () => {
  for (const change of ['truncation', 'retention', 'close'] as const) {
    it(`aborts and discards its output on ${change} during the run`, async () => {
      tmp.log = openLog(tmp.path, { config: { ...CONFIG, retentionBytes: 2000 } });
      fiveKeys(tmp.log);
      const before = contents(tmp.log);
      // The run reads its first segment synchronously, then yields: the change lands there.
      const run = compact(tmp.log);
      if (change === 'truncation') tmp.log.truncateTo(58n);
      if (change === 'retention') assert.ok(tmp.log.enforceRetention({ highWatermark: 60n }) > 0);
      if (change === 'close') await tmp.log.close();
      const result = await run;
      assert.deepEqual({ ran: result.ran, aborted: result.aborted, rewritten: result.segmentsRewritten }, { ran: true, aborted: true, rewritten: 0 });
      assert.deepEqual(readdirSync(partitionDir(tmp.path)).filter((n) => /\.(cleaned|swap)$|cleaner-swap/.test(n)), []);
      if (change === 'close') tmp.log = openLog(tmp.path, { config: CONFIG });
      const start = tmp.log.logStartOffset;
      const expected = before.filter(([o]) => o >= start && (change !== 'truncation' || o < 58n));
      assert.deepEqual(contents(tmp.log), expected);
    });
  }

  it('ends the cleanable range where the offset map fills', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    produce(tmp.log, Array.from({ length: 40 }, (_, i): Entry => [`u${i}`, `${i}`]));
    const before = contents(tmp.log);
    const full = await compact(tmp.log, { offsetMapKeysMax: 2 });
    assert.deepEqual({ ran: full.ran, aborted: full.aborted }, { ran: true, aborted: true }, 'the first segment alone does not fit');
    const partial = await compact(tmp.log, { offsetMapKeysMax: 12 });
    assert.equal(partial.aborted, false);
    assert.ok(partial.cleanableEndOffset > 0n && partial.cleanableEndOffset <= 12n, `cleanable end ${partial.cleanableEndOffset}`);
    assert.equal(tmp.log.cleanedUpTo, partial.cleanableEndOffset);
    assert.deepEqual(contents(tmp.log), before);
  });

  it('replicates to a follower that fetches across the gaps, byte for byte', async () => {
    tmp.log = openLog(tmp.path, { config: CONFIG });
    fiveKeys(tmp.log);
    await compact(tmp.log);
    const follower = openLog(`${tmp.path}/follower`, { config: CONFIG });
    try {
      follower.appendAsFollower(Buffer.concat(tmp.log.read(0n, { maxBytes: 1, minOneBatch: true }).chunks), follower.logEndOffset);
      while (follower.logEndOffset < tmp.log.logEndOffset) {
        follower.appendAsFollower(Buffer.concat(tmp.log.read(follower.logEndOffset, { maxBytes: 300, minOneBatch: true }).chunks), follower.logEndOffset);
      }
      assert.deepEqual(Buffer.concat(readAll(follower)), Buffer.concat(readAll(tmp.log)));
      assert.equal(follower.logEndOffset, 60n);
    } finally {
      await follower.close();
    }
  });
});

describe('PartitionLog.compact after a crash', () => {
  // The run rewrites six segments into two: 18 renames of old files to `.deleted`, then 6 of `.swap` files into place.
  const steps: (CompactionStep | number)[] = ['cleaned-written', 'swap-renamed', 'manifest-written', ...Array.from({ length: 24 }, (_, i) => i + 1), 'swapped-in'];
  for (const step of steps) {
    it(`recovers a whole log after a crash at ${typeof step === 'number' ? `rename ${step} of the swap` : step}`, async () => {
      tmp.log = openLog(tmp.path, { config: CONFIG });
      produce(tmp.log, [['a', '1'], ['z', '1'], ['a', null]]);
      produce(tmp.log, Array.from({ length: 30 }, (_, i): Entry => [`k${i % 3}`, `v${i}`]));
      const before = contents(tmp.log);
      await tmp.log.flush(); // Background checkpoint writes of the abandoned object must not race the reopened log's.
      const crashed = await compact(tmp.log, { crashAfter: step, nowMs: Number(T0) + 2 * DAY_MS });
      assert.deepEqual({ ran: crashed.ran, stopped: crashed.aborted, rewritten: crashed.cleanableSegments }, { ran: true, stopped: true, rewritten: 6 });
      tmp.log = openLog(tmp.path, { config: CONFIG });
      const end = crashed.cleanableEndOffset;
      const compacted = latestPerKey(before, end).filter(([, k, v]) => !(k === 'a' && v === null));
      const recovered = contents(tmp.log);
      assert.ok(equal(recovered, before) || equal(recovered, compacted), `after ${step}: neither the old log nor the compacted one`);
      const tombstoneKept = recovered.some(([, k, v]) => k === 'a' && v === null);
      assert.ok(tombstoneKept || !recovered.some(([, k]) => k === 'a'), 'the deleted value never comes back without its tombstone');
      assert.equal(tmp.log.logEndOffset, 33n);
      assert.deepEqual(readdirSync(partitionDir(tmp.path)).filter((n) => /\.(cleaned|swap|deleted)$|cleaner-swap/.test(n)), []);
      await compact(tmp.log, { nowMs: Number(T0) + 2 * DAY_MS });
      assert.deepEqual(contents(tmp.log), compacted);
    });
  }
});

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(b, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Base offset of the newest segment file in the test partition. */
function activeBaseOf(dir: string): bigint {
  const bases = readdirSync(partitionDir(dir)).filter((n) => n.endsWith('.log')).map((n) => BigInt(n.slice(0, 20)));
  return bases.reduce((a, b) => (b > a ? b : a));
}
