/**
 * Storage benchmark: appends 1 KiB records in 16 KiB batches (one batch template, re-stamped in
 * place by every append, as the broker appends a produce request's buffer) until 1 GiB or 10 s,
 * then reads everything back sequentially by offset with 1 MiB reads. Runs twice: with Kafka's
 * default flush policy (never; durability from replication), then fsyncing every N records.
 *
 * Usage: node packages/storage/dist/bench/storage-bench.js [totalMiB=1024] [seconds=10] [flushEveryRecords=16384]
 * Reads come from the page cache (the data was just written), as consumers at the tail do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { BATCH } from '@sluice/protocol';
import { DEFAULT_LOG_CONFIG, PartitionLog, type LogConfig } from '../src/index.js';
import { makeBatch } from '../test/helpers/batch.js';

const RECORD_BYTES = 1024;
const RECORDS_PER_BATCH = 16;
const READ_BYTES_MAX = 1024 * 1024;
/** Appends between yields to the event loop, so background fsyncs complete while appending. */
const APPENDS_PER_YIELD = 64;

interface Figures {
  label: string;
  appendMiBps: number;
  batchesPerSec: number;
  recordsPerSec: number;
  readMiBps: number;
  finalFlushMs: number;
  totalMiB: number;
  segments: number;
}

/** A valid magic-2 batch of `RECORDS_PER_BATCH` opaque 1 KiB records (no record encoding needed to store it). */
function batchTemplate(): Buffer {
  const now = BigInt(Date.now());
  return makeBatch({ recordsCount: RECORDS_PER_BATCH, recordBytes: RECORD_BYTES * RECORDS_PER_BATCH, fill: 0x5a, baseTimestamp: now, maxTimestamp: now });
}

async function appendPhase(log: PartitionLog, opts: { totalBytes: number; seconds: number }): Promise<{ batches: number; ms: number; finalFlushMs: number }> {
  const template = batchTemplate();
  const start = performance.now();
  const deadline = start + opts.seconds * 1000;
  let batches = 0;
  while (batches * template.length < opts.totalBytes && performance.now() < deadline) {
    for (let i = 0; i < APPENDS_PER_YIELD; i++) log.append(template, { leaderEpoch: 0 });
    batches += APPENDS_PER_YIELD;
    await yieldToLoop();
  }
  const appended = performance.now();
  await log.flush(); // Reported separately: the time to make what is left durable.
  return { batches, ms: appended - start, finalFlushMs: performance.now() - appended };
}

function readPhase(log: PartitionLog): { bytes: number; ms: number } {
  const start = performance.now();
  let offset = log.logStartOffset;
  let bytes = 0;
  while (offset < log.logEndOffset) {
    const { chunks, sizeBytes } = log.read(offset, { maxBytes: READ_BYTES_MAX, minOneBatch: true });
    const last = chunks[chunks.length - 1]!;
    let at = 0;
    let lastOffset = offset;
    // Walk to the last batch header for the next offset (what a consumer's position does).
    while (at < last.length) {
      lastOffset = last.readBigInt64BE(at) + BigInt(last.readInt32BE(at + BATCH.LAST_OFFSET_DELTA));
      at += last.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    }
    offset = lastOffset + 1n;
    bytes += sizeBytes;
  }
  return { bytes, ms: performance.now() - start };
}

async function run(label: string, config: LogConfig, opts: { totalBytes: number; seconds: number }): Promise<Figures> {
  const root = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  try {
    const log = PartitionLog.open({ dir: join(root, 'bench-0'), topicId: 'AAAAAAAAAAAAAAAAAAAAAA', config });
    const append = await appendPhase(log, opts);
    const read = readPhase(log);
    const figures = {
      label,
      appendMiBps: (append.batches * (BATCH.HEADER_BYTES + RECORD_BYTES * RECORDS_PER_BATCH)) / 1048576 / (append.ms / 1000),
      batchesPerSec: append.batches / (append.ms / 1000),
      recordsPerSec: (append.batches * RECORDS_PER_BATCH) / (append.ms / 1000),
      readMiBps: read.bytes / 1048576 / (read.ms / 1000),
      finalFlushMs: append.finalFlushMs,
      totalMiB: read.bytes / 1048576,
      segments: log.segmentCount,
    };
    await log.close();
    return figures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function print(f: Figures): void {
  console.log(`${f.label.padEnd(34)} append ${f.appendMiBps.toFixed(0).padStart(5)} MiB/s  ${f.batchesPerSec.toFixed(0).padStart(6)} batches/s  ${(f.recordsPerSec / 1000).toFixed(0).padStart(5)}k records/s | final fsync ${f.finalFlushMs.toFixed(0).padStart(5)} ms | read ${f.readMiBps.toFixed(0).padStart(5)} MiB/s | ${f.totalMiB.toFixed(0)} MiB in ${f.segments} segments`);
}

async function main(): Promise<void> {
  const [totalMiB = 1024, seconds = 10, flushEvery = 16384] = process.argv.slice(2).map(Number);
  const opts = { totalBytes: totalMiB * 1048576, seconds };
  const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 256 * 1048576, retentionMs: -1 };
  console.log(`1 KiB records, ${RECORDS_PER_BATCH} per batch; up to ${totalMiB} MiB or ${seconds} s; 256 MiB segments; reads of ${READ_BYTES_MAX / 1048576} MiB`);
  print(await run('no flush policy (Kafka default)', config, opts));
  print(await run(`flush every ${flushEvery} records`, { ...config, flushIntervalMessages: flushEvery }, opts));
}

await main();
