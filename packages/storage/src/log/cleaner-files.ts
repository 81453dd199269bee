import { existsSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageLogger } from '../config.js';
import { SEGMENT_EXTENSIONS, segmentFileStem } from '../segment/segment-files.js';
import { formatCheckpoint, parseCheckpoint, readTextIfExists, replaceFileDurably } from './checkpoint-file.js';

/**
 * The compaction files of a partition directory besides the segments: the cleaner checkpoint
 * (how far the log is known to be compacted) and the swap manifest (the commit record of a
 * segment swap), and how an open finishes or discards a swap a crash interrupted.
 *
 * A swap goes: write `<base>.{log,index,timeindex}.cleaned` and fsync them; rename each to
 * `.swap` and fsync the directory; write `cleaner-swap` durably (the commit point: it names the
 * old segments to remove and the new ones to rename into place); rename the old segments to
 * `.deleted` (oldest first) and the `.swap` files to their final names; fsync the directory and
 * delete the manifest. Without a manifest nothing was committed: `.cleaned` and `.swap` files are
 * discarded and the old segments stay. With one, recovery completes the swap.
 */

/** Kafka's name is cleaner-offset-checkpoint (one per log directory); ours is one per partition. */
export const CLEANER_CHECKPOINT_FILE = 'cleaner-checkpoint';
/** The swap manifest: present only between the commit point of a swap and its completion. */
export const CLEANER_SWAP_FILE = 'cleaner-swap';

/** What the cleaner remembers between runs, so a run with nothing to do reads no segment. */
export interface CleanerCheckpoint {
  /** Every offset below this was compacted by the last run that completed (its cleanable end offset). */
  cleanedUpTo: bigint;
  /** Smallest max timestamp of a batch holding a tombstone the last run kept; -1 when it kept none. */
  tombstoneTimestampMin: bigint;
}

/** A log nothing was compacted in yet. */
export const NO_CLEANER_CHECKPOINT: CleanerCheckpoint = Object.freeze({ cleanedUpTo: 0n, tombstoneTimestampMin: -1n });

/** The checkpoint in `dir`, or NO_CLEANER_CHECKPOINT when missing or malformed (a full run then rebuilds it). */
export function readCleanerCheckpoint(dir: string, logger: StorageLogger): CleanerCheckpoint {
  const text = readTextIfExists(join(dir, CLEANER_CHECKPOINT_FILE));
  if (text === null) return NO_CLEANER_CHECKPOINT;
  const parsed = parseCheckpoint(text, 2);
  if ('problem' in parsed || parsed.length !== 1) {
    logger.warn({ dir, problem: 'problem' in parsed ? parsed.problem : `${parsed.length} entries` }, 'malformed cleaner checkpoint ignored');
    return NO_CLEANER_CHECKPOINT;
  }
  return { cleanedUpTo: BigInt(parsed[0]![0]!), tombstoneTimestampMin: BigInt(parsed[0]![1]!) };
}

/** Replaces the checkpoint atomically and durably. */
export function writeCleanerCheckpoint(dir: string, checkpoint: CleanerCheckpoint): Promise<void> {
  return replaceFileDurably(join(dir, CLEANER_CHECKPOINT_FILE), formatCheckpoint([`${checkpoint.cleanedUpTo} ${checkpoint.tombstoneTimestampMin}`]));
}

/** A committed swap: the base offsets of the segments it removes and of those it puts in their place. */
export interface SwapManifest {
  oldBaseOffsets: readonly bigint[];
  newBaseOffsets: readonly bigint[];
}

/** Manifest line kinds (the checkpoint format holds integers only). */
const OLD_SEGMENT = 0;
const NEW_SEGMENT = 1;

/** Writes the manifest atomically and durably: once this resolves, the swap is committed. */
export function writeSwapManifest(dir: string, manifest: SwapManifest): Promise<void> {
  const lines = [...manifest.oldBaseOffsets.map((b) => `${b} ${OLD_SEGMENT}`), ...manifest.newBaseOffsets.map((b) => `${b} ${NEW_SEGMENT}`)];
  return replaceFileDurably(join(dir, CLEANER_SWAP_FILE), formatCheckpoint(lines));
}

/** Deletes the manifest after a completed swap (a leftover one is harmless: recovery finds nothing to do). */
export function removeSwapManifest(dir: string): void {
  unlinkSync(join(dir, CLEANER_SWAP_FILE));
}

/**
 * At open, before the segments are listed: completes a committed swap (the manifest exists) or
 * discards an uncommitted one. Completing: every `.swap` file replaces the file of its final
 * name (which, while a `.swap` of that name exists, can only be an old segment's: old files are
 * all renamed away before the first `.swap` is renamed into place), and every old segment file
 * still present that is not a new segment's is deleted. Discarding: `.swap` files are deleted.
 * `.cleaned` files are always deleted (listSegments does it, as leftovers).
 */
export function finishInterruptedSwap(dir: string, logger: StorageLogger): void {
  const text = readTextIfExists(join(dir, CLEANER_SWAP_FILE));
  if (text === null) {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.swap')) continue;
      logger.warn({ file: name }, 'discarding uncommitted compaction output');
      unlinkSync(join(dir, name));
    }
    return;
  }
  const manifest = parseManifest(text);
  if (manifest === null) {
    // Written atomically, so this is disk rot: keep every old segment and drop the output.
    logger.warn({ dir }, 'malformed cleaner swap manifest: discarding the swap');
    removeSwapManifest(dir);
    finishInterruptedSwap(dir, logger);
    return;
  }
  const newBases = new Set(manifest.newBaseOffsets);
  for (const base of manifest.newBaseOffsets) {
    for (const ext of SEGMENT_EXTENSIONS) {
      const final = join(dir, `${segmentFileStem(base)}.${ext}`);
      if (!existsSync(`${final}.swap`)) continue;
      if (existsSync(final)) unlinkSync(final);
      renameSync(`${final}.swap`, final);
    }
  }
  for (const base of manifest.oldBaseOffsets) {
    if (newBases.has(base)) continue;
    for (const ext of SEGMENT_EXTENSIONS) {
      const path = join(dir, `${segmentFileStem(base)}.${ext}`);
      if (existsSync(path)) unlinkSync(path);
    }
  }
  removeSwapManifest(dir);
  logger.warn({ dir, removed: manifest.oldBaseOffsets.length, added: manifest.newBaseOffsets.length }, 'completed an interrupted compaction swap');
}

function parseManifest(text: string): SwapManifest | null {
  const parsed = parseCheckpoint(text, 2);
  if ('problem' in parsed) return null;
  const oldBaseOffsets: bigint[] = [];
  const newBaseOffsets: bigint[] = [];
  for (const [base, kind] of parsed) {
    if (kind === String(OLD_SEGMENT)) oldBaseOffsets.push(BigInt(base!));
    else if (kind === String(NEW_SEGMENT)) newBaseOffsets.push(BigInt(base!));
    else return null;
  }
  return { oldBaseOffsets, newBaseOffsets };
}
