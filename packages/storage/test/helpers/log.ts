import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import { batchesIn } from './batch.js';
import { DEFAULT_LOG_CONFIG, PartitionLog, type LogConfig, type StorageLogger } from '../../src/index.js';

export const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

/** A fresh directory under the OS temp dir; `remove` deletes it. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'sluice-storage-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The current test's temp directory and the log it works on there. */
export interface TempLogDir {
  /** The current test's temp directory, made before each test. */
  readonly path: string;
  /** The test's log, closed after the test; a test that closes or destroys it without opening another sets it to null. */
  log: PartitionLog | null;
}

/**
 * Registers hooks in the calling test file: before each test a fresh temp directory and an empty
 * `log`; after it, the log left in `log` is closed and the directory removed.
 */
export function tempLogDirPerTest(): TempLogDir {
  let dir: ReturnType<typeof tempDir> | null = null;
  const fixture: TempLogDir = {
    get path(): string {
      if (!dir) throw new Error('no temp directory before the first test');
      return dir.path;
    },
    log: null,
  };
  beforeEach(() => {
    dir = tempDir();
    fixture.log = null;
  });
  afterEach(async () => {
    await fixture.log?.close();
    dir!.remove();
  });
  return fixture;
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
