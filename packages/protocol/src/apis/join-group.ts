import { field, structArray, type ApiSpec } from '../schema.js';

/**
 * JoinGroup (key 11), v0-9; flexible from v6. From v4 a member joining with an empty member id
 * gets MEMBER_ID_REQUIRED (79) and the id to rejoin with.
 */
export const JoinGroup = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  flexibleMin: 6,
  request: {
    fields: [
      field('groupId', 'string', '0+'),
      field('sessionTimeoutMs', 'int32', '0+'),
      field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
      field('protocolType', 'string', '0+'),
      structArray('protocols', '0+', [
        field('name', 'string', '0+'),
        field('metadata', 'bytes', '0+'),
      ]),
      field('reason', 'string', '8+', { nullable: '8+', default: null }),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '2+'),
      field('errorCode', 'int16', '0+'),
      field('generationId', 'int32', '0+', { default: -1 }),
      field('protocolType', 'string', '7+', { nullable: '7+', default: null }),
      field('protocolName', 'string', '0+', { nullable: '7+' }),
      field('leader', 'string', '0+'),
      field('skipAssignment', 'bool', '9+'),
      field('memberId', 'string', '0+'),
      structArray('members', '0+', [
        field('memberId', 'string', '0+'),
        field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
        field('metadata', 'bytes', '0+'),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** An assignment protocol the member supports, with its subscription metadata. */
export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

/** JoinGroup request body. */
export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  reason: string | null;
}

/** A group member, sent to the leader only. */
export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** JoinGroup response body. */
export interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}
