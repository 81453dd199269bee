import { field, structArray, type ApiSpec } from '../schema.js';

/** Kafka's common struct ReplicaState, shared by voters and observers (v0-1 fields only). */
const replicaState = [
  field('replicaId', 'int32', '0+'),
  field('logEndOffset', 'int64', '0+'),
  field('lastFetchTimestamp', 'int64', '1+', { default: -1n }),
  field('lastCaughtUpTimestamp', 'int64', '1+', { default: -1n }),
];

/** DescribeQuorum (key 55), v0-1; flexible in every version. Describes the KRaft metadata quorum. */
export const DescribeQuorum = {
  apiKey: 55,
  name: 'DescribeQuorum',
  minVersion: 0,
  maxVersion: 1,
  flexibleMin: 0,
  request: {
    fields: [
      structArray('topics', '0+', [
        field('topicName', 'string', '0+'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
        ]),
      ]),
    ],
  },
  response: {
    fields: [
      field('errorCode', 'int16', '0+'),
      structArray('topics', '0+', [
        field('topicName', 'string', '0+'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('errorCode', 'int16', '0+'),
          field('leaderId', 'int32', '0+'),
          field('leaderEpoch', 'int32', '0+'),
          field('highWatermark', 'int64', '0+'),
          structArray('currentVoters', '0+', replicaState),
          structArray('observers', '0+', replicaState),
        ]),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** A quorum partition to describe (the metadata log is `__cluster_metadata`-0). */
export interface DescribeQuorumRequestPartition {
  partitionIndex: number;
}

/** The partitions in one topic. */
export interface DescribeQuorumRequestTopic {
  topicName: string;
  partitions: DescribeQuorumRequestPartition[];
}

/** DescribeQuorum request body. */
export interface DescribeQuorumRequest {
  topics: DescribeQuorumRequestTopic[];
}

/** How far one voter or observer has replicated; timestamps are -1 when unknown. */
export interface DescribeQuorumResponseReplicaState {
  replicaId: number;
  logEndOffset: bigint;
  lastFetchTimestamp: bigint;
  lastCaughtUpTimestamp: bigint;
}

/** The state of one quorum partition. */
export interface DescribeQuorumResponsePartition {
  partitionIndex: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  highWatermark: bigint;
  currentVoters: DescribeQuorumResponseReplicaState[];
  observers: DescribeQuorumResponseReplicaState[];
}

/** The partitions in one topic. */
export interface DescribeQuorumResponseTopic {
  topicName: string;
  partitions: DescribeQuorumResponsePartition[];
}

/** DescribeQuorum response body. */
export interface DescribeQuorumResponse {
  errorCode: number;
  topics: DescribeQuorumResponseTopic[];
}
