import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/** DescribeGroups (key 15), v0-5; flexible from v5. */
export const DescribeGroups = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleMin: 5,
  request: {
    fields: [
      scalarArray('groups', 'string', '0+'),
      field('includeAuthorizedOperations', 'bool', '3+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      structArray('groups', '0+', [
        field('errorCode', 'int16', '0+'),
        field('groupId', 'string', '0+'),
        field('groupState', 'string', '0+'),
        field('protocolType', 'string', '0+'),
        field('protocolData', 'string', '0+'),
        structArray('members', '0+', [
          field('memberId', 'string', '0+'),
          field('groupInstanceId', 'string', '4+', { nullable: '4+', default: null }),
          field('clientId', 'string', '0+'),
          field('clientHost', 'string', '0+'),
          field('memberMetadata', 'bytes', '0+'),
          field('memberAssignment', 'bytes', '0+'),
        ]),
        field('authorizedOperations', 'int32', '3+', { default: -2147483648 }),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** DescribeGroups request body. */
export interface DescribeGroupsRequest {
  groups: string[];
  includeAuthorizedOperations: boolean;
}

/** One member of a described group. */
export interface DescribeGroupsResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

/** One described group; `protocolData` is the chosen assignor. */
export interface DescribeGroupsResponseGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribeGroupsResponseMember[];
  authorizedOperations: number;
}

/** DescribeGroups response body. */
export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribeGroupsResponseGroup[];
}
