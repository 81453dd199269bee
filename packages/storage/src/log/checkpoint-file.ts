import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir } from '../segment/segment.js';

/**
 * Kafka's checkpoint text format (CheckpointFile): a version line, an entry count line, then one
 * line per entry of space-separated fields. Both `leader-epoch-checkpoint` and `high-watermark`
 * use it, with version 0.
 */

/** The only checkpoint version written and read. */
export const CHECKPOINT_VERSION = 0;

/** What reading a checkpoint found. A malformed file is reported, never thrown: both files can be rebuilt or defaulted. */
export type CheckpointRead<T> =
  | { kind: 'missing' }
  | { kind: 'malformed'; problem: string }
  | { kind: 'ok'; value: T };

/** The file content for `lines` (each already space-joined fields). */
export function formatCheckpoint(lines: readonly string[]): string {
  return `${CHECKPOINT_VERSION}\n${lines.length}\n${lines.map((line) => `${line}\n`).join('')}`;
}

/**
 * The entries of a checkpoint as fields (each line split on single spaces, `fieldCount` fields
 * of decimal digits, optionally negative), or why the text is not one: a wrong version, a count
 * that does not match the lines, a malformed line, or anything after the last entry.
 */
export function parseCheckpoint(text: string, fieldCount: number): string[][] | { problem: string } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== String(CHECKPOINT_VERSION)) return { problem: `version line ${JSON.stringify(lines[0] ?? '')} is not ${CHECKPOINT_VERSION}` };
  const count = lines[1] !== undefined && /^\d+$/.test(lines[1]) ? Number(lines[1]) : -1;
  if (count < 0 || count !== lines.length - 2) return { problem: `entry count ${JSON.stringify(lines[1] ?? '')} does not match ${lines.length - 2} entry lines` };
  const entries: string[][] = [];
  for (const line of lines.slice(2)) {
    const fields = line.split(' ');
    if (fields.length !== fieldCount || !fields.every((f) => /^-?\d+$/.test(f))) return { problem: `malformed entry line ${JSON.stringify(line)}` };
    entries.push(fields);
  }
  return entries;
}

/** The text of `path`, or null when it does not exist. */
export function readTextIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Replaces `path` atomically and durably: writes `<path>.tmp`, fsyncs it, renames it over `path`
 * and fsyncs the directory. A crash at any point leaves the old file or the new one, whole; a
 * torn `.tmp` never replaces anything, and recovery deletes it. Callers serialize writes to one
 * path (the temp name is fixed).
 */
export async function replaceFileDurably(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}
