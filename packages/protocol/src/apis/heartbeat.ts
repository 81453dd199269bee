import { field, type ApiSpec } from '../schema.js';

/** Heartbeat (key 12), v0-4; flexible from v4. */
export const Heartbeat = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  flexibleMin: 4,
  request: {
    fields: [
      field('groupId', 'string', '0+'),
      field('generationId', 'int32', '0+'),
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '0+'),
    ],
  },
} as const satisfies ApiSpec;

/** Heartbeat request body. */
export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** Heartbeat response body: REBALANCE_IN_PROGRESS (27) tells the member to rejoin. */
export interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}
