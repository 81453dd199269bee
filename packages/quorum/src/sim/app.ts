import type { Entry } from '../core/messages.js';
import type { Snapshot } from '../core/ready.js';

/** FNV-1a over bytes: a cheap 32-bit fingerprint of an entry's data. */
export function fingerprint(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}

/** The state after applying one more entry: a hash chain over (offset, epoch, data). */
export function chainWith(chain: number, entry: Entry): number {
  let h = Math.imul(chain ^ entry.offset, 0x01000193);
  h = Math.imul(h ^ entry.epoch, 0x01000193);
  h = Math.imul(h ^ fingerprint(entry.data), 0x01000193);
  return h >>> 0;
}

const HEADER_BYTES = 12;

/**
 * The simulated application: its whole state is a hash chain over the applied entries, so two
 * nodes agree on the state at offset o exactly when they applied the same entries below o.
 * Snapshots hold the chain plus padding, so they span several FetchSnapshot chunks.
 */
export class SimApp {
  /** Offsets below this were applied. */
  appliedEnd = 0;
  chain = 0;
  lastEpoch = 0;
  appliedSinceSnapshot = 0;

  /** Replaces the state by a snapshot's. */
  load(snapshot: Snapshot): void {
    const view = new DataView(snapshot.data.buffer, snapshot.data.byteOffset, snapshot.data.byteLength);
    const endOffset = view.getUint32(0);
    if (endOffset !== snapshot.endOffset) throw new Error(`snapshot header says ${endOffset}, id says ${snapshot.endOffset}`);
    this.appliedEnd = endOffset;
    this.chain = view.getUint32(4);
    this.lastEpoch = view.getUint32(8);
    this.appliedSinceSnapshot = 0;
  }

  /** Applies one committed entry. Entries must come in offset order, each once. */
  apply(entry: Entry): void {
    if (entry.offset !== this.appliedEnd) throw new Error(`apply of ${entry.offset}, expected ${this.appliedEnd}`);
    this.chain = chainWith(this.chain, entry);
    this.appliedEnd++;
    this.lastEpoch = entry.epoch;
    this.appliedSinceSnapshot++;
  }

  /** A snapshot of the current state, `padBytes` long beyond its header. */
  snapshot(padBytes: number): Snapshot {
    const data = new Uint8Array(HEADER_BYTES + padBytes);
    const view = new DataView(data.buffer);
    view.setUint32(0, this.appliedEnd);
    view.setUint32(4, this.chain);
    view.setUint32(8, this.lastEpoch);
    for (let i = HEADER_BYTES; i < data.length; i++) data[i] = (this.chain + i) & 0xff;
    this.appliedSinceSnapshot = 0;
    return { endOffset: this.appliedEnd, epoch: this.lastEpoch, data };
  }
}
