import { join } from 'node:path';
import { formatCheckpoint, parseCheckpoint, readTextIfExists, replaceFileDurably, type CheckpointRead } from './checkpoint-file.js';

/**
 * The `high-watermark` file of a partition directory: Kafka's checkpoint format with one entry,
 * the offset (`0`, `1`, `<highWatermark>`). Kafka keeps all partitions of a log directory in one
 * `replication-offset-checkpoint`; one file per partition keeps the partition directory
 * self-contained. The broker writes it periodically, so after a restart the high watermark may
 * lag; that is safe, as Kafka's is (a lower high watermark only hides records for a while).
 */

/** The file's name in the partition directory. */
export const HIGH_WATERMARK_FILE = 'high-watermark';

/** The file content for `highWatermark`. */
export function formatHighWatermark(highWatermark: bigint): string {
  return formatCheckpoint([highWatermark.toString()]);
}

/** Reads `dir/high-watermark`. */
export function readHighWatermark(dir: string): CheckpointRead<bigint> {
  const text = readTextIfExists(join(dir, HIGH_WATERMARK_FILE));
  if (text === null) return { kind: 'missing' };
  const parsed = parseCheckpoint(text, 1);
  if (!Array.isArray(parsed)) return { kind: 'malformed', problem: parsed.problem };
  const value = parsed.length === 1 ? BigInt(parsed[0]![0]!) : -1n;
  return value >= 0n ? { kind: 'ok', value } : { kind: 'malformed', problem: `expected one offset >= 0, found ${parsed.length} entries` };
}

/** Replaces `dir/high-watermark` atomically and durably (see replaceFileDurably). */
export function writeHighWatermark(dir: string, highWatermark: bigint): Promise<void> {
  return replaceFileDurably(join(dir, HIGH_WATERMARK_FILE), formatHighWatermark(highWatermark));
}
