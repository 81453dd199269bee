import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/** DeleteTopics (key 20), v0-6; flexible from v4. v0-5 name topics in `topicNames`, v6 in `topics` (name or id). */
export const DeleteTopics = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  flexibleMin: 4,
  request: {
    fields: [
      structArray('topics', '6+', [
        field('name', 'string', '6+', { nullable: '6+', default: null }),
        field('topicId', 'uuid', '6+'),
      ]),
      scalarArray('topicNames', 'string', '0-5'),
      field('timeoutMs', 'int32', '0+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      structArray('responses', '0+', [
        field('name', 'string', '0+', { nullable: '6+' }),
        field('topicId', 'uuid', '6+'),
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '5+', { nullable: '5+', default: null }),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** A topic to delete by name or (with a null name) by id (v6+). */
export interface DeleteTopicsRequestTopic {
  name: string | null;
  topicId: string;
}

/** DeleteTopics request body. */
export interface DeleteTopicsRequest {
  topics: DeleteTopicsRequestTopic[];
  topicNames: string[];
  timeoutMs: number;
}

/** The outcome for one topic. */
export interface DeleteTopicsResponseTopic {
  name: string | null;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
}

/** DeleteTopics response body. */
export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: DeleteTopicsResponseTopic[];
}
