import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/** ListGroups (key 16), v0-4; flexible from v3. v4 can filter by group state. */
export const ListGroups = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 4,
  flexibleMin: 3,
  request: {
    fields: [
      scalarArray('statesFilter', 'string', '4+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '0+'),
      structArray('groups', '0+', [
        field('groupId', 'string', '0+'),
        field('protocolType', 'string', '0+'),
        field('groupState', 'string', '4+'),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** ListGroups request body; an empty filter lists groups in every state. */
export interface ListGroupsRequest {
  statesFilter: string[];
}

/** One listed group. */
export interface ListGroupsResponseGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
}

/** ListGroups response body. */
export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListGroupsResponseGroup[];
}
