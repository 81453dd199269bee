import { field, structArray, type ApiSpec } from '../schema.js';

/** SyncGroup (key 14), v0-5; flexible from v4. The leader sends every member's assignment. */
export const SyncGroup = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleMin: 4,
  request: {
    fields: [
      field('groupId', 'string', '0+'),
      field('generationId', 'int32', '0+'),
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
      field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
      field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
      structArray('assignments', '0+', [
        field('memberId', 'string', '0+'),
        field('assignment', 'bytes', '0+'),
      ]),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '0+'),
      field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
      field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
      field('assignment', 'bytes', '0+'),
    ],
  },
} as const satisfies ApiSpec;

/** One member's assignment, from the leader. */
export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

/** SyncGroup request body; only the leader sends assignments. */
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: SyncGroupRequestAssignment[];
}

/** SyncGroup response body: this member's assignment. */
export interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}
