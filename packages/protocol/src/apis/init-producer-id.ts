import { field, type ApiSpec } from '../schema.js';

/** InitProducerId (key 22), v0-4; flexible from v2. v3+ may resend the current id and epoch to bump the epoch. */
export const InitProducerId = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  flexibleMin: 2,
  request: {
    fields: [
      field('transactionalId', 'string', '0+', { nullable: '0+' }),
      field('transactionTimeoutMs', 'int32', '0+'),
      field('producerId', 'int64', '3+', { default: -1n }),
      field('producerEpoch', 'int16', '3+', { default: -1 }),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('producerId', 'int64', '0+', { default: -1n }),
      field('producerEpoch', 'int16', '0+'),
    ],
  },
} as const satisfies ApiSpec;

/** InitProducerId request body; a null transactional id asks for an idempotent producer id. */
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId: bigint;
  producerEpoch: number;
}

/** InitProducerId response body. */
export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}
