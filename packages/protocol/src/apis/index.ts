import type { ApiSpec } from '../schema.js';
import { ApiVersions } from './api-versions.js';

export * from './api-versions.js';

/** Every API this package can encode and decode, in key order. The broker serves a subset. */
export const ALL_APIS: readonly ApiSpec[] = [ApiVersions].sort((a, b) => a.apiKey - b.apiKey);
