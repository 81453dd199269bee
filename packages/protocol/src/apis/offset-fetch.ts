import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/**
 * OffsetFetch (key 9), v0-8; flexible from v6. v0-7 ask for one group (null topics = all, v2+);
 * v8 batches groups in `groups` and answers in `groups`.
 */
export const OffsetFetch = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 8,
  flexibleMin: 6,
  request: {
    fields: [
      field('groupId', 'string', '0-7'),
      structArray('topics', '0-7', [
        field('name', 'string', '0-7'),
        scalarArray('partitionIndexes', 'int32', '0-7'),
      ], { nullable: '2-7' }),
      structArray('groups', '8+', [
        field('groupId', 'string', '8+'),
        structArray('topics', '8+', [
          field('name', 'string', '8+'),
          scalarArray('partitionIndexes', 'int32', '8+'),
        ], { nullable: '8+' }),
      ]),
      field('requireStable', 'bool', '7+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '3+'),
      structArray('topics', '0-7', [
        field('name', 'string', '0-7'),
        structArray('partitions', '0-7', [
          field('partitionIndex', 'int32', '0-7'),
          field('committedOffset', 'int64', '0-7'),
          field('committedLeaderEpoch', 'int32', '5-7', { default: -1 }),
          field('metadata', 'string', '0-7', { nullable: '0-7' }),
          field('errorCode', 'int16', '0-7'),
        ]),
      ]),
      field('errorCode', 'int16', '2-7'),
      structArray('groups', '8+', [
        field('groupId', 'string', '8+'),
        structArray('topics', '8+', [
          field('name', 'string', '8+'),
          structArray('partitions', '8+', [
            field('partitionIndex', 'int32', '8+'),
            field('committedOffset', 'int64', '8+'),
            field('committedLeaderEpoch', 'int32', '8+', { default: -1 }),
            field('metadata', 'string', '8+', { nullable: '8+' }),
            field('errorCode', 'int16', '8+'),
          ]),
        ]),
        field('errorCode', 'int16', '8+'),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** The partitions asked about in one topic (v0-7). */
export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

/** The partitions asked about in one topic of one group (v8+). */
export interface OffsetFetchRequestGroupTopic {
  name: string;
  partitionIndexes: number[];
}

/** One group asked about (v8+); null topics means all. */
export interface OffsetFetchRequestGroup {
  groupId: string;
  topics: OffsetFetchRequestGroupTopic[] | null;
}

/** OffsetFetch request body. */
export interface OffsetFetchRequest {
  groupId: string;
  topics: OffsetFetchRequestTopic[] | null;
  groups: OffsetFetchRequestGroup[];
  requireStable: boolean;
}

/** The committed offset of one partition (v0-7); -1 when none. */
export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

/** The committed offsets in one topic (v0-7). */
export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

/** The committed offset of one partition of one group (v8+). */
export interface OffsetFetchResponseGroupPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

/** The committed offsets in one topic of one group (v8+). */
export interface OffsetFetchResponseGroupTopic {
  name: string;
  partitions: OffsetFetchResponseGroupPartition[];
}

/** One group's committed offsets, or its error (v8+). */
export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseGroupTopic[];
  errorCode: number;
}

/** OffsetFetch response body. */
export interface OffsetFetchResponse {
  throttleTimeMs: number;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
  groups: OffsetFetchResponseGroup[];
}
