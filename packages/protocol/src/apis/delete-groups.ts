import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/** DeleteGroups (key 42), v0-2; flexible from v2. */
export const DeleteGroups = {
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleMin: 2,
  request: {
    fields: [
      scalarArray('groupsNames', 'string', '0+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '0+'),
      structArray('results', '0+', [
        field('groupId', 'string', '0+'),
        field('errorCode', 'int16', '0+'),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** DeleteGroups request body (Kafka spells the field `GroupsNames`). */
export interface DeleteGroupsRequest {
  groupsNames: string[];
}

/** The outcome for one group. */
export interface DeleteGroupsResponseResult {
  groupId: string;
  errorCode: number;
}

/** DeleteGroups response body. */
export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeleteGroupsResponseResult[];
}
