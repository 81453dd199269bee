import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/**
 * FindCoordinator (key 10), v0-4; flexible from v3. v0-3 ask for one key and answer one
 * coordinator; v4 batches keys in `coordinatorKeys` and answers in `coordinators`. Key type 0 is a
 * group, 1 a transactional id.
 */
export const FindCoordinator = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  flexibleMin: 3,
  request: {
    fields: [
      field('key', 'string', '0-3'),
      field('keyType', 'int8', '1+'),
      scalarArray('coordinatorKeys', 'string', '4+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '0-3'),
      field('errorMessage', 'string', '1-3', { nullable: '1-3' }),
      field('nodeId', 'int32', '0-3'),
      field('host', 'string', '0-3'),
      field('port', 'int32', '0-3'),
      structArray('coordinators', '4+', [
        field('key', 'string', '4+'),
        field('nodeId', 'int32', '4+'),
        field('host', 'string', '4+'),
        field('port', 'int32', '4+'),
        field('errorCode', 'int16', '4+'),
        field('errorMessage', 'string', '4+', { nullable: '4+' }),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** FindCoordinator request body. */
export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
  coordinatorKeys: string[];
}

/** The coordinator of one key (v4+). */
export interface FindCoordinatorResponseCoordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

/** FindCoordinator response body: the top-level coordinator fields are v0-3, `coordinators` v4+. */
export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
  coordinators: FindCoordinatorResponseCoordinator[];
}
