import { field, structArray, type ApiSpec } from '../schema.js';

/**
 * IncrementalAlterConfigs (key 44), v0-1; flexible from v1. Each config carries an operation:
 * 0 set, 1 delete, 2 append, 3 subtract.
 */
export const IncrementalAlterConfigs = {
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  flexibleMin: 1,
  request: {
    fields: [
      structArray('resources', '0+', [
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        structArray('configs', '0+', [
          field('name', 'string', '0+'),
          field('configOperation', 'int8', '0+'),
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

/** One config change. */
export interface IncrementalAlterConfigsRequestConfig {
  name: string;
  configOperation: number;
  value: string | null;
}

/** A resource and its config changes. */
export interface IncrementalAlterConfigsRequestResource {
  resourceType: number;
  resourceName: string;
  configs: IncrementalAlterConfigsRequestConfig[];
}

/** IncrementalAlterConfigs request body. */
export interface IncrementalAlterConfigsRequest {
  resources: IncrementalAlterConfigsRequestResource[];
  validateOnly: boolean;
}

/** The outcome for one resource. */
export interface IncrementalAlterConfigsResponseResource {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** IncrementalAlterConfigs response body. */
export interface IncrementalAlterConfigsResponse {
  throttleTimeMs: number;
  responses: IncrementalAlterConfigsResponseResource[];
}
