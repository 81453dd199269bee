import { join } from 'node:path';
import { formatCheckpoint, parseCheckpoint, readTextIfExists, replaceFileDurably, type CheckpointRead } from './checkpoint-file.js';
import { epochEntriesProblem, type EpochEntry } from './leader-epoch-cache.js';

/**
 * The `leader-epoch-checkpoint` file of a partition directory, in Kafka's format
 * (LeaderEpochCheckpointFile): `0`, the entry count, then one `<epoch> <startOffset>` line per
 * entry, oldest first.
 */

/** Kafka's name for the file. */
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';

/** The file content for `entries`. */
export function formatLeaderEpochCheckpoint(entries: readonly EpochEntry[]): string {
  return formatCheckpoint(entries.map((e) => `${e.epoch} ${e.startOffset}`));
}

/** The entries in `text`, or why it is not a valid checkpoint (the format, or entries that do not strictly increase). */
export function parseLeaderEpochCheckpoint(text: string): EpochEntry[] | { problem: string } {
  const parsed = parseCheckpoint(text, 2);
  if (!Array.isArray(parsed)) return parsed;
  const entries = parsed.map(([epoch, startOffset]) => ({ epoch: Number(epoch), startOffset: BigInt(startOffset!) }));
  const problem = epochEntriesProblem(entries);
  return problem === null ? entries : { problem };
}

/** Reads `dir/leader-epoch-checkpoint`. */
export function readLeaderEpochCheckpoint(dir: string): CheckpointRead<EpochEntry[]> {
  const text = readTextIfExists(join(dir, LEADER_EPOCH_CHECKPOINT_FILE));
  if (text === null) return { kind: 'missing' };
  const parsed = parseLeaderEpochCheckpoint(text);
  return Array.isArray(parsed) ? { kind: 'ok', value: parsed } : { kind: 'malformed', problem: parsed.problem };
}

/** Replaces `dir/leader-epoch-checkpoint` atomically and durably (see replaceFileDurably). */
export function writeLeaderEpochCheckpoint(dir: string, entries: readonly EpochEntry[]): Promise<void> {
  return replaceFileDurably(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), formatLeaderEpochCheckpoint(entries));
}
