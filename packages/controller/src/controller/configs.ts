/**
 * IncrementalAlterConfigs planning: each resource's SET and DELETE operations become
 * ConfigRecords, all or nothing per resource. Config values are checked by an injected
 * validator, so this package needs no table of config definitions.
 *
 * Error codes per resource: INVALID_REQUEST (resource named twice, a config key named twice, a
 * broker resource name that is not an id or '', SET without a value), UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_CONFIG (the validator refused a value), POLICY_VIOLATION (request too large).
 */
import { ErrorCode } from '../error-codes.js';
import type { MetadataImage } from '../image.js';
import { metadataRecord, type ConfigRecord, type ConfigResourceType } from '../records.js';
import { CONFIGS_PER_REQUEST_MAX } from './limits.js';

/** Names one config resource: a topic, a broker id, or '' (broker type) for the cluster default. */
export interface ConfigResource {
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
}

/** Why `value` is not acceptable for config `name` of `resource`, or null when it is. */
export type ConfigValidator = (resource: ConfigResource, name: string, value: string) => string | null;

/** One incremental change: SET a value, or DELETE the key (back to its default). */
export interface AlterableConfig {
  readonly name: string;
  readonly op: 'SET' | 'DELETE';
  readonly value: string | null;
}

/** The changes requested for one resource. */
export interface AlterConfigsResource extends ConfigResource {
  readonly configs: readonly AlterableConfig[];
}

/** The outcome for one resource. */
export interface AlterConfigsResult extends ConfigResource {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

const BROKER_RESOURCE_NAME = /^(0|[1-9][0-9]{0,9})$/;

/**
 * Records for the accepted resources (skipping changes that change nothing) and one result per
 * resource in request order.
 */
export function incrementalAlterConfigs(
  image: MetadataImage,
  resources: readonly AlterConfigsResource[],
  validate: ConfigValidator,
): { records: ConfigRecord[]; results: AlterConfigsResult[] } {
  const total = resources.reduce((n, r) => n + r.configs.length, 0);
  if (total > CONFIGS_PER_REQUEST_MAX) {
    const message = `Too many config changes in one request: ${total}, limit ${CONFIGS_PER_REQUEST_MAX}.`;
    return { records: [], results: resources.map((r) => result(r, ErrorCode.POLICY_VIOLATION, message)) };
  }
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(resourceKey(r), (counts.get(resourceKey(r)) ?? 0) + 1);
  const records: ConfigRecord[] = [];
  const results = resources.map((r) => {
    if (counts.get(resourceKey(r))! > 1) return result(r, ErrorCode.INVALID_REQUEST, 'Duplicate resource in the request.');
    const planned = planResource(image, r, validate);
    if ('errorCode' in planned) return planned;
    records.push(...planned.records);
    return result(r, ErrorCode.NONE, null);
  });
  return { records, results };
}

function planResource(
  image: MetadataImage,
  resource: AlterConfigsResource,
  validate: ConfigValidator,
): AlterConfigsResult | { records: ConfigRecord[] } {
  const { resourceType, resourceName } = resource;
  if (resourceType === 'broker' && resourceName !== '' && !BROKER_RESOURCE_NAME.test(resourceName)) {
    return result(resource, ErrorCode.INVALID_REQUEST, `Invalid broker name ${JSON.stringify(resourceName)}.`);
  }
  if (resourceType === 'topic' && image.topic(resourceName) === undefined) {
    return result(resource, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist.`);
  }
  const problem = configProblem(resource, resource.configs, validate);
  if (problem !== null) return result(resource, problem.errorCode, problem.errorMessage);
  const current = image.configs(resourceType, resourceName);
  const records: ConfigRecord[] = [];
  for (const { name, op, value } of resource.configs) {
    const next = op === 'DELETE' ? null : value;
    if ((current.get(name) ?? null) === next) continue;
    records.push(metadataRecord('ConfigRecord', { resourceType, resourceName, name, value: next }));
  }
  return { records };
}

/**
 * The first problem with a list of config changes, or null: a key named twice or a SET without
 * a value (INVALID_REQUEST), or a value the validator refuses (INVALID_CONFIG). Shared with
 * CreateTopics, whose configs are all SETs.
 */
export function configProblem(
  resource: ConfigResource,
  configs: readonly AlterableConfig[],
  validate: ConfigValidator,
): { errorCode: number; errorMessage: string } | null {
  const seen = new Set<string>();
  for (const { name, op, value } of configs) {
    if (seen.has(name)) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Duplicate config key ${name}.` };
    seen.add(name);
    if (name.length === 0) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Empty config name.' };
    if (op === 'DELETE') continue;
    if (value === null) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Null value not supported for: ${name}.` };
    const refusal = validate(resource, name, value);
    if (refusal !== null) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: refusal };
  }
  return null;
}

function result(resource: ConfigResource, errorCode: number, errorMessage: string | null): AlterConfigsResult {
  return { resourceType: resource.resourceType, resourceName: resource.resourceName, errorCode, errorMessage };
}

function resourceKey(resource: ConfigResource): string {
  return `${resource.resourceType}/${resource.resourceName}`;
}
