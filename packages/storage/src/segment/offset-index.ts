import { invariant } from '../errors.js';
import type { EntryFile } from './entry-file.js';

/** Bytes per offset index entry: relative offset int32, file position int32 (Kafka's `.index` format). */
export const OFFSET_INDEX_ENTRY_BYTES = 8;

/** One offset index entry: the batch whose base offset is `baseOffset + relativeOffset` starts at `position`. */
export interface OffsetIndexEntry {
  relativeOffset: number;
  position: number;
}

/**
 * Sparse map from relative offset to the file position of the batch starting there, one entry per
 * `indexIntervalBytes` of log (Kafka `OffsetIndex`). Reads use it to skip to a batch header near
 * the wanted offset and scan forward from there.
 *
 * Invariant: relative offsets and positions both strictly increase along the file, so binary
 * search works on either.
 */
export class OffsetIndex {
  private lastRelativeOffset: number;
  private lastPosition: number;

  constructor(
    readonly file: EntryFile,
    /** Entries allowed before the segment must roll (segmentIndexBytesMax / entry size). */
    readonly entriesMax: number,
  ) {
    const last = this.lastEntry();
    this.lastRelativeOffset = last?.relativeOffset ?? -1;
    this.lastPosition = last?.position ?? -1;
  }

  get entryCount(): number {
    return this.file.entryCount;
  }

  /** The position of the last entry at or below `relativeOffset`, or 0 (the segment start) if none. */
  lookup(relativeOffset: number): number {
    const index = this.floorIndex(relativeOffset);
    return index < 0 ? 0 : this.file.entries().readInt32BE(index * OFFSET_INDEX_ENTRY_BYTES + 4);
  }

  /** Adds an entry; both fields must exceed those of the last entry. */
  append({ relativeOffset, position }: OffsetIndexEntry): void {
    invariant(relativeOffset > this.lastRelativeOffset && position > this.lastPosition,
      `offset index entry (${relativeOffset}, ${position}) does not follow (${this.lastRelativeOffset}, ${this.lastPosition})`);
    const { buf, at } = this.file.appendSlot();
    buf.writeInt32BE(relativeOffset, at);
    buf.writeInt32BE(position, at + 4);
    this.lastRelativeOffset = relativeOffset;
    this.lastPosition = position;
  }

  /** Whether `count` more entries fit before the index is full. */
  hasRoomFor(count: number): boolean {
    return this.file.entryCount + count <= this.entriesMax;
  }

  lastEntry(): OffsetIndexEntry | null {
    const count = this.file.entryCount;
    return count === 0 ? null : decode(this.file.readEntry(count - 1));
  }

  /** Drops every entry at or above `relativeOffset` (log truncation). */
  truncateTo(relativeOffset: number): void {
    this.file.truncateTo(this.floorIndex(relativeOffset - 1) + 1);
    const last = this.lastEntry();
    this.lastRelativeOffset = last?.relativeOffset ?? -1;
    this.lastPosition = last?.position ?? -1;
  }

  /** Drops every entry and any torn bytes, before a rebuild. */
  reset(): void {
    this.file.reset();
    this.lastRelativeOffset = -1;
    this.lastPosition = -1;
  }

  /**
   * Why the index cannot belong to a log of `logBytes` bytes holding relative offsets below
   * `relativeOffsetLimit`, or null. Checks the last entries only, as Kafka's sanity check does;
   * the index of any segment recovery scans is rebuilt anyway.
   */
  inconsistency({ logBytes, relativeOffsetLimit }: { logBytes: number; relativeOffsetLimit: number }): string | null {
    const count = this.file.entryCount;
    if (count === 0) return null;
    const last = decode(this.file.readEntry(count - 1));
    if (last.relativeOffset < 0 || last.relativeOffset >= relativeOffsetLimit) return `last relative offset ${last.relativeOffset} out of range`;
    if (last.position < 0 || last.position >= logBytes) return `last position ${last.position} is past the log end ${logBytes}`;
    if (count === 1) return null;
    const prev = decode(this.file.readEntry(count - 2));
    if (prev.relativeOffset >= last.relativeOffset || prev.position >= last.position) return 'last entries do not increase';
    return null;
  }

  /** Index of the last entry with relative offset <= target, or -1. */
  private floorIndex(relativeOffset: number): number {
    return this.file.lastIndexWhere((entries, at) => entries.readInt32BE(at) <= relativeOffset);
  }
}

function decode(entry: Buffer): OffsetIndexEntry {
  return { relativeOffset: entry.readInt32BE(0), position: entry.readInt32BE(4) };
}
