import { field, structArray, type ApiSpec } from '../schema.js';

/** AlterConfigs (key 33), v0-2; flexible from v2. Replaces a resource's whole set of dynamic configs. */
export const AlterConfigs = {
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  flexibleMin: 2,
  request: {
    fields: [
      structArray('resources', '0+', [
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        structArray('configs', '0+', [
          field('name', 'string', '0+'),
          field('value', 'string', '0+', { nullable: '0+' }),
        ]),
      ]),
      field('validateOnly', 'bool', '0+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '0+'),
      structArray('responses', '0+', [
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '0+', { nullable: '0+' }),
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** One config value to set. */
export interface AlterConfigsRequestConfig {
  name: string;
  value: string | null;
}

/** A resource (type 2 topic, 4 broker) and its new configs. */
export interface AlterConfigsRequestResource {
  resourceType: number;
  resourceName: string;
  configs: AlterConfigsRequestConfig[];
}

/** AlterConfigs request body. */
export interface AlterConfigsRequest {
  resources: AlterConfigsRequestResource[];
  validateOnly: boolean;
}

/** The outcome for one resource. */
export interface AlterConfigsResponseResource {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** AlterConfigs response body. */
export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResponseResource[];
}
