import { field, structArray, type ApiSpec } from '../schema.js';

/** DescribeCluster (key 60), v0-1; flexible in every version. Used by the Java admin tools. */
export const DescribeCluster = {
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  flexibleMin: 0,
  request: {
    fields: [
      field('includeClusterAuthorizedOperations', 'bool', '0+'),
      field('endpointType', 'int8', '1+', { default: 1 }),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      field('endpointType', 'int8', '1+', { default: 1 }),
      field('clusterId', 'string', '0+'),
      field('controllerId', 'int32', '0+', { default: -1 }),
      structArray('brokers', '0+', [
        field('brokerId', 'int32', '0+'),
        field('host', 'string', '0+'),
        field('port', 'int32', '0+'),
        field('rack', 'string', '0+', { nullable: '0+', default: null }),
      ]),
      field('clusterAuthorizedOperations', 'int32', '0+', { default: -2147483648 }),
    ],
  },
} as const satisfies ApiSpec;

/** DescribeCluster request body. `endpointType` 1 asks for brokers, 2 for controllers (v1+). */
export interface DescribeClusterRequest {
  includeClusterAuthorizedOperations: boolean;
  endpointType: number;
}

/** One broker (or controller) endpoint. */
export interface DescribeClusterResponseBroker {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** DescribeCluster response body. */
export interface DescribeClusterResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  endpointType: number;
  clusterId: string;
  controllerId: number;
  brokers: DescribeClusterResponseBroker[];
  clusterAuthorizedOperations: number;
}
