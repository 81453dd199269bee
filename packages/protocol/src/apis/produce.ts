import { field, structArray, type ApiSpec } from '../schema.js';

/**
 * Produce (key 0), v0-9; flexible from v9. v3 is the first version carrying magic-2 record
 * batches; v0-2 carry legacy message sets, which the broker up-converts. v0-2 are served mostly
 * because librdkafka up to 2.11 turns its compression off unless the broker's Produce range
 * starts at 0. `records` decodes to the raw bytes as they came.
 */
export const Produce = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 9,
  flexibleMin: 9,
  request: {
    fields: [
      field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
      field('acks', 'int16', '0+'),
      field('timeoutMs', 'int32', '0+'),
      structArray('topicData', '0+', [
        field('name', 'string', '0+'),
        structArray('partitionData', '0+', [
          field('index', 'int32', '0+'),
          field('records', 'records', '0+', { nullable: '0+' }),
        ]),
      ]),
    ],
  },
  response: {
    fields: [
      structArray('responses', '0+', [
        field('name', 'string', '0+'),
        structArray('partitionResponses', '0+', [
          field('index', 'int32', '0+'),
          field('errorCode', 'int16', '0+'),
          field('baseOffset', 'int64', '0+'),
          field('logAppendTimeMs', 'int64', '2+', { default: -1n }),
          field('logStartOffset', 'int64', '5+', { default: -1n }),
          structArray('recordErrors', '8+', [
            field('batchIndex', 'int32', '8+'),
            field('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null }),
          ]),
          field('errorMessage', 'string', '8+', { nullable: '8+', default: null }),
        ]),
      ]),
      field('throttleTimeMs', 'int32', '1+'),
    ],
  },
} as const satisfies ApiSpec;

/** Record batches for one partition. */
export interface ProduceRequestPartition {
  index: number;
  records: Buffer | null;
}

/** The partitions written in one topic. */
export interface ProduceRequestTopic {
  name: string;
  partitionData: ProduceRequestPartition[];
}

/** Produce request body. `acks` 0 gets no response at all. */
export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceRequestTopic[];
}

/** A record that made its batch fail (v8+). */
export interface ProduceResponseRecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

/** The outcome for one partition: its error code, or the base offset assigned to the first batch. */
export interface ProduceResponsePartition {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: ProduceResponseRecordError[];
  errorMessage: string | null;
}

/** The outcomes in one topic. */
export interface ProduceResponseTopic {
  name: string;
  partitionResponses: ProduceResponsePartition[];
}

/** Produce response body. */
export interface ProduceResponse {
  responses: ProduceResponseTopic[];
  throttleTimeMs: number;
}
