import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/**
 * ListOffsets (key 2), v0-7; flexible from v6. Timestamp -1 asks for the latest offset, -2 for
 * the earliest. v0 answers with a list of old-style offsets; v1+ with one timestamp and offset.
 */
export const ListOffsets = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 7,
  flexibleMin: 6,
  request: {
    fields: [
      field('replicaId', 'int32', '0+'),
      field('isolationLevel', 'int8', '2+'),
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('currentLeaderEpoch', 'int32', '4+', { default: -1 }),
          field('timestamp', 'int64', '0+'),
          field('maxNumOffsets', 'int32', '0', { default: 1 }),
        ]),
      ]),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '2+'),
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('errorCode', 'int16', '0+'),
          scalarArray('oldStyleOffsets', 'int64', '0'),
          field('timestamp', 'int64', '1+', { default: -1n }),
          field('offset', 'int64', '1+', { default: -1n }),
          field('leaderEpoch', 'int32', '4+', { default: -1 }),
        ]),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** The offset asked for in one partition. */
export interface ListOffsetsRequestPartition {
  partitionIndex: number;
  currentLeaderEpoch: number;
  timestamp: bigint;
  maxNumOffsets: number;
}

/** The partitions asked about in one topic. */
export interface ListOffsetsRequestTopic {
  name: string;
  partitions: ListOffsetsRequestPartition[];
}

/** ListOffsets request body. */
export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: ListOffsetsRequestTopic[];
}

/** The offset found in one partition (-1/-1 when no record has a timestamp at or after the target). */
export interface ListOffsetsResponsePartition {
  partitionIndex: number;
  errorCode: number;
  oldStyleOffsets: bigint[];
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number;
}

/** The answers in one topic. */
export interface ListOffsetsResponseTopic {
  name: string;
  partitions: ListOffsetsResponsePartition[];
}

/** ListOffsets response body. */
export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: ListOffsetsResponseTopic[];
}
