import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageLogger } from '../config.js';
import { CLEANER_CHECKPOINT_FILE, CLEANER_SWAP_FILE } from './cleaner-files.js';
import { HIGH_WATERMARK_FILE } from './high-watermark-checkpoint.js';
import { LEADER_EPOCH_CHECKPOINT_FILE } from './leader-epoch-checkpoint.js';

/**
 * The small text files of a partition directory besides its segments, in Kafka's `key: value`
 * line format. Each is replaced atomically (write a `.tmp`, rename), so a reader sees the old or
 * the new content, never a mix.
 */

/** Kafka's name: holds the topic id, so a recreated topic never serves the old topic's data. */
export const PARTITION_METADATA_FILE = 'partition.metadata';
/** Written by `close` after everything is fsynced; vouches for the active segment's size. */
export const CLEAN_SHUTDOWN_FILE = 'clean-shutdown';
/** Base offset of the first segment that may hold unflushed data (Kafka's recovery point, per segment). */
export const RECOVERY_POINT_FILE = 'recovery-point';

/**
 * The names above, the two checkpoints (leader-epoch-checkpoint.ts, high-watermark-checkpoint.ts)
 * and the cleaner's files (cleaner-files.ts);
 * any other file not belonging to a segment is reported and left alone.
 */
export const KNOWN_FILES: ReadonlySet<string> = new Set([PARTITION_METADATA_FILE, CLEAN_SHUTDOWN_FILE, RECOVERY_POINT_FILE, LEADER_EPOCH_CHECKPOINT_FILE, HIGH_WATERMARK_FILE, CLEANER_CHECKPOINT_FILE, CLEANER_SWAP_FILE]);

/** What the clean-shutdown marker vouches for: the active segment's base offset and size at close. */
export interface CleanShutdown {
  activeBaseOffset: bigint;
  activeSizeBytes: number;
}

/**
 * The topic id in `dir/partition.metadata`, or null if the file is missing or malformed. The
 * broker uses it to tell a current partition directory from a deleted topic's.
 */
export function readPartitionTopicId(dir: string): string | null {
  const fields = readFields(join(dir, PARTITION_METADATA_FILE));
  return fields?.get('version') === '0' ? (fields.get('topic_id') ?? null) : null;
}

/** Writes `partition.metadata` (not fsynced here: the caller makes it durable before any flush completes). */
export function writePartitionMetadata(dir: string, topicId: string): void {
  writeAtomically(join(dir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`);
}

/** The clean-shutdown marker's content, or null when there is none (or it is malformed: treated as unclean). */
export function readCleanShutdown(dir: string): CleanShutdown | null {
  const fields = readFields(join(dir, CLEAN_SHUTDOWN_FILE));
  const base = fields?.get('active_segment');
  const size = fields?.get('active_segment_bytes');
  if (base === undefined || size === undefined || !/^\d+$/.test(base) || !/^\d+$/.test(size)) return null;
  return { activeBaseOffset: BigInt(base), activeSizeBytes: Number(size) };
}

/** Writes the marker; call only after everything it vouches for is fsynced. */
export function writeCleanShutdown(dir: string, marker: CleanShutdown): void {
  writeAtomically(join(dir, CLEAN_SHUTDOWN_FILE), `version: 0\nactive_segment: ${marker.activeBaseOffset}\nactive_segment_bytes: ${marker.activeSizeBytes}\n`);
}

/** Removes the marker: from now on the segments may change without it vouching for them. */
export function removeCleanShutdown(dir: string): void {
  const path = join(dir, CLEAN_SHUTDOWN_FILE);
  if (existsSync(path)) unlinkSync(path);
}

/** The recovery point, or null when missing; a malformed file is reported and read as missing (scan everything). */
export function readRecoveryPoint(dir: string, logger: StorageLogger): bigint | null {
  const path = join(dir, RECOVERY_POINT_FILE);
  if (!existsSync(path)) return null;
  const offset = readFields(path)?.get('offset');
  if (offset !== undefined && /^\d+$/.test(offset)) return BigInt(offset);
  logger.warn({ path }, 'malformed recovery point ignored');
  return null;
}

/** Replaces the recovery point. Not fsynced here: a stale higher value matters only after a truncation, where Flusher syncs the directory. */
export function writeRecoveryPoint(dir: string, offset: bigint): void {
  writeAtomically(join(dir, RECOVERY_POINT_FILE), `version: 0\noffset: ${offset}\n`);
}

function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** `key: value` lines as a map, or null when the file does not exist. */
function readFields(path: string): Map<string, string> | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}
