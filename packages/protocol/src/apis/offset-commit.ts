import { field, structArray, type ApiSpec } from '../schema.js';

/**
 * OffsetCommit (key 8), v0-8; flexible from v8. v1 alone carries a per-partition commit
 * timestamp; v2-4 a retention time.
 */
export const OffsetCommit = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 8,
  flexibleMin: 8,
  request: {
    fields: [
      field('groupId', 'string', '0+'),
      field('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
      field('memberId', 'string', '1+'),
      field('groupInstanceId', 'string', '7+', { nullable: '7+', default: null }),
      field('retentionTimeMs', 'int64', '2-4', { default: -1n }),
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('committedOffset', 'int64', '0+'),
          field('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
          field('commitTimestamp', 'int64', '1', { default: -1n }),
          field('committedMetadata', 'string', '0+', { nullable: '0+' }),
        ]),
      ]),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '3+'),
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('errorCode', 'int16', '0+'),
        ]),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** The offset committed for one partition. */
export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  commitTimestamp: bigint;
  committedMetadata: string | null;
}

/** The partitions committed in one topic. */
export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

/** OffsetCommit request body. Generation -1 with an empty member id is a simple (group-less) commit. */
export interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: bigint;
  topics: OffsetCommitRequestTopic[];
}

/** The outcome for one partition. */
export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

/** The outcomes in one topic. */
export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

/** OffsetCommit response body. */
export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}
