import { closeSync, constants, fstatSync, fsync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { invariant } from '../errors.js';

const INITIAL_CAPACITY_BYTES = 4096;

/** Read-write, created if missing, never O_APPEND: Linux ignores the position of pwrite under O_APPEND. */
export const OPEN_OR_CREATE = constants.O_RDWR | constants.O_CREAT;

/**
 * An append-only file of fixed-size entries (the offset and time indexes) mirrored in memory.
 *
 * Entries live in `mem` and reach the file in bulk (`writePending`), not one syscall per entry:
 * the indexes are sparse and rebuilt from the log after an unclean shutdown, so the file may lag
 * the memory copy until the next flush, roll or close. The memory copy of a segment nobody reads
 * is loaded only on first use.
 *
 * Invariant: writtenCount <= count, and the file holds exactly the first writtenCount entries
 * (plus possibly a torn tail after a crash, which recovery detects by the file size).
 */
export class EntryFile {
  private mem: Buffer | null = null;
  private count: number;
  private writtenCount: number;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly entryBytes: number,
    fileBytes: number,
  ) {
    this.count = Math.floor(fileBytes / entryBytes);
    this.writtenCount = this.count;
  }

  /** Opens (creating if missing) the file. `truncate` empties it, for a new segment or a rebuild. */
  static open(path: string, entryBytes: number, opts: { truncate: boolean }): { file: EntryFile; tornBytes: number } {
    const fd = openSync(path, opts.truncate ? 'w+' : OPEN_OR_CREATE);
    const fileBytes = fstatSync(fd).size;
    return { file: new EntryFile(path, fd, entryBytes, fileBytes), tornBytes: fileBytes % entryBytes };
  }

  get entryCount(): number {
    return this.count;
  }

  /** The entries as one buffer (`entryCount * entryBytes` bytes), loading them from disk on first use. */
  entries(): Buffer {
    return this.loaded().subarray(0, this.count * this.entryBytes);
  }

  /**
   * Binary search: the index of the last entry for which `keyAtMost(entries, at)` holds, or -1 if
   * none does. `at` is the entry's byte position in `entries`. The predicate must hold for a prefix
   * of the entries and fail for the rest, which the indexes' sorted keys guarantee.
   */
  lastIndexWhere(keyAtMost: (entries: Buffer, at: number) => boolean): number {
    const entries = this.entries();
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAtMost(entries, mid * this.entryBytes)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Reads one entry without loading the whole file (used at open to sanity-check the last entry). */
  readEntry(index: number): Buffer {
    invariant(index >= 0 && index < this.count, `entry ${index} outside [0, ${this.count})`);
    if (this.mem) return this.mem.subarray(index * this.entryBytes, (index + 1) * this.entryBytes);
    const out = Buffer.alloc(this.entryBytes);
    readFully(this.fd, out, index * this.entryBytes);
    return out;
  }

  /** Reserves room for one more entry and returns the buffer and byte position to fill it at. */
  appendSlot(): { buf: Buffer; at: number } {
    const mem = this.ensureCapacity((this.count + 1) * this.entryBytes);
    const at = this.count * this.entryBytes;
    this.count++;
    return { buf: mem, at };
  }

  /** Writes entries appended since the last call to the file (one positional write). */
  writePending(): void {
    if (this.writtenCount === this.count) return;
    const from = this.writtenCount * this.entryBytes;
    writeFully(this.fd, this.loaded().subarray(from, this.count * this.entryBytes), from);
    this.writtenCount = this.count;
  }

  /** Keeps the first `count` entries, in memory and on disk. */
  truncateTo(count: number): void {
    invariant(count >= 0 && count <= this.count, `truncate to ${count} outside [0, ${this.count}]`);
    this.count = count;
    if (this.writtenCount > count) {
      ftruncateSync(this.fd, count * this.entryBytes);
      this.writtenCount = count;
    }
  }

  /** Empties the file, torn tail included, before a rebuild. */
  reset(): void {
    ftruncateSync(this.fd, 0);
    this.count = 0;
    this.writtenCount = 0;
  }

  /** fsync of the file; call `writePending` first for the memory copy to be included. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => fsync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    closeSync(this.fd);
  }

  private loaded(): Buffer {
    if (this.mem) return this.mem;
    const mem = Buffer.allocUnsafe(Math.max(INITIAL_CAPACITY_BYTES, this.count * this.entryBytes));
    readFully(this.fd, mem.subarray(0, this.writtenCount * this.entryBytes), 0);
    this.mem = mem;
    return mem;
  }

  /** Grows the memory copy by doubling; the caller bounds the entry count (segmentIndexBytesMax). */
  private ensureCapacity(bytes: number): Buffer {
    const mem = this.loaded();
    if (mem.length >= bytes) return mem;
    const grown = Buffer.allocUnsafe(Math.max(bytes, mem.length * 2));
    mem.copy(grown, 0, 0, this.count * this.entryBytes);
    this.mem = grown;
    return grown;
  }
}

/** Positional write of the whole buffer; writeSync may write less than asked, so it loops. */
export function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Positional read filling `buf`; returns the bytes read, fewer only at end of file. */
export function readFully(fd: number, buf: Buffer, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
