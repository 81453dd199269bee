import { invariant } from './errors.js';
import type { DivergingEpoch, Entry, SnapshotId } from './messages.js';

/** Bytes counted per entry on top of its data when bounding a fetch response. */
export const ENTRY_OVERHEAD_BYTES = 24;

/**
 * True for the entry a new leader writes first in its epoch (KRaft's LeaderChangeMessage): it
 * has empty data. The application skips it when applying; proposals may never be empty, so no
 * application payload looks like it.
 */
export function isLeaderChangeEntry(entry: Entry): boolean {
  return entry.data.length === 0;
}

/** The first offset of one epoch in the log (Kafka's leader-epoch cache, KIP-101). */
interface EpochStart {
  readonly epoch: number;
  readonly startOffset: number;
}

/**
 * The in-memory suffix of the replicated log above the latest snapshot, with its epoch history.
 * It holds what the core has decided, including entries not yet persisted: the driver persists
 * them from the Ready before anything that depends on them leaves the node.
 */
export class RaftLog {
  /** Invariant: `entries[i].offset === startOffsetValue + i`; epochs never decrease. */
  private entries: Entry[] = [];
  /** Offset of the first entry held, equal to the snapshot's end offset (0 without one). */
  private startOffsetValue: number;
  /** Epoch of the entry at `startOffset - 1` (the snapshot's last entry); 0 at offset 0. */
  private startEpochValue: number;
  /**
   * One element per epoch among `entries`, in order. Invariant: epochs strictly increase, each
   * above or equal to `startEpochValue`, and each `startOffset` is its first entry's offset.
   */
  private epochStarts: EpochStart[] = [];

  constructor(start: SnapshotId) {
    this.startOffsetValue = start.endOffset;
    this.startEpochValue = start.epoch;
  }

  /** The log start offset: the first offset still held as an entry. */
  get startOffset(): number {
    return this.startOffsetValue;
  }

  /** Epoch of the entry just below the log start (the snapshot's last entry), 0 without one. */
  get startEpoch(): number {
    return this.startEpochValue;
  }

  /** The log end offset: the offset the next appended entry gets. */
  get endOffset(): number {
    return this.startOffsetValue + this.entries.length;
  }

  /** Epoch of the last entry (or of the snapshot's last entry when no entry is held). */
  get lastEpoch(): number {
    const last = this.entries[this.entries.length - 1];
    return last === undefined ? this.startEpochValue : last.epoch;
  }

  /** The entry at `offset`, or null when it is below the log start or at/after the end. */
  entryAt(offset: number): Entry | null {
    return this.entries[offset - this.startOffsetValue] ?? null;
  }

  /**
   * Epoch of the entry at `offset`, for `offset` in [startOffset - 1, endOffset); 0 for -1.
   * Null outside that range.
   */
  epochAt(offset: number): number | null {
    if (offset === this.startOffsetValue - 1) return this.startEpochValue;
    return this.entryAt(offset)?.epoch ?? null;
  }

  /** Appends entries that continue the log. Invariant: contiguous offsets, epochs never fall. */
  append(entries: readonly Entry[]): void {
    for (const entry of entries) {
      invariant(entry.offset === this.endOffset, `append at ${entry.offset}, end ${this.endOffset}`);
      invariant(entry.epoch >= this.lastEpoch, `epoch ${entry.epoch} below ${this.lastEpoch}`);
      const lastStart = this.epochStarts[this.epochStarts.length - 1];
      if (lastStart === undefined || lastStart.epoch < entry.epoch) {
        this.epochStarts.push({ epoch: entry.epoch, startOffset: entry.offset });
      }
      this.entries.push(entry);
    }
  }

  /** Removes every entry at or above `offset`. Invariant: `offset >= startOffset`. */
  truncateFrom(offset: number): void {
    invariant(offset >= this.startOffsetValue, `truncate to ${offset} below log start`);
    if (offset >= this.endOffset) return;
    this.entries.length = offset - this.startOffsetValue;
    while (this.epochStarts.length > 0 && this.epochStarts[this.epochStarts.length - 1]!.startOffset >= offset) {
      this.epochStarts.pop();
    }
  }

  /**
   * Drops the entries a local snapshot covers: the log now starts at `snapshot.endOffset`.
   * Invariant: the snapshot's last entry is in this log with the snapshot's epoch.
   */
  compactTo(snapshot: SnapshotId): void {
    invariant(snapshot.endOffset <= this.endOffset, 'snapshot beyond the log end');
    invariant(this.epochAt(snapshot.endOffset - 1) === snapshot.epoch, 'snapshot epoch mismatch');
    this.entries.splice(0, snapshot.endOffset - this.startOffsetValue);
    this.startOffsetValue = snapshot.endOffset;
    this.startEpochValue = snapshot.epoch;
    this.epochStarts = this.epochStarts.filter((s) => s.startOffset >= snapshot.endOffset);
    const first = this.entries[0];
    if (first !== undefined && this.epochStarts[0]?.epoch !== first.epoch) {
      this.epochStarts.unshift({ epoch: first.epoch, startOffset: first.offset });
    }
  }

  /** Replaces the whole log by an installed snapshot: empty, starting at its end offset. */
  resetTo(snapshot: SnapshotId): void {
    this.entries = [];
    this.epochStarts = [];
    this.startOffsetValue = snapshot.endOffset;
    this.startEpochValue = snapshot.epoch;
  }

  /**
   * The largest epoch at or below `epoch` in this log and the offset just past its last entry
   * (KIP-595 / KIP-101 OffsetForLeaderEpoch). Null when `epoch` is below every epoch known here,
   * which happens only below the snapshot's epoch.
   */
  endOffsetForEpoch(epoch: number): DivergingEpoch | null {
    for (let i = this.epochStarts.length - 1; i >= 0; i--) {
      const start = this.epochStarts[i]!;
      if (start.epoch <= epoch) {
        const next = this.epochStarts[i + 1];
        return { epoch: start.epoch, endOffset: next === undefined ? this.endOffset : next.startOffset };
      }
    }
    if (this.startEpochValue > epoch) return null;
    const firstStart = this.epochStarts[0];
    return { epoch: this.startEpochValue, endOffset: firstStart === undefined ? this.endOffset : firstStart.startOffset };
  }

  /**
   * Entries from `from` on, at most `entriesMax` of them and `bytesMax` bytes, but at least one
   * when any exists so a large entry cannot stall a fetcher. Invariant: `from >= startOffset`.
   */
  slice(from: number, limits: { bytesMax: number; entriesMax: number }): Entry[] {
    invariant(from >= this.startOffsetValue, 'slice below log start');
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = from - this.startOffsetValue; i < this.entries.length && out.length < limits.entriesMax; i++) {
      const entry = this.entries[i]!;
      bytes += entry.data.length + ENTRY_OVERHEAD_BYTES;
      if (out.length > 0 && bytes > limits.bytesMax) break;
      out.push(entry);
    }
    return out;
  }
}
