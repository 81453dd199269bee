import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/** CreatePartitions (key 37), v0-3; flexible from v2. `count` is the new total number of partitions. */
export const CreatePartitions = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  flexibleMin: 2,
  request: {
    fields: [
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        field('count', 'int32', '0+'),
        structArray('assignments', '0+', [
          scalarArray('brokerIds', 'int32', '0+'),
        ], { nullable: '0+' }),
      ]),
      field('timeoutMs', 'int32', '0+'),
      field('validateOnly', 'bool', '0+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '0+'),
      structArray('results', '0+', [
        field('name', 'string', '0+'),
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** Replica placement for one added partition. */
export interface CreatePartitionsRequestAssignment {
  brokerIds: number[];
}

/** A topic to grow; null assignments let the broker place the replicas. */
export interface CreatePartitionsRequestTopic {
  name: string;
  count: number;
  assignments: CreatePartitionsRequestAssignment[] | null;
}

/** CreatePartitions request body. */
export interface CreatePartitionsRequest {
  topics: CreatePartitionsRequestTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

/** The outcome for one topic. */
export interface CreatePartitionsResponseResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

/** CreatePartitions response body. */
export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsResponseResult[];
}
