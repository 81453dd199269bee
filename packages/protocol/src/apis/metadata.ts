import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/**
 * Metadata (key 3), v0-12; flexible from v9. v0 asks for all topics with an empty list, v1+ with
 * null. Topic ids appear in v10, and a null topic name (look up by id) in the v10+ request.
 */
export const Metadata = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  flexibleMin: 9,
  request: {
    fields: [
      structArray('topics', '0+', [
        field('topicId', 'uuid', '10+'),
        field('name', 'string', '0+', { nullable: '10+' }),
      ], { nullable: '1+' }),
      field('allowAutoTopicCreation', 'bool', '4+', { default: true }),
      field('includeClusterAuthorizedOperations', 'bool', '8-10'),
      field('includeTopicAuthorizedOperations', 'bool', '8+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '3+'),
      structArray('brokers', '0+', [
        field('nodeId', 'int32', '0+'),
        field('host', 'string', '0+'),
        field('port', 'int32', '0+'),
        field('rack', 'string', '1+', { nullable: '1+', default: null }),
      ]),
      field('clusterId', 'string', '2+', { nullable: '2+', default: null }),
      field('controllerId', 'int32', '1+', { default: -1 }),
      structArray('topics', '0+', [
        field('errorCode', 'int16', '0+'),
        field('name', 'string', '0+', { nullable: '12+' }),
        field('topicId', 'uuid', '10+'),
        field('isInternal', 'bool', '1+'),
        structArray('partitions', '0+', [
          field('errorCode', 'int16', '0+'),
          field('partitionIndex', 'int32', '0+'),
          field('leaderId', 'int32', '0+'),
          field('leaderEpoch', 'int32', '7+', { default: -1 }),
          scalarArray('replicaNodes', 'int32', '0+'),
          scalarArray('isrNodes', 'int32', '0+'),
          scalarArray('offlineReplicas', 'int32', '5+'),
        ]),
        field('topicAuthorizedOperations', 'int32', '8+', { default: -2147483648 }),
      ]),
      field('clusterAuthorizedOperations', 'int32', '8-10', { default: -2147483648 }),
    ],
  },
} as const satisfies ApiSpec;

/** A topic asked about, by name (v0+) or by id (v10+, with a null name). */
export interface MetadataRequestTopic {
  topicId: string;
  name: string | null;
}

/** Metadata request body. `topics` null (v1+) means all topics; in v0 an empty list does. */
export interface MetadataRequest {
  topics: MetadataRequestTopic[] | null;
  allowAutoTopicCreation: boolean;
  includeClusterAuthorizedOperations: boolean;
  includeTopicAuthorizedOperations: boolean;
}

/** A broker clients may connect to. */
export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Leader, replicas and ISR of one partition. */
export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

/** One topic's metadata, or its error code. */
export interface MetadataResponseTopic {
  errorCode: number;
  name: string | null;
  topicId: string;
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
  topicAuthorizedOperations: number;
}

/** Metadata response body. `controllerId` must name a live broker listed in `brokers`. */
export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataResponseTopic[];
  clusterAuthorizedOperations: number;
}
