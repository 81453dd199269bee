import {
  BATCH, COMPRESSION_CODEC_MASK, COMPRESSION_CODECS, computeBatchCrc, CONTROL_FLAG, decodeRecordBatches, encodeRecordBatch,
  ProtocolDecodeError, TRANSACTIONAL_FLAG, UnsupportedCompressionError, type DecodedBatch, type DecodedRecord, type WritableCompression,
} from '@sluice/protocol';
import { SEGMENT_BYTES_LIMIT } from '../config.js';
import { invariant } from '../errors.js';
import { RELATIVE_OFFSET_MAX, type Segment } from '../segment/segment.js';
import { largestTimestampMs } from './retention.js';

/**
 * Compaction decisions and record filtering, Kafka's LogCleaner at our scale: which segments are
 * cleanable, how they group into output segments, the key -> latest offset map, and what each
 * stored batch becomes. Everything here reads segments but changes nothing on disk; cleaner.ts
 * writes the output and swaps it in.
 */

/** Batches are read this much at a time (or one whole batch when larger): segment by segment, never a whole file. */
const READ_WINDOW_BYTES = 1024 * 1024;

/**
 * How many of the oldest segments are cleanable: the leading run of closed segments whose every
 * offset is below `upToOffset` (the high watermark) and whose newest batch is at least
 * `minCompactionLagMs` old. When the active segment is empty, the last closed segment is left
 * alone too: it holds the log's last batch, which compaction never removes, so logEndOffset is
 * always that batch's end and a follower fetching there finds it.
 */
export function countCleanable(segments: readonly Segment[], opts: { upToOffset: bigint; nowMs: number; minCompactionLagMs: number }): number {
  const active = segments[segments.length - 1]!;
  const closedMax = active.sizeBytes === 0 ? segments.length - 2 : segments.length - 1;
  let n = 0;
  while (n < closedMax && segments[n + 1]!.baseOffset <= opts.upToOffset && pastLag(segments[n]!, opts)) n++;
  return n;
}

/** Whether every batch of the segment is at least minCompactionLagMs old (an empty one has nothing to wait for). */
function pastLag(segment: Segment, opts: { nowMs: number; minCompactionLagMs: number }): boolean {
  return segment.sizeBytes === 0 || opts.nowMs - largestTimestampMs(segment) >= opts.minCompactionLagMs;
}

/** Limits of one output segment. */
export interface GroupLimits {
  /** segment.bytes (capped at the int32 limit). */
  segmentBytes: number;
  /** Entries each index may hold. */
  indexEntriesMax: number;
}

/**
 * Groups the first `count` segments into runs that each become one output segment (Kafka
 * groupSegmentsBySize): adjacent segments while their total size stays within segment.bytes,
 * their index entries within one index and their offsets within an int32 of the first base
 * offset. Returns each group's segment count, in order.
 */
export function groupSegments(segments: readonly Segment[], count: number, limits: GroupLimits): number[] {
  const bytesMax = Math.min(limits.segmentBytes, SEGMENT_BYTES_LIMIT);
  const groups: number[] = [];
  for (let i = 0; i < count; ) {
    const first = segments[i]!;
    let bytes = first.sizeBytes;
    let entries = indexEntries(first);
    let n = 1;
    while (i + n < count) {
      const next = segments[i + n]!;
      const end = segments[i + n + 1]!.baseOffset;
      if (bytes + next.sizeBytes > bytesMax || entries + indexEntries(next) > limits.indexEntriesMax) break;
      if (end - 1n - first.baseOffset > BigInt(RELATIVE_OFFSET_MAX)) break;
      bytes += next.sizeBytes;
      entries += indexEntries(next);
      n++;
    }
    groups.push(n);
    i += n;
  }
  return groups;
}

function indexEntries(segment: Segment): number {
  return Math.max(segment.offsetIndex.entryCount, segment.timeIndex.entryCount) + 1;
}

/**
 * Calls `visit` with each stored batch of `segment`, in order, as a view of a read window of at
 * most 1 MiB (or exactly one batch when it is larger). The view is only valid during the call.
 * After each window it awaits `between`, which yields to the event loop and may throw to stop
 * (the segment may be gone by then: `between` must check that before the next read).
 */
export async function forEachStoredBatch(segment: Segment, visit: (batch: Buffer) => void, between: () => Promise<void>): Promise<void> {
  let window = Buffer.allocUnsafe(Math.min(READ_WINDOW_BYTES, Math.max(segment.sizeBytes, BATCH.HEADER_BYTES)));
  for (let position = 0; position < segment.sizeBytes; ) {
    const want = Math.min(window.length, segment.sizeBytes - position);
    segment.readInto(window.subarray(0, want), position);
    let at = 0;
    while (at + BATCH.LOG_OVERHEAD <= want) {
      const size = window.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      invariant(size >= BATCH.HEADER_BYTES, `segment ${segment.baseOffset}: batch of ${size} bytes at ${position + at}`);
      if (at + size > want) break;
      visit(window.subarray(at, at + size));
      at += size;
    }
    if (at === 0) window = Buffer.allocUnsafe(window.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD);
    position += at;
    await between();
  }
}

/** zstd's number in attribute bits 0-2. */
const ZSTD_CODEC = COMPRESSION_CODECS.indexOf('zstd');

/**
 * Whether the cleaner may rewrite this stored batch by its attributes: not transactional or control
 * batches, and not zstd ones: the only zstd decoder on Node 20 (fzstd) can be made to allocate and
 * copy its window for seconds by a few bytes from a client, and the cleaner runs on the broker's
 * event loop; nor could the project write zstd back.
 */
export function isRewritable(batch: Buffer): boolean {
  const attributes = batch.readInt16BE(BATCH.ATTRIBUTES);
  return (attributes & (TRANSACTIONAL_FLAG | CONTROL_FLAG)) === 0 && (attributes & COMPRESSION_CODEC_MASK) !== ZSTD_CODEC;
}

/**
 * The key -> latest offset map of a cleaning run (Kafka's OffsetMap, with exact keys instead of
 * hashes), bounded by `keysMax`. Offsets are Numbers: logs never reach 2^53 offsets.
 */
export class OffsetMap {
  private readonly latest = new Map<string, number>();

  constructor(readonly keysMax: number) {}

  get size(): number {
    return this.latest.size;
  }

  /**
   * Records the keyed records of a rewritable batch. Returns false, adding nothing more, when a
   * new key would pass keysMax (keys already added stay: they only ever point at records that
   * remain in the log, so they can only remove records that really are superseded).
   */
  addBatch(batch: Buffer): boolean {
    const decoded = decodeIfRewritable(batch);
    if (!decoded) return true;
    for (const record of decoded.records) {
      if (record.key === null) continue;
      const key = record.key.toString('latin1');
      if (!this.latest.has(key) && this.latest.size >= this.keysMax) return false;
      this.latest.set(key, Number(record.offset));
    }
    return true;
  }

  /** Whether a later record with the same key is in the map. */
  supersedes(record: DecodedRecord): boolean {
    if (record.key === null) return false;
    const latest = this.latest.get(record.key.toString('latin1'));
    return latest !== undefined && latest > Number(record.offset);
  }
}

/** What filtering would remove from one stored batch, before any re-encoding. */
interface BatchDecision {
  /** The decoded batch, null for one the cleaner does not rewrite. */
  decoded: DecodedBatch | null;
  kept: DecodedRecord[];
  recordsRemoved: number;
  tombstonesRemoved: number;
  /** Whether a tombstone stays (it will expire later: the next run must look). */
  keepsTombstone: boolean;
}

const UNTOUCHED: BatchDecision = Object.freeze({ decoded: null, kept: [], recordsRemoved: 0, tombstonesRemoved: 0, keepsTombstone: false }) as BatchDecision;

/** What a run's filtering needs: the offset map, the clock and retention, and what it has passed. */
export interface FilterContext {
  map: OffsetMap;
  nowMs: number;
  deleteRetentionMs: number;
  /**
   * Whether a batch the cleaner keeps unread (zstd, transactional, undecodable) has been passed.
   * Batches are decided in offset order from the log start, so from then on a tombstone may hide an
   * older value in such a batch: it is kept, or dropping it would bring the deleted key back.
   */
  passedUnreadBatch: boolean;
}

/** A fresh context for one run. */
export function filterContext(map: OffsetMap, nowMs: number, deleteRetentionMs: number): FilterContext {
  return { map, nowMs, deleteRetentionMs, passedUnreadBatch: false };
}

/**
 * Decides which records of one stored batch stay: a record goes when a later record has its key,
 * or when it is a tombstone (null value) whose batch max timestamp is more than
 * deleteRetentionMs old and no unread batch lies below it. Batches the cleaner does not rewrite
 * (transactional, control, zstd, undecodable) keep everything. Call in offset order.
 */
export function decideBatch(batch: Buffer, ctx: FilterContext): BatchDecision {
  const decoded = decodeIfRewritable(batch);
  if (!decoded) {
    // Control batches (transaction markers) hold no keyed data a tombstone could hide.
    if ((batch.readInt16BE(BATCH.ATTRIBUTES) & CONTROL_FLAG) === 0) ctx.passedUnreadBatch = true;
    return UNTOUCHED;
  }
  const tombstonesExpire = !ctx.passedUnreadBatch && ctx.nowMs - Number(decoded.maxTimestamp) > ctx.deleteRetentionMs;
  const kept: DecodedRecord[] = [];
  let tombstonesRemoved = 0;
  for (const record of decoded.records) {
    const expired = record.value === null && record.key !== null && tombstonesExpire;
    if (ctx.map.supersedes(record) || expired) {
      if (record.value === null) tombstonesRemoved++;
      continue;
    }
    kept.push(record);
  }
  const keepsTombstone = kept.some((r) => r.value === null && r.key !== null);
  return { decoded, kept, recordsRemoved: decoded.records.length - kept.length, tombstonesRemoved, keepsTombstone };
}

/** What became of one stored batch. */
export interface FilteredBatch extends Omit<BatchDecision, 'decoded' | 'kept'> {
  /** The bytes to write: the original batch, a rewritten one, or null when no record is left. */
  bytes: Buffer | null;
}

/**
 * Filters one stored batch as `decideBatch` says. Batches the cleaner does not rewrite come back
 * untouched, as do batches that lose nothing. A rewritten batch keeps its base offset,
 * lastOffsetDelta (so offsets and the log end offset are preserved), max timestamp, leader epoch,
 * producer fields and codec, with a new CRC-32C.
 */
export function filterBatch(batch: Buffer, ctx: FilterContext): FilteredBatch {
  const { decoded, kept, recordsRemoved, tombstonesRemoved, keepsTombstone } = decideBatch(batch, ctx);
  const bytes = recordsRemoved === 0 || !decoded ? batch : kept.length === 0 ? null : reencode(decoded, kept);
  return { bytes, recordsRemoved, tombstonesRemoved, keepsTombstone };
}

/**
 * The stored batch decoded, or null when the cleaner leaves it as it is: transactional, control and
 * zstd batches, and batches whose records do not decode (the broker stores compressed sections without
 * opening them, so a client's damaged one must not stop compaction of the whole log).
 */
function decodeIfRewritable(batch: Buffer): DecodedBatch | null {
  if (!isRewritable(batch)) return null;
  let decoded: DecodedBatch[];
  try {
    decoded = decodeRecordBatches(batch);
  } catch (err) {
    if (err instanceof ProtocolDecodeError || err instanceof UnsupportedCompressionError) return null;
    throw err;
  }
  invariant(decoded.length === 1, `stored batch at offset ${batch.readBigInt64BE(BATCH.BASE_OFFSET)} does not decode as one batch`);
  return decoded[0]!;
}

/** The batch with only `kept`, through the project's batch codec, then given back its offset range and max timestamp. */
function reencode(decoded: DecodedBatch, kept: readonly DecodedRecord[]): Buffer {
  const out = encodeRecordBatch({
    baseOffset: decoded.baseOffset,
    partitionLeaderEpoch: decoded.partitionLeaderEpoch,
    baseTimestamp: decoded.baseTimestamp,
    producerId: decoded.producerId,
    producerEpoch: decoded.producerEpoch,
    baseSequence: decoded.baseSequence,
    compression: decoded.compression as WritableCompression,
    timestampType: decoded.timestampType,
    records: kept.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
  });
  // Kafka keeps the original last offset (and so the batch's offset range) when records go.
  out.writeInt32BE(decoded.lastOffsetDelta, BATCH.LAST_OFFSET_DELTA);
  out.writeBigInt64BE(decoded.maxTimestamp, BATCH.MAX_TIMESTAMP);
  out.writeUInt32BE(computeBatchCrc(out), BATCH.CRC);
  return out;
}
