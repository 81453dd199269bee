import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/** CreateTopics (key 19), v0-7; flexible from v5, which also returns the created topic's configs. */
export const CreateTopics = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  flexibleMin: 5,
  request: {
    fields: [
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        field('numPartitions', 'int32', '0+'),
        field('replicationFactor', 'int16', '0+'),
        structArray('assignments', '0+', [
          field('partitionIndex', 'int32', '0+'),
          scalarArray('brokerIds', 'int32', '0+'),
        ]),
        structArray('configs', '0+', [
          field('name', 'string', '0+'),
          field('value', 'string', '0+', { nullable: '0+' }),
        ]),
      ]),
      field('timeoutMs', 'int32', '0+', { default: 60000 }),
      field('validateOnly', 'bool', '1+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '2+'),
      structArray('topics', '0+', [
        field('name', 'string', '0+'),
        field('topicId', 'uuid', '7+'),
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '1+', { nullable: '0+' }),
        field('topicConfigErrorCode', 'int16', '5+', { tag: 0, tagged: '5+' }),
        field('numPartitions', 'int32', '5+', { default: -1 }),
        field('replicationFactor', 'int16', '5+', { default: -1 }),
        structArray('configs', '5+', [
          field('name', 'string', '5+'),
          field('value', 'string', '5+', { nullable: '5+' }),
          field('readOnly', 'bool', '5+'),
          field('configSource', 'int8', '5+', { default: -1 }),
          field('isSensitive', 'bool', '5+'),
        ], { nullable: '5+' }),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** Manual replica placement for one new partition. */
export interface CreateTopicsRequestAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

/** A topic config to set at creation. */
export interface CreateTopicsRequestConfig {
  name: string;
  value: string | null;
}

/** A topic to create: -1 partitions or replication factor means the broker default. */
export interface CreateTopicsRequestTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: CreateTopicsRequestAssignment[];
  configs: CreateTopicsRequestConfig[];
}

/** CreateTopics request body. */
export interface CreateTopicsRequest {
  topics: CreateTopicsRequestTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

/** A config of the created topic (v5+). */
export interface CreateTopicsResponseConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}

/** The outcome for one topic. */
export interface CreateTopicsResponseTopic {
  name: string;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
  topicConfigErrorCode?: number;
  numPartitions: number;
  replicationFactor: number;
  configs: CreateTopicsResponseConfig[] | null;
}

/** CreateTopics response body. */
export interface CreateTopicsResponse {
  throttleTimeMs: number;
  topics: CreateTopicsResponseTopic[];
}
