import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiVersions, ApiVersionsRequest, ApiVersionsResponse, Conforms, FieldsOf } from '../../src/index.js';

const checks: [
  Conforms<ApiVersionsRequest, FieldsOf<typeof ApiVersions.request>>,
  Conforms<ApiVersionsResponse, FieldsOf<typeof ApiVersions.response>>,
] = [true, true];

test('shapes', () => { assert.equal(checks.length, 2); });
