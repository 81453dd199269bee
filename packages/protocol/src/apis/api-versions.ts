import { field, structArray, type ApiSpec } from '../schema.js';

/** ApiVersions (key 18). v3 is flexible in its body; its response header is always v0 (KIP-511). */
export const ApiVersions = {
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  flexibleMin: 3,
  request: {
    fields: [
      field('clientSoftwareName', 'string', '3+'),
      field('clientSoftwareVersion', 'string', '3+'),
    ],
  },
  response: {
    fields: [
      field('errorCode', 'int16', '0+'),
      structArray('apiKeys', '0+', [
        field('apiKey', 'int16', '0+'),
        field('minVersion', 'int16', '0+'),
        field('maxVersion', 'int16', '0+'),
      ]),
      field('throttleTimeMs', 'int32', '1+'),
      structArray('supportedFeatures', '3+', [
        field('name', 'string', '3+'),
        field('minVersion', 'int16', '3+'),
        field('maxVersion', 'int16', '3+'),
      ], { tag: 0, tagged: '3+' }),
      field('finalizedFeaturesEpoch', 'int64', '3+', { tag: 1, tagged: '3+', default: -1n }),
      structArray('finalizedFeatures', '3+', [
        field('name', 'string', '3+'),
        field('maxVersionLevel', 'int16', '3+'),
        field('minVersionLevel', 'int16', '3+'),
      ], { tag: 2, tagged: '3+' }),
      field('zkMigrationReady', 'bool', '3+', { tag: 3, tagged: '3+' }),
    ],
  },
} as const satisfies ApiSpec;

/** ApiVersions request body (v3+ names the client software). */
export interface ApiVersionsRequest {
  clientSoftwareName: string;
  clientSoftwareVersion: string;
}

/** One served API and its version range. */
export interface ApiVersionsResponseApiKey {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** A feature the broker supports (v3+, tagged). */
export interface ApiVersionsResponseSupportedFeature {
  name: string;
  minVersion: number;
  maxVersion: number;
}

/** A cluster-wide finalized feature level (v3+, tagged). */
export interface ApiVersionsResponseFinalizedFeature {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

/** ApiVersions response body. The tagged v3 feature fields may be omitted. */
export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionsResponseApiKey[];
  throttleTimeMs: number;
  supportedFeatures?: ApiVersionsResponseSupportedFeature[];
  finalizedFeaturesEpoch?: bigint;
  finalizedFeatures?: ApiVersionsResponseFinalizedFeature[];
  zkMigrationReady?: boolean;
}
