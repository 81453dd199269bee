import type { Entry } from '../core/messages.js';
import type { HardState, PersistedState, Ready, Snapshot } from '../core/ready.js';

/** One write a driver makes for a Ready, in the order the Ready contract gives. */
type WriteOp =
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly kind: 'logStart'; readonly offset: number }
  | { readonly kind: 'truncate'; readonly offset: number }
  | { readonly kind: 'append'; readonly entry: Entry }
  | { readonly kind: 'hardState'; readonly hardState: HardState };

/** Called for each entry as it becomes durable, with the epoch of the entry just below it. */
export type AppendObserver = (entry: Entry, previousEpoch: number) => void;

/** Thrown when a Ready asks for a write that breaks the log's shape: a core bug. */
export class StorageContractError extends Error {
  override name = 'StorageContractError';
}

/**
 * A node's disk in the simulation. Writes of a Ready are staged, then made durable all at once
 * by `sync` (the fsync). A crash before `sync` keeps only a random prefix of the staged writes,
 * in order: the model of a driver that writes snapshot, log, then hard state, and fsyncs before
 * sending anything. Everything synced earlier survives every crash.
 */
export class SimStorage {
  private hardState: HardState | null = null;
  private snapshot: Snapshot | null = null;
  /** Invariant: contiguous offsets, starting at the snapshot's end offset (or 0) when non-empty. */
  private entries: Entry[] = [];
  private staged: WriteOp[] = [];

  /** What a restarting node reads back. */
  load(): PersistedState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: [...this.entries] };
  }

  /** Stages the writes of `ready`, in contract order. */
  stage(ready: Ready): void {
    const ops: WriteOp[] = [];
    if (ready.snapshot !== null) ops.push({ kind: 'snapshot', snapshot: ready.snapshot });
    if (ready.logStartOffset !== null) ops.push({ kind: 'logStart', offset: ready.logStartOffset });
    if (ready.truncateFrom !== null) ops.push({ kind: 'truncate', offset: ready.truncateFrom });
    for (const entry of ready.entries) ops.push({ kind: 'append', entry });
    if (ready.hardState !== null) ops.push({ kind: 'hardState', hardState: ready.hardState });
    this.staged = ops;
  }

  /** True while staged writes wait for their fsync. */
  get hasStaged(): boolean {
    return this.staged.length > 0;
  }

  /** The fsync: every staged write becomes durable. */
  sync(observe: AppendObserver): void {
    for (const op of this.staged) this.apply(op, observe);
    this.staged = [];
  }

  /** A crash: the first `keep` staged writes reached the disk, the rest are lost. */
  crash(keep: number, observe: AppendObserver): void {
    for (const op of this.staged.slice(0, keep)) this.apply(op, observe);
    this.staged = [];
  }

  /** How many writes are staged. */
  get stagedCount(): number {
    return this.staged.length;
  }

  /** The durable log end offset (for the trace). */
  get logEndOffset(): number {
    const last = this.entries[this.entries.length - 1];
    return last === undefined ? this.startOffset : last.offset + 1;
  }

  private get startOffset(): number {
    return this.snapshot?.endOffset ?? 0;
  }

  private apply(op: WriteOp, observe: AppendObserver): void {
    switch (op.kind) {
      case 'snapshot':
        this.snapshot = op.snapshot;
        return;
      case 'logStart':
        this.entries = this.entries.filter((e) => e.offset >= op.offset);
        return;
      case 'truncate':
        this.entries = this.entries.filter((e) => e.offset < op.offset);
        return;
      case 'append':
        return this.append(op.entry, observe);
      case 'hardState':
        this.hardState = op.hardState;
        return;
    }
  }

  private append(entry: Entry, observe: AppendObserver): void {
    const last = this.entries[this.entries.length - 1];
    const expected = last === undefined ? this.startOffset : last.offset + 1;
    if (entry.offset !== expected) {
      throw new StorageContractError(`append at ${entry.offset}, stored log expects ${expected}`);
    }
    const previousEpoch = last !== undefined ? last.epoch : (this.snapshot?.epoch ?? 0);
    if (entry.epoch < previousEpoch) throw new StorageContractError(`epoch ${entry.epoch} after ${previousEpoch}`);
    observe(entry, previousEpoch);
    this.entries.push(entry);
  }
}
