import { Level } from 'level';

/** The quorum's durable vote state: the epoch, whom this node voted for in it, and the leader it knows. */
export interface QuorumHardState {
  epoch: number;
  votedFor: number | null;
  leaderId: number | null;
}

/** One quorum log entry. Offsets are 0-based and dense. */
export interface QuorumEntry {
  offset: number;
  epoch: number;
  data: Uint8Array;
}

/** A snapshot of the replicated state machine covering every entry below `endOffset`. */
export interface QuorumSnapshot {
  endOffset: number;
  epoch: number;
  data: Uint8Array;
}

/** Everything the store held at open, for the quorum to restart from. */
export interface QuorumState {
  hardState: QuorumHardState | null;
  snapshot: QuorumSnapshot | null;
  /** Entries from the snapshot's end offset (or 0) on, in order. */
  entries: QuorumEntry[];
}

/**
 * One durable change, written as a single atomic, fsynced LevelDB batch: hard state, snapshot,
 * deletion of entries below `logStartOffset`, deletion of entries at and above `truncateFrom`, then
 * the new entries (the first of which must be the log end after the deletions).
 */
export interface QuorumChange {
  hardState?: QuorumHardState | null;
  snapshot?: QuorumSnapshot | null;
  logStartOffset?: number | null;
  truncateFrom?: number | null;
  entries?: readonly QuorumEntry[];
}

const HARD_STATE_KEY = 'hard-state';
const SNAPSHOT_KEY = 'snapshot';
const ENTRY_PREFIX = 'e:';
const OFFSET_DIGITS = 13;
const EPOCH_BYTES = 4;

/** Entry keys sort by offset: fixed-width hexadecimal (13 digits cover every safe integer). */
function entryKey(offset: number): string {
  return ENTRY_PREFIX + offset.toString(16).padStart(OFFSET_DIGITS, '0');
}

function encodeEntry(entry: QuorumEntry): Buffer {
  const out = Buffer.allocUnsafe(EPOCH_BYTES + entry.data.length);
  out.writeInt32BE(entry.epoch, 0);
  out.set(entry.data, EPOCH_BYTES);
  return out;
}

function encodeSnapshot(snapshot: QuorumSnapshot): Buffer {
  const head = Buffer.from(JSON.stringify({ endOffset: snapshot.endOffset, epoch: snapshot.epoch }));
  const out = Buffer.allocUnsafe(4 + head.length + snapshot.data.length);
  out.writeUInt32BE(head.length, 0);
  head.copy(out, 4);
  out.set(snapshot.data, 4 + head.length);
  return out;
}

function decodeSnapshot(bytes: Buffer): QuorumSnapshot {
  const headLength = bytes.readUInt32BE(0);
  const head = JSON.parse(bytes.subarray(4, 4 + headLength).toString()) as { endOffset: number; epoch: number };
  return { ...head, data: new Uint8Array(bytes.subarray(4 + headLength)) };
}

/**
 * The quorum's log, vote state and latest snapshot in LevelDB. Every `write` is one atomic batch
 * with `sync: true`, so when it resolves the change survives a crash or power loss: the quorum
 * driver answers a vote or acknowledges entries only after that (faults.md invariant 16).
 * Invariant: stored entry offsets are dense from `firstOffset` to `endOffset - 1`.
 */
export class QuorumStore {
  private firstOffset = 0;
  private endOffset = 0;

  private constructor(private readonly db: Level<string, Buffer>) {}

  /** Opens (creating if needed) the store in `dir` and returns it with everything it holds. */
  static async open(dir: string): Promise<{ store: QuorumStore; state: QuorumState }> {
    const db = new Level<string, Buffer>(dir, { valueEncoding: 'buffer' });
    await db.open();
    const store = new QuorumStore(db);
    return { store, state: await store.load() };
  }

  private async load(): Promise<QuorumState> {
    const hard = await this.db.get(HARD_STATE_KEY);
    const snapshotBytes = await this.db.get(SNAPSHOT_KEY);
    const snapshot = snapshotBytes ? decodeSnapshot(snapshotBytes) : null;
    const entries: QuorumEntry[] = [];
    for await (const [key, value] of this.db.iterator({ gte: ENTRY_PREFIX, lt: ENTRY_PREFIX + '~' })) {
      const offset = parseInt(key.slice(ENTRY_PREFIX.length), 16);
      entries.push({ offset, epoch: value.readInt32BE(0), data: new Uint8Array(value.subarray(EPOCH_BYTES)) });
    }
    this.firstOffset = entries[0]?.offset ?? snapshot?.endOffset ?? 0;
    this.endOffset = entries.length > 0 ? entries[entries.length - 1]!.offset + 1 : this.firstOffset;
    entries.forEach((e, i) => {
      if (e.offset !== this.firstOffset + i) throw new Error(`quorum store: entry offsets not dense at ${e.offset}`);
    });
    return { hardState: hard ? JSON.parse(hard.toString()) as QuorumHardState : null, snapshot, entries };
  }

  /** Applies one change atomically and durably (fsync) before resolving. */
  async write(change: QuorumChange): Promise<void> {
    const ops: ({ type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string })[] = [];
    let first = this.firstOffset;
    let end = this.endOffset;
    if (change.hardState) ops.push({ type: 'put', key: HARD_STATE_KEY, value: Buffer.from(JSON.stringify(change.hardState)) });
    if (change.snapshot) ops.push({ type: 'put', key: SNAPSHOT_KEY, value: encodeSnapshot(change.snapshot) });
    if (change.logStartOffset !== undefined && change.logStartOffset !== null && change.logStartOffset > first) {
      for (let o = first; o < Math.min(change.logStartOffset, end); o++) ops.push({ type: 'del', key: entryKey(o) });
      first = change.logStartOffset;
      end = Math.max(end, first);
    }
    if (change.truncateFrom !== undefined && change.truncateFrom !== null && change.truncateFrom < end) {
      for (let o = Math.max(change.truncateFrom, first); o < end; o++) ops.push({ type: 'del', key: entryKey(o) });
      end = Math.max(change.truncateFrom, first);
    }
    for (const entry of change.entries ?? []) {
      if (entry.offset !== end) throw new Error(`quorum store: entry ${entry.offset} does not follow log end ${end}`);
      ops.push({ type: 'put', key: entryKey(entry.offset), value: encodeEntry(entry) });
      end++;
    }
    if (ops.length === 0) return;
    await this.db.batch(ops, { sync: true });
    this.firstOffset = first;
    this.endOffset = end;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
