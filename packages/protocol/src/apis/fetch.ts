import { field, scalarArray, struct, structArray, type ApiSpec } from '../schema.js';

/**
 * Fetch (key 1), v4-12; flexible from v12. v4 is the first version returning magic-2 batches.
 * Topics are named (ids replace names from v13, which we do not serve). The response `records`
 * may be given as a list of batch buffers so segments go to the socket without a copy.
 */
export const Fetch = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 12,
  flexibleMin: 12,
  request: {
    fields: [
      field('clusterId', 'string', '12+', { nullable: '12+', default: null, tag: 0, tagged: '12+' }),
      field('replicaId', 'int32', '0-14', { default: -1 }),
      field('maxWaitMs', 'int32', '0+'),
      field('minBytes', 'int32', '0+'),
      field('maxBytes', 'int32', '3+', { default: 0x7fffffff }),
      field('isolationLevel', 'int8', '4+'),
      field('sessionId', 'int32', '7+'),
      field('sessionEpoch', 'int32', '7+', { default: -1 }),
      structArray('topics', '0+', [
        field('topic', 'string', '0-12'),
        structArray('partitions', '0+', [
          field('partition', 'int32', '0+'),
          field('currentLeaderEpoch', 'int32', '9+', { default: -1 }),
          field('fetchOffset', 'int64', '0+'),
          field('lastFetchedEpoch', 'int32', '12+', { default: -1 }),
          field('logStartOffset', 'int64', '5+', { default: -1n }),
          field('partitionMaxBytes', 'int32', '0+'),
        ]),
      ]),
      structArray('forgottenTopicsData', '7+', [
        field('topic', 'string', '7-12'),
        scalarArray('partitions', 'int32', '7+'),
      ]),
      field('rackId', 'string', '11+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '7+'),
      field('sessionId', 'int32', '7+'),
      structArray('responses', '0+', [
        field('topic', 'string', '0-12'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('errorCode', 'int16', '0+'),
          field('highWatermark', 'int64', '0+'),
          field('lastStableOffset', 'int64', '4+', { default: -1n }),
          field('logStartOffset', 'int64', '5+', { default: -1n }),
          struct('divergingEpoch', '12+', [
            field('epoch', 'int32', '12+', { default: -1 }),
            field('endOffset', 'int64', '12+', { default: -1n }),
          ], { tag: 0, tagged: '12+' }),
          struct('currentLeader', '12+', [
            field('leaderId', 'int32', '12+', { default: -1 }),
            field('leaderEpoch', 'int32', '12+', { default: -1 }),
          ], { tag: 1, tagged: '12+' }),
          struct('snapshotId', '12+', [
            field('endOffset', 'int64', '0+', { default: -1n }),
            field('epoch', 'int32', '0+', { default: -1 }),
          ], { tag: 2, tagged: '12+' }),
          structArray('abortedTransactions', '4+', [
            field('producerId', 'int64', '4+'),
            field('firstOffset', 'int64', '4+'),
          ], { nullable: '4+' }),
          field('preferredReadReplica', 'int32', '11+', { default: -1 }),
          field('records', 'records', '0+', { nullable: '0+' }),
        ]),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** Where to read in one partition. */
export interface FetchRequestPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  logStartOffset: bigint;
  partitionMaxBytes: number;
}

/** The partitions read in one topic. */
export interface FetchRequestTopic {
  topic: string;
  partitions: FetchRequestPartition[];
}

/** Partitions to drop from an incremental fetch session (v7+). */
export interface FetchRequestForgottenTopic {
  topic: string;
  partitions: number[];
}

/** Fetch request body. Clients send session id 0 and epoch -1 (no fetch session). */
export interface FetchRequest {
  clusterId?: string | null;
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: FetchRequestTopic[];
  forgottenTopicsData: FetchRequestForgottenTopic[];
  rackId: string;
}

/** The fetcher's log diverged from the leader's (v12+, tagged). */
export interface FetchResponseEpochEndOffset {
  epoch: number;
  endOffset: bigint;
}

/** The current leader, when this broker is not it (v12+, tagged). */
export interface FetchResponseLeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

/** The snapshot a fetcher must load first (v12+, tagged). */
export interface FetchResponseSnapshotId {
  endOffset: bigint;
  epoch: number;
}

/** An aborted transaction overlapping the returned records (v4+). */
export interface FetchResponseAbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** One partition's data. `preferredReadReplica` must be -1 or librdkafka drops the records. */
export interface FetchResponsePartition {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  divergingEpoch?: FetchResponseEpochEndOffset | null;
  currentLeader?: FetchResponseLeaderIdAndEpoch | null;
  snapshotId?: FetchResponseSnapshotId | null;
  abortedTransactions: FetchResponseAbortedTransaction[] | null;
  preferredReadReplica: number;
  /** Whole batches; a list of buffers is written without copying. Decoding gives one Buffer. */
  records: Buffer | Buffer[] | null;
}

/** The partitions returned in one topic. */
export interface FetchResponseTopic {
  topic: string;
  partitions: FetchResponsePartition[];
}

/** Fetch response body. */
export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: FetchResponseTopic[];
}
