import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchesIn } from './batch.js';
import { DEFAULT_LOG_CONFIG, PartitionLog, type LogConfig, type StorageLogger } from '../../src/index.js';

export const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

/** A fresh directory under the OS temp dir; `remove` deletes it. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'sluice-storage-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public nowMs = 1_000_000) {}
  readonly now = (): number => this.nowMs;
}

/** Collects log lines so tests can assert on warnings. */
export class RecordingLogger implements StorageLogger {
  readonly lines: { level: 'info' | 'warn'; msg: string; obj: object }[] = [];
  info(obj: object, msg: string): void {
    this.lines.push({ level: 'info', msg, obj });
  }
  warn(obj: object, msg: string): void {
    this.lines.push({ level: 'warn', msg, obj });
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
  }
}

/** Opens a partition log in `dir/t-0` with test-friendly settings over Kafka's defaults. */
export function openLog(dir: string, opts: { config?: Partial<LogConfig>; clock?: ManualClock; logger?: StorageLogger; topicId?: string } = {}): PartitionLog {
  return PartitionLog.open({
    dir: partitionDir(dir),
    topicId: opts.topicId ?? TOPIC_ID,
    config: { ...DEFAULT_LOG_CONFIG, retentionMs: -1, ...opts.config },
    ...(opts.clock ? { clock: opts.clock.now } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}

export function partitionDir(dir: string): string {
  return join(dir, 't-0');
}

/** Closes the log, then removes the clean-shutdown marker: the files look as after a crash with all data written. */
export async function closeAsIfCrashed(log: PartitionLog, dir: string): Promise<void> {
  await log.close();
  const marker = join(partitionDir(dir), 'clean-shutdown');
  if (existsSync(marker)) unlinkSync(marker);
}

/** Path of a segment file in the test partition. */
export function segmentFile(dir: string, baseOffset: bigint, ext: 'log' | 'index' | 'timeindex'): string {
  return join(partitionDir(dir), `${baseOffset.toString().padStart(20, '0')}.${ext}`);
}

/** Reads the whole log from logStartOffset to logEndOffset, `maxBytes` at a time. */
export function readAll(log: PartitionLog, maxBytes = 1 << 20): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const got = log.read(offset, { maxBytes, minOneBatch: true });
    if (got.sizeBytes === 0) break;
    chunks.push(...got.chunks);
    const batches = batchesIn(got.chunks);
    offset = batches[batches.length - 1]!.lastOffset + 1n;
  }
  return chunks;
}
