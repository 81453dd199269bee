import { BATCH, checkBatch, type BatchProblem } from '@sluice/protocol';
import { readFully } from './entry-file.js';

/** What a scan learns about one batch from its header. */
export interface ScannedBatch {
  position: number;
  sizeBytes: number;
  baseOffset: bigint;
  /** The leader epoch stamped in the header (-1 when none was). */
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  maxTimestamp: bigint;
}

/** Why a scan stopped before the end: a batch problem, or an offset that goes back (overlaps the previous batch). */
export type ScanProblem = BatchProblem | 'bad-offset';

/** How a scan ended: at `endPosition`, by the visitor, or at a bad batch starting at `position`. */
export type ScanEnd =
  | { kind: 'end'; position: number }
  | { kind: 'stopped'; position: number }
  | { kind: 'bad'; position: number; problem: ScanProblem };

/** Where and how to scan a segment file. */
export interface ScanOptions {
  fd: number;
  fromPosition: number;
  /** Scan up to here (exclusive): the segment size. */
  endPosition: number;
  /** Check every batch with `checkBatch` (length bound, magic, CRC-32C); recovery does, reads do not. */
  verifyCrc: boolean;
  batchBytesMax: number;
  /**
   * When set, the first batch must start at or after this offset and each next one after the
   * previous one's last offset. Gaps are allowed: compaction removes whole batches.
   */
  minBaseOffset?: bigint;
}

/** Header-only scans read this much at a time: several small batches' headers per syscall. */
const HEADER_WINDOW_BYTES = 8192;
/** Verifying scans read whole batches; a large window keeps the syscall count low. */
const VERIFY_WINDOW_BYTES = 1024 * 1024;

/**
 * Shared window for header-only scans. Safe because scans are synchronous and never nested (a
 * visitor must not start another scan).
 */
const headerWindow = Buffer.allocUnsafe(HEADER_WINDOW_BYTES);

/**
 * Walks the batches of a segment file from `fromPosition`, calling `visit` for each good one until
 * it returns false. Never reads records: headers only, plus the whole batch for the CRC when
 * verifying. A length outside [61, batchBytesMax] or past the end, a wrong magic, a CRC mismatch or
 * an offset at or below the previous batch's last offset ends the scan as 'bad' at that batch.
 */
export function scanBatches(opts: ScanOptions, visit: (batch: ScannedBatch) => boolean): ScanEnd {
  const verifyWindowBytes = Math.max(BATCH.HEADER_BYTES, Math.min(VERIFY_WINDOW_BYTES, opts.endPosition - opts.fromPosition));
  const window = new Window(opts.fd, opts.endPosition, opts.verifyCrc ? Buffer.allocUnsafe(verifyWindowBytes) : headerWindow);
  let position = opts.fromPosition;
  let minBase = opts.minBaseOffset;
  for (;;) {
    if (position >= opts.endPosition) return { kind: 'end', position };
    const checked = checkAt(window, position, opts);
    if (typeof checked === 'string') return { kind: 'bad', position, problem: checked };
    const batch = headerAt(window.buf, window.offsetOf(position), position);
    if (batch.lastOffsetDelta < 0 || (minBase !== undefined && batch.baseOffset < minBase)) {
      return { kind: 'bad', position, problem: 'bad-offset' };
    }
    if (minBase !== undefined) minBase = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
    if (!visit(batch)) return { kind: 'stopped', position };
    position += batch.sizeBytes;
  }
}

/** Loads the batch at `position` into the window (its header, or all of it when verifying) and checks it. */
function checkAt(window: Window, position: number, opts: ScanOptions): number | BatchProblem {
  if (!window.load(position, BATCH.HEADER_BYTES)) return 'truncated';
  const at = window.offsetOf(position);
  const size = window.buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  if (size < BATCH.HEADER_BYTES || size > opts.batchBytesMax) return 'bad-length';
  if (position + size > opts.endPosition) return 'truncated';
  if (!opts.verifyCrc) return window.buf.readInt8(at + BATCH.MAGIC) === 2 ? size : 'bad-magic';
  if (!window.load(position, size)) return 'truncated';
  return checkBatch(window.view(), window.offsetOf(position), opts.batchBytesMax);
}

function headerAt(buf: Buffer, at: number, position: number): ScannedBatch {
  return {
    position,
    sizeBytes: buf.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD,
    baseOffset: buf.readBigInt64BE(at + BATCH.BASE_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(at + BATCH.PARTITION_LEADER_EPOCH),
    lastOffsetDelta: buf.readInt32BE(at + BATCH.LAST_OFFSET_DELTA),
    maxTimestamp: buf.readBigInt64BE(at + BATCH.MAX_TIMESTAMP),
  };
}

/** A range of the file held in memory; reloaded (and grown for a large batch) when a batch falls outside it. */
class Window {
  private start = 0;
  private length = 0;

  constructor(
    private readonly fd: number,
    private readonly endPosition: number,
    public buf: Buffer,
  ) {}

  /** Ensures [position, position + bytes) is in memory; false if the file ends first. */
  load(position: number, bytes: number): boolean {
    if (position >= this.start && position + bytes <= this.start + this.length) return true;
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes);
    const want = Math.min(this.buf.length, this.endPosition - position);
    this.start = position;
    this.length = readFully(this.fd, this.buf.subarray(0, want), position);
    return this.length >= bytes;
  }

  offsetOf(position: number): number {
    return position - this.start;
  }

  /** The loaded bytes, so `checkBatch` sees exactly what is in the file. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
