/** Public surface of the pure classic group coordinator core. */
export { GroupErrorCode, InvariantError, invariant, assertNever, type GroupErrorCodeValue } from './errors.js';
export * from './types.js';
export { ClassicGroup, type ClassicGroupOptions, type GroupDescription } from './group.js';
export { GroupOffsets, subscribedTopicsOf, type CommittedOffset, type OffsetCommitEntry, type TopicPartition, type FetchedOffset, type PartitionResult } from './group-offsets.js';
export { GroupCoordinatorState, offsetsPartitionFor, type GroupCoordinatorOptions, type ListedGroup } from './coordinator-state.js';
