import { join } from 'node:path';

/** The three files of one segment, named by its base offset. */
export interface SegmentPaths {
  log: string;
  index: string;
  timeIndex: string;
}

const BASE_OFFSET_DIGITS = 20;

/** Kafka's file name for a segment: the base offset, zero-padded to 20 digits. */
export function segmentFileStem(baseOffset: bigint): string {
  return baseOffset.toString().padStart(BASE_OFFSET_DIGITS, '0');
}

/**
 * The names a segment's files carry while compaction rewrites it: `.cleaned` while being written
 * (never needed after a crash), `.swap` once complete and about to replace the old segments.
 */
export type SegmentFileSuffix = '' | '.cleaned' | '.swap';

/** The three extensions of a segment's files, in the order they are renamed. */
export const SEGMENT_EXTENSIONS = ['log', 'index', 'timeindex'] as const;

/** The `.log`, `.index` and `.timeindex` paths of the segment at `baseOffset` in `dir`, with `suffix` appended. */
export function segmentPaths(dir: string, baseOffset: bigint, suffix: SegmentFileSuffix = ''): SegmentPaths {
  const stem = join(dir, segmentFileStem(baseOffset));
  return { log: `${stem}.log${suffix}`, index: `${stem}.index${suffix}`, timeIndex: `${stem}.timeindex${suffix}` };
}

/** What a file in a partition directory is, judged by its name alone. */
export type DirEntryKind =
  | { kind: 'segment-file'; baseOffset: bigint; ext: 'log' | 'index' | 'timeindex' }
  /**
   * Left behind by an interrupted segment deletion (renamed, not yet unlinked), atomic write or
   * compaction (`.cleaned`, and `.swap` once the interrupted swap was completed or discarded).
   */
  | { kind: 'leftover' }
  | { kind: 'other' };

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;
const LEFTOVER = /^(\d{20}\.(log|index|timeindex)\.(deleted|cleaned|swap)|.+\.tmp)$/;

/** Sorts a directory entry into segment file, leftover to delete, or something else. */
export function classifyDirEntry(name: string): DirEntryKind {
  const m = SEGMENT_FILE.exec(name);
  if (m) return { kind: 'segment-file', baseOffset: BigInt(m[1]!), ext: m[2] as 'log' | 'index' | 'timeindex' };
  return LEFTOVER.test(name) ? { kind: 'leftover' } : { kind: 'other' };
}
