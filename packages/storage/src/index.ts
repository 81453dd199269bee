/**
 * @sluice/storage: the partition log (segments, offset and time indexes, recovery, retention,
 * leader epochs and the high watermark checkpoint).
 * Start with log/partition-log.ts.
 */
export { DEFAULT_LOG_CONFIG, validateLogConfig, type LogConfig, type StorageLogger } from './config.js';
export { InconsistentTopicId, InvalidFollowerAppend, InvariantError, OffsetOutOfRange, StorageFailure, type FollowerAppendProblem } from './errors.js';
export { readPartitionTopicId } from './log/dir-files.js';
export { LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET, type EpochEndOffset, type EpochEntry } from './log/leader-epoch-cache.js';
export type { CompactionResult, CompactionStep, CompactOptions } from './log/cleaner.js';
export { PartitionLog, type AppendResult, type PartitionLogOptions, type TimestampAndOffset } from './log/partition-log.js';
export type { ReadOptions, ReadResult } from './log/read.js';
export { QuorumStore, type QuorumChange, type QuorumEntry, type QuorumHardState, type QuorumSnapshot, type QuorumState } from './state-store/quorum-store.js';
