import { field, scalarArray, structArray, type ApiSpec } from '../schema.js';

/**
 * DescribeConfigs (key 32), v0-4; flexible from v4. Resource type 2 is a topic, 4 a broker.
 * v0 reports `isDefault`; v1+ report `configSource` and synonyms instead.
 */
export const DescribeConfigs = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  flexibleMin: 4,
  request: {
    fields: [
      structArray('resources', '0+', [
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        scalarArray('configurationKeys', 'string', '0+', { nullable: '0+' }),
      ]),
      field('includeSynonyms', 'bool', '1+'),
      field('includeDocumentation', 'bool', '3+'),
    ],
  },
  response: {
    fields: [
      field('throttleTimeMs', 'int32', '0+'),
      structArray('results', '0+', [
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '0+', { nullable: '0+' }),
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        structArray('configs', '0+', [
          field('name', 'string', '0+'),
          field('value', 'string', '0+', { nullable: '0+' }),
          field('readOnly', 'bool', '0+'),
          field('isDefault', 'bool', '0'),
          field('configSource', 'int8', '1+', { default: -1 }),
          field('isSensitive', 'bool', '0+'),
          structArray('synonyms', '1+', [
            field('name', 'string', '1+'),
            field('value', 'string', '1+', { nullable: '0+' }),
            field('source', 'int8', '1+'),
          ]),
          field('configType', 'int8', '3+'),
          field('documentation', 'string', '3+', { nullable: '0+' }),
        ]),
      ]),
    ],
  },
} as const satisfies ApiSpec;

/** A resource to describe; null keys means every config. */
export interface DescribeConfigsRequestResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

/** DescribeConfigs request body. */
export interface DescribeConfigsRequest {
  resources: DescribeConfigsRequestResource[];
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

/** Another source of a config's value, in precedence order (v1+). */
export interface DescribeConfigsResponseSynonym {
  name: string;
  value: string | null;
  source: number;
}

/** One config of a resource. */
export interface DescribeConfigsResponseConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribeConfigsResponseSynonym[];
  configType: number;
  documentation: string | null;
}

/** The configs of one resource, or its error. */
export interface DescribeConfigsResponseResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResponseConfig[];
}

/** DescribeConfigs response body. */
export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResponseResult[];
}
