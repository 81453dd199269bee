import { invariant } from '../errors.js';
import type { EntryFile } from './entry-file.js';

/** Bytes per time index entry: timestamp int64, relative offset int32 (Kafka's `.timeindex` format). */
export const TIME_INDEX_ENTRY_BYTES = 12;

/** One time index entry: no batch before the one at `relativeOffset` has a max timestamp >= `timestamp`. */
export interface TimeIndexEntry {
  timestamp: bigint;
  relativeOffset: number;
}

/**
 * Sparse map from a segment's running max timestamp to the relative offset of the batch that first
 * reached it (Kafka `TimeIndex`). Entries are added next to offset index entries when the max
 * timestamp grew, and once more when the segment stops being active, so the last entry holds the
 * segment's largest timestamp.
 *
 * Invariant: timestamps strictly increase and relative offsets never decrease along the file.
 */
export class TimeIndex {
  private lastTimestamp: bigint;
  private lastRelativeOffset: number;

  constructor(
    readonly file: EntryFile,
    /** Entries allowed before the segment must roll (segmentIndexBytesMax / entry size). */
    readonly entriesMax: number,
  ) {
    const last = this.lastEntry();
    this.lastTimestamp = last?.timestamp ?? -1n;
    this.lastRelativeOffset = last?.relativeOffset ?? 0;
  }

  get entryCount(): number {
    return this.file.entryCount;
  }

  /** The relative offset of the last entry with timestamp <= `timestamp`, or 0 (segment start) if none. */
  lookup(timestamp: bigint): number {
    const index = this.floorIndex(timestamp);
    return index < 0 ? 0 : this.file.entries().readInt32BE(index * TIME_INDEX_ENTRY_BYTES + 8);
  }

  /** Adds an entry if `timestamp` is larger than the last one (Kafka `maybeAppend`). */
  maybeAppend(timestamp: bigint, relativeOffset: number): void {
    if (timestamp <= this.lastTimestamp) return;
    invariant(relativeOffset >= this.lastRelativeOffset, `time index offset ${relativeOffset} goes back from ${this.lastRelativeOffset}`);
    const { buf, at } = this.file.appendSlot();
    buf.writeBigInt64BE(timestamp, at);
    buf.writeInt32BE(relativeOffset, at + 8);
    this.lastTimestamp = timestamp;
    this.lastRelativeOffset = relativeOffset;
  }

  /** Whether `count` more entries fit before the index is full. */
  hasRoomFor(count: number): boolean {
    return this.file.entryCount + count <= this.entriesMax;
  }

  lastEntry(): TimeIndexEntry | null {
    const count = this.file.entryCount;
    return count === 0 ? null : decode(this.file.readEntry(count - 1));
  }

  /** Drops every entry pointing at or above `relativeOffset` (log truncation). */
  truncateTo(relativeOffset: number): void {
    let keep = this.file.entryCount;
    // Entries are ordered by offset too; truncation is rare and usually near the tail, so walk back.
    while (keep > 0 && this.file.readEntry(keep - 1).readInt32BE(8) >= relativeOffset) keep--;
    this.file.truncateTo(keep);
    const last = this.lastEntry();
    this.lastTimestamp = last?.timestamp ?? -1n;
    this.lastRelativeOffset = last?.relativeOffset ?? 0;
  }

  /** Drops every entry and any torn bytes, before a rebuild. */
  reset(): void {
    this.file.reset();
    this.lastTimestamp = -1n;
    this.lastRelativeOffset = 0;
  }

  /** Why the index cannot belong to a segment holding relative offsets below `relativeOffsetLimit`, or null. */
  inconsistency(relativeOffsetLimit: number): string | null {
    const count = this.file.entryCount;
    if (count === 0) return null;
    const last = decode(this.file.readEntry(count - 1));
    if (last.relativeOffset < 0 || last.relativeOffset >= relativeOffsetLimit) return `last relative offset ${last.relativeOffset} out of range`;
    if (count === 1) return null;
    const prev = decode(this.file.readEntry(count - 2));
    if (prev.timestamp >= last.timestamp || prev.relativeOffset > last.relativeOffset) return 'last entries do not increase';
    return null;
  }

  /** Index of the last entry with timestamp <= target, or -1. */
  private floorIndex(timestamp: bigint): number {
    return this.file.lastIndexWhere((entries, at) => entries.readBigInt64BE(at) <= timestamp);
  }
}

function decode(entry: Buffer): TimeIndexEntry {
  return { timestamp: entry.readBigInt64BE(0), relativeOffset: entry.readInt32BE(8) };
}
