import { field, structArray, type ApiSpec } from '../schema.js';

/** LeaveGroup (key 13), v0-5; flexible from v4. v0-2 name one member; v3+ a batch of members. */
export const LeaveGroup = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleMin: 4,
  request: {
    fields: [
      field('groupId', 'string', '0+'),
      field('memberId', 'string', '0-2'),
      structArray('members', '3+', [
        field('memberId', 'string', '3+'),
        field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
        field('reason', 'string', '5+', { nullable: '5+', default: null }),
      ]),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '0+'),
      structArray('members', '3+', [
        field('memberId', 'string', '3+'),
        field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
        field('errorCode', 'int16', '3+'),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** A member leaving (v3+). */
export interface LeaveGroupRequestMember {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

/** LeaveGroup request body. */
export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
  members: LeaveGroupRequestMember[];
}

/** The outcome for one leaving member (v3+). */
export interface LeaveGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

/** LeaveGroup response body. */
export interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: LeaveGroupResponseMember[];
}
