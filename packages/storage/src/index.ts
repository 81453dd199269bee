/**
 * @sluice/storage: the partition log (segments, offset and time indexes, recovery, retention).
 * Start with log/partition-log.ts.
 */
export { DEFAULT_LOG_CONFIG, validateLogConfig, type LogConfig, type StorageLogger } from './config.js';
export { InconsistentTopicId, InvariantError, OffsetOutOfRange, StorageFailure } from './errors.js';
export { readPartitionTopicId } from './log/dir-files.js';
export { PartitionLog, type AppendResult, type PartitionLogOptions, type TimestampAndOffset } from './log/partition-log.js';
export type { ReadOptions, ReadResult } from './log/read.js';
export { QuorumStore, type QuorumChange, type QuorumEntry, type QuorumHardState, type QuorumSnapshot, type QuorumState } from './state-store/quorum-store.js';
