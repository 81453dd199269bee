import { field, structArray, type ApiSpec } from '../schema.js';

/** OffsetDelete (key 47), v0 only; never flexible. */
export const OffsetDelete = {
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  flexibleMin: Infinity,
  request: {
    fields: [
      field('groupId', 'string', '0+'),
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        structArray('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
        ]),
      ]),
    ],
  },
  response: {
    fields: [
      field('errorCode', 'int16', '0+'),
      field('throttleTimeMs', 'int32', '0+'),
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

/** A partition whose committed offset to delete. */
export interface OffsetDeleteRequestPartition {
  partitionIndex: number;
}

/** The partitions in one topic. */
export interface OffsetDeleteRequestTopic {
  name: string;
  partitions: OffsetDeleteRequestPartition[];
}

/** OffsetDelete request body. */
export interface OffsetDeleteRequest {
  groupId: string;
  topics: OffsetDeleteRequestTopic[];
}

/** The outcome for one partition. */
export interface OffsetDeleteResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

/** The outcomes in one topic. */
export interface OffsetDeleteResponseTopic {
  name: string;
  partitions: OffsetDeleteResponsePartition[];
}

/** OffsetDelete response body. */
export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: OffsetDeleteResponseTopic[];
}
