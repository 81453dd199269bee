import { KafkaError, type BatchProblem } from '@sluice/protocol';

/** A broken internal invariant: a bug. Nobody catches it; the process exits and restarts. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Throws `InvariantError` unless `condition` holds. */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/**
 * A read asked for an offset outside [logStartOffset, logEndOffset]. Maps to OFFSET_OUT_OF_RANGE;
 * the consumer then resets its position per auto.offset.reset.
 */
export class OffsetOutOfRange extends KafkaError {
  override name = 'OffsetOutOfRange';

  constructor(
    readonly offset: bigint,
    readonly logStartOffset: bigint,
    readonly logEndOffset: bigint,
  ) {
    super('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside the log [${logStartOffset}, ${logEndOffset}]`);
  }
}

/**
 * The partition directory belongs to another topic id (a deleted topic recreated with the same
 * name). Maps to INCONSISTENT_TOPIC_ID; the old data must never be served.
 */
export class InconsistentTopicId extends KafkaError {
  override name = 'InconsistentTopicId';

  constructor(
    readonly dir: string,
    readonly expectedTopicId: string,
    readonly foundTopicId: string | null,
  ) {
    const found = foundTopicId === null ? 'no partition.metadata' : `topic id ${foundTopicId}`;
    super('INCONSISTENT_TOPIC_ID', `partition directory ${dir} holds ${found}, expected topic id ${expectedTopicId}`);
  }
}

/**
 * A disk operation (write, fsync, truncate) failed. The log refuses further appends and flushes,
 * as Kafka takes the log directory offline: after a failed write the file state is unknown.
 * Maps to KAFKA_STORAGE_ERROR.
 */
export class StorageFailure extends KafkaError {
  override name = 'StorageFailure';
  override readonly cause: unknown;

  constructor(message: string, cause: unknown) {
    super('KAFKA_STORAGE_ERROR', message);
    this.cause = cause;
  }
}

/**
 * Why `appendAsFollower` refused batches: a batch that is not whole and valid (a BatchProblem,
 * CRC included), a first base offset below logEndOffset, a batch that starts at or below the
 * previous one's last offset (gaps are fine: compaction leaves them), a batch without a leader epoch, or a leader epoch below the log's latest
 * or the previous batch's (the follower must truncate to the divergence point first, KIP-101).
 */
export type FollowerAppendProblem = BatchProblem | 'stale-fetch' | 'unexpected-base-offset' | 'overlapping-offsets' | 'missing-leader-epoch' | 'leader-epoch-goes-back';

const BATCH_PROBLEMS: ReadonlySet<FollowerAppendProblem> = new Set(['truncated', 'bad-length', 'bad-magic', 'bad-crc']);

/**
 * Batches fetched from the leader do not continue this log (nothing was written). Corrupt bytes
 * map to CORRUPT_MESSAGE, the rest to INVALID_RECORD. The replica fetcher handles it: a stale
 * fetch (the log end moved, e.g. by truncation, while the fetch was out) means fetch again from
 * logEndOffset; the others mean a leader bug or a follower that skipped truncation.
 */
export class InvalidFollowerAppend extends KafkaError {
  override name = 'InvalidFollowerAppend';

  constructor(
    readonly problem: FollowerAppendProblem,
    /** Byte position of the offending batch in the appended buffer. */
    readonly position: number,
    detail: string,
  ) {
    super(BATCH_PROBLEMS.has(problem) ? 'CORRUPT_MESSAGE' : 'INVALID_RECORD', `follower append refused (${problem}): ${detail}`);
  }
}
