/**
 * Proves the broker's log cleaner on real partition logs in temp dirs (and, for scheduling, on
 * stand-in logs whose compact calls the test resolves by hand): a pass compacts exactly the
 * replicas whose topic has compact in its cleanup.policy, below each one's high watermark; passes
 * and compact calls never overlap; a failing log is logged and the others are still cleaned; a
 * run that rewrote segments is logged; stop lets the pass in progress finish and starts no other.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { encodeRecordBatch } from '@sluice/protocol';
import { DEFAULT_LOG_CONFIG, PartitionLog, type CompactionResult, type CompactOptions } from '@sluice/storage';
import { tempDir } from '@sluice/testkit';
import type { Logger } from '../../src/logger.js';
import { LogCleaner, type CleanablePartition, type CompactionPolicy } from '../../src/log/log-cleaner.js';

const dirs: { remove(): void }[] = [];
const logs: PartitionLog[] = [];
afterEach(async () => {
  await Promise.all(logs.splice(0).map((l) => l.close()));
  for (const d of dirs.splice(0)) d.remove();
});

/** A log of 1 KiB segments holding 200 one-record batches over 4 keys. */
function keyedLog(): PartitionLog {
  const dir = tempDir('sluice-cleaner-');
  dirs.push(dir);
  const log = PartitionLog.open({ dir: `${dir.path}/t-0`, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 1024 } });
  logs.push(log);
  for (let i = 0; i < 200; i++) {
    log.append(encodeRecordBatch({ records: [{ key: Buffer.from(`k${i % 4}`), value: Buffer.from(`v${i}`) }] }), { leaderEpoch: 0 });
  }
  return log;
}

function captureLogger(): { logger: Logger; lines: { msg: string; [k: string]: unknown }[] } {
  const lines: { msg: string }[] = [];
  const logger = pino<never>({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
  return { logger, lines };
}

const COMPACT: CompactionPolicy = { deleteRetentionMs: 86_400_000, minCompactionLagMs: 0 };

describe('LogCleaner', () => {
  it('compacts the replicas of compacted topics below their high watermark and leaves the others alone', async () => {
    const compacted = keyedLog();
    const kept = keyedLog();
    const both = keyedLog();
    const { logger, lines } = captureLogger();
    const partitions: CleanablePartition[] = [
      { topicName: 'compact', index: 0, highWatermark: 100n, log: compacted },
      { topicName: 'delete', index: 0, highWatermark: 200n, log: kept },
      { topicName: 'compact-delete', index: 0, highWatermark: 200n, log: both },
    ];
    const cleaner = new LogCleaner({
      partitions: () => partitions, policyFor: (t) => (t.startsWith('compact') ? COMPACT : null),
      backoffMs: 60_000, now: () => Date.now() + 1000, logger,
    });
    const [sizeCompacted, sizeKept, sizeBoth] = [compacted.sizeBytes, kept.sizeBytes, both.sizeBytes];
    await cleaner.runOnce();
    assert.ok(compacted.sizeBytes < sizeCompacted);
    assert.ok(compacted.cleanedUpTo <= 100n && compacted.cleanedUpTo > 0n, `cleaned up to ${compacted.cleanedUpTo}`);
    assert.equal(kept.sizeBytes, sizeKept);
    assert.ok(both.sizeBytes < sizeBoth / 4);
    const compactedLines = lines.filter((l) => l.msg === 'log compacted');
    assert.deepEqual(compactedLines.map((l) => l['topic']), ['compact', 'compact-delete']);
    assert.ok(compactedLines.every((l) => (l['bytesAfter'] as number) < (l['bytesBefore'] as number)));
    await cleaner.stop();
  });

  it('never overlaps compact calls, logs a failing log and goes on, and stops after the pass in progress', async () => {
    let running = 0;
    let overlap = false;
    const calls: string[] = [];
    const release: (() => void)[] = [];
    const standIn = (name: string, fail = false): CleanablePartition => ({
      topicName: name, index: 0, highWatermark: 10n,
      log: {
        isOpen: true,
        compact: async (opts: CompactOptions): Promise<CompactionResult> => {
          overlap ||= running > 0;
          running++;
          calls.push(`${name}@${opts.upToOffset}`);
          await new Promise<void>((r) => release.push(r));
          running--;
          if (fail) throw new Error('disk on fire');
          return { ran: false, aborted: false, cleanableEndOffset: 0n, cleanableSegments: 0, segmentsRewritten: 0, segmentsWritten: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
        },
      },
    });
    const { logger, lines } = captureLogger();
    const cleaner = new LogCleaner({ partitions: () => [standIn('a', true), standIn('b')], policyFor: () => COMPACT, backoffMs: 5, now: () => 0, logger });
    cleaner.start();
    const releaseAll = setInterval(() => release.splice(0).forEach((r) => r()), 2);
    await new Promise((r) => setTimeout(r, 100));
    await cleaner.stop();
    const callsAtStop = calls.length;
    await new Promise((r) => setTimeout(r, 50));
    clearInterval(releaseAll);
    assert.equal(overlap, false);
    assert.ok(callsAtStop >= 4, `${callsAtStop} calls`);
    assert.equal(calls.length, callsAtStop, 'no call after stop resolved');
    assert.ok(calls.includes('b@10'), 'b is cleaned although a fails');
    assert.ok(lines.some((l) => l.msg === 'log compaction failed' && l['topic'] === 'a'));
  });
});
