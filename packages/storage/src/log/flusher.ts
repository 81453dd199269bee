import { closeSync, fsync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StorageLogger } from '../config.js';
import { StorageFailure } from '../errors.js';
import { syncDir, type Segment } from '../segment/segment.js';
import { PARTITION_METADATA_FILE, writeRecoveryPoint } from './dir-files.js';

/**
 * Everything asynchronous about durability for one partition log: fsync of the active segment
 * (coalesced, so at most one runs and one waits), fsync of rolled segments in roll order, the
 * recovery point that follows them, and the failure that stops the log.
 *
 * Invariant: the recovery point file never names a segment base above a segment that is not yet
 * fully fsynced; recovery trusts every segment below it.
 */
export class Flusher {
  /** Set by the first failed fsync or write; from then on the log refuses everything. */
  failure: StorageFailure | null = null;
  /** Offsets appended since the last flush started (flush.messages). */
  private unflushedOffsets = 0;
  private lastFlushMs: number;
  /** fsyncs of rolled segments (and the new directory), strictly in order. */
  private background: Promise<void> = Promise.resolve();
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Bumped by truncation: an older roll's fsync must not raise the recovery point past it. */
  private truncations = 0;

  constructor(
    private readonly dir: string,
    private readonly logger: StorageLogger,
    private readonly active: () => Segment,
    private recoveryPoint: bigint,
    nowMs: number,
  ) {
    this.lastFlushMs = nowMs;
  }

  /** Makes a newly created partition directory and its metadata durable before any flush completes. */
  afterCreate(): void {
    const metadata = join(this.dir, PARTITION_METADATA_FILE);
    this.inBackground(() => syncFile(metadata).then(() => syncDir(this.dir)).then(() => syncDir(dirname(this.dir))), 'partition creation sync');
  }

  /** Counts appended offsets and starts a flush when flush.messages or flush.ms say so. */
  afterAppend({ offsetCount, nowMs }: { offsetCount: number; nowMs: number }, policy: { flushIntervalMessages: number; flushIntervalMs: number }): void {
    this.unflushedOffsets += offsetCount;
    if (this.unflushedOffsets >= policy.flushIntervalMessages || nowMs - this.lastFlushMs >= policy.flushIntervalMs) {
      // The outcome is recorded in `failure`, which the next append throws; nobody awaits this.
      this.flush(nowMs).catch(() => undefined);
    }
  }

  /** A time-based flush when flush.ms has passed since the last one and something was appended. */
  flushIfDue({ nowMs, flushIntervalMs }: { nowMs: number; flushIntervalMs: number }): Promise<void> {
    if (this.unflushedOffsets === 0 || nowMs - this.lastFlushMs < flushIntervalMs) return Promise.resolve();
    return this.flush(nowMs);
  }

  /**
   * fsyncs the active segment and waits for rolled segments' fsyncs: once it resolves, every batch
   * appended before the call is durable. Calls while one runs share a single follow-up fsync.
   */
  flush(nowMs: number): Promise<void> {
    this.unflushedOffsets = 0;
    this.lastFlushMs = nowMs;
    if (this.queued) return this.queued;
    if (!this.running) return this.startSync();
    this.queued = this.running.catch(() => undefined).then(() => {
      this.queued = null;
      return this.startSync();
    });
    return this.queued;
  }

  /** After a roll: fsync the old segment and the directory, then raise the recovery point to the new segment. */
  afterRoll(old: Segment, newBaseOffset: bigint): void {
    const generation = this.truncations;
    this.inBackground(async () => {
      await old.sync();
      await syncDir(this.dir);
      if (generation !== this.truncations || newBaseOffset <= this.recoveryPoint) return;
      this.recoveryPoint = newBaseOffset;
      writeRecoveryPoint(this.dir, newBaseOffset);
    }, 'rolled segment sync');
  }

  /**
   * After a truncation: segments from `activeBaseOffset` on hold rewritten, unflushed data again,
   * so the recovery point comes down at once (a synchronous small-file replace, rare) and its
   * rename is made durable in the background. Until then a power loss could leave the higher one;
   * the last segment is rescanned regardless, so only a truncation across segments followed by a
   * roll is exposed, for the few milliseconds of that directory fsync.
   */
  afterTruncate(activeBaseOffset: bigint): void {
    this.truncations++;
    if (activeBaseOffset >= this.recoveryPoint) return;
    this.recoveryPoint = activeBaseOffset;
    writeRecoveryPoint(this.dir, activeBaseOffset);
    this.inBackground(() => syncDir(this.dir), 'recovery point sync');
  }

  /**
   * Runs a checkpoint write after every background step queued so far and before any queued
   * later; `flush` waits for it too. The order is what lets recovery trust the leader epoch
   * checkpoint below the recovery point: a roll queued after an epoch change raises the recovery
   * point only once that change is durable. Resolves when the write is durable; a failure stops
   * the log and rejects with its StorageFailure.
   */
  inOrder(step: () => Promise<void>, what: string): Promise<void> {
    const run = this.background.then(step);
    this.background = run.catch((err: unknown) => {
      this.fail(err, what);
    });
    return run.catch((err: unknown) => {
      throw this.fail(err, what);
    });
  }

  /** At close, with everything fsynced: the active segment is the first one that may change. */
  markAllDurable(activeBaseOffset: bigint): void {
    this.recoveryPoint = activeBaseOffset;
    writeRecoveryPoint(this.dir, activeBaseOffset);
  }

  /** Resolves when every background fsync so far has finished, failed or not. */
  settled(): Promise<void> {
    return Promise.all([this.background, this.running?.catch(() => undefined), this.queued?.catch(() => undefined)]).then(() => undefined);
  }

  /** Records a disk failure (the first one wins), logs it once, and returns what to throw. */
  fail(err: unknown, what: string): StorageFailure {
    if (!this.failure) {
      this.failure = err instanceof StorageFailure ? err : new StorageFailure(`${what} failed in ${this.dir}`, err);
      this.logger.warn({ dir: this.dir, err, what }, 'partition log failed');
    }
    return this.failure;
  }

  private startSync(): Promise<void> {
    const run = this.syncActive().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async syncActive(): Promise<void> {
    const active = this.active();
    try {
      await Promise.all([active.sync(), this.background]);
    } catch (err) {
      throw this.fail(err, 'fsync');
    }
    if (this.failure) throw this.failure;
  }

  private inBackground(step: () => Promise<void>, what: string): void {
    this.background = this.background.then(step).catch((err: unknown) => {
      this.fail(err, what);
    });
  }
}

function syncFile(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  return new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve()))).finally(() => closeSync(fd));
}
