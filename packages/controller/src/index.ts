/**
 * @sluice/controller: the KRaft metadata model and the active controller's pure planners.
 * Records (records.ts) are what the metadata log holds; MetadataImage (image.ts) is what applying
 * them gives; the planners in controller/ read an image and return records to propose plus
 * per-item results. Nothing here does IO, reads a clock or draws randomness of its own.
 */
export { InvariantError, invariant, assertNever } from './errors.js';
export { ErrorCode } from './error-codes.js';
export { RecordCodec, RecordFormatError, isUuid } from './record-codec.js';
export type { FieldKind, FieldSpec, RawFields, RecordSchema, VersionedRecord } from './record-codec.js';
export {
  NO_LEADER, METADATA_RECORD_SCHEMAS, metadataRecord, encodeMetadataRecord, decodeMetadataRecord,
} from './records.js';
export type {
  BrokerListener, ConfigResourceType, RegisterBrokerRecord, UnregisterBrokerRecord, FenceBrokerRecord,
  UnfenceBrokerRecord, TopicRecord, PartitionRecord, PartitionChangeRecord, RemoveTopicRecord, ConfigRecord,
  MetadataRecord, MetadataRecordType, RecordOfType, RecordFields,
} from './records.js';
export { MetadataImage } from './image.js';
export type { BrokerRegistration, PartitionRegistration, TopicImage, PartitionRef, PartitionEntry } from './image-types.js';
export { topicNameProblem, topicCollisionKey, TOPIC_NAME_LENGTH_MAX } from './topic-names.js';
export { BrokerSessions } from './controller/broker-sessions.js';
export type { BrokerSession, SessionContact } from './controller/broker-sessions.js';
export { registerBroker, heartbeat, fenceExpired, unregisterBroker } from './controller/broker-lifecycle.js';
export type {
  RegisterBrokerRequest, RegisterBrokerResult, HeartbeatRequest, HeartbeatResult, SessionClock,
  FenceExpiredResult, BrokerPlan,
} from './controller/broker-lifecycle.js';
export {
  electLeader, isEligibleReplica, uncleanLeaderElectionEnabled, planBrokerRemoval, planOfflineLeaderElection,
  planPreferredLeaderElection, changeRecord, UNCLEAN_LEADER_ELECTION_CONFIG,
} from './controller/leader-election.js';
export type { ElectionOptions, ElectionResult, PartitionChangePlan } from './controller/leader-election.js';
export { placeReplicas, placementBrokers, assignmentProblem, initialLeaderAndIsr } from './controller/replica-placement.js';
export type { PlacementBroker, PlacementRequest, PlacementResult, RandomInt } from './controller/replica-placement.js';
export { createTopics, deleteTopics } from './controller/topics.js';
export type {
  CreatableTopic, CreateTopicsOptions, CreateTopicResult, DeletableTopic, DeleteTopicResult,
} from './controller/topics.js';
export { createPartitions } from './controller/create-partitions.js';
export type { CreatePartitionsTopic, CreatePartitionsOptions, CreatePartitionsResult } from './controller/create-partitions.js';
export { alterPartition } from './controller/alter-partition.js';
export type { AlterPartitionRequest, AlterPartitionResult } from './controller/alter-partition.js';
export { incrementalAlterConfigs, configProblem } from './controller/configs.js';
export type {
  ConfigResource, ConfigValidator, AlterableConfig, AlterConfigsResource, AlterConfigsResult,
} from './controller/configs.js';
export { PARTITIONS_PER_REQUEST_MAX, CONFIGS_PER_REQUEST_MAX } from './controller/limits.js';
