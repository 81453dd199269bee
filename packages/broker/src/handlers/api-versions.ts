import { ApiVersions, ErrorCode, type ApiVersionsRequest, type ApiVersionsResponse } from '@sluice/protocol';
import { defineHandler, type ApiHandler, type ApiVersionRange } from '../server/request-router.js';

/** ApiVersions: every API and version range the router serves. Returns NONE (UNSUPPORTED_VERSION is answered by the router). */
export function apiVersionsHandler(supported: () => ApiVersionRange[]): ApiHandler {
  return defineHandler<ApiVersionsRequest, ApiVersionsResponse>(ApiVersions, () => ({
    errorCode: ErrorCode.NONE,
    apiKeys: supported(),
    throttleTimeMs: 0,
  }));
}
