import {
  DescribeConfigs, ErrorCode,
  type DescribeConfigsRequest, type DescribeConfigsResponse, type DescribeConfigsResponseResult,
  type DescribeConfigsRequestResource,
} from '@sluice/protocol';
import { BROKER_KEYS } from '../config/broker-config.js';
import { effectiveTopicConfigs, type TopicConfigEntry } from '../config/topic-config.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
/** Kafka's ConfigSource values. */
const SOURCE_DYNAMIC_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

/** Where a topic config value comes from, as DescribeConfigs and CreateTopics report it. */
export function configSource(entry: TopicConfigEntry): number {
  return entry.isDefault ? SOURCE_DEFAULT : SOURCE_DYNAMIC_TOPIC;
}

/**
 * DescribeConfigs for topics (effective values with their source and broker synonym) and for this broker.
 * Per-resource codes: UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST (unknown resource type or another broker).
 */
export function describeConfigsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>(DescribeConfigs, (request) => ({
    throttleTimeMs: 0,
    results: request.resources.map((r) => describe(services, r, request.includeSynonyms)),
  }));
}

function describe(services: BrokerServices, resource: DescribeConfigsRequestResource, includeSynonyms: boolean): DescribeConfigsResponseResult {
  const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
  const wanted = (name: string): boolean => resource.configurationKeys === null || resource.configurationKeys.includes(name);
  if (resource.resourceType === RESOURCE_TOPIC) {
    const topic = services.metadata.topic(resource.resourceName);
    if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${resource.resourceName}' does not exist.`, configs: [] };
    const configs = effectiveTopicConfigs(services.config, topic.configs).filter((c) => wanted(c.name)).map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: false,
      isDefault: c.isDefault,
      configSource: configSource(c),
      isSensitive: false,
      synonyms: includeSynonyms ? topicSynonyms(services, c, topic.configs) : [],
      configType: 0,
      documentation: null,
    }));
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
  }
  if (resource.resourceType === RESOURCE_BROKER && (resource.resourceName === '' || resource.resourceName === String(services.config.nodeId))) {
    const configs = Object.entries(BROKER_KEYS).filter(([name]) => wanted(name)).map(([name, spec]) => {
      const set = services.config.raw.get(name);
      return {
        name, value: set ?? spec.default ?? null, readOnly: true, isDefault: set === undefined,
        configSource: set === undefined ? SOURCE_DEFAULT : SOURCE_STATIC_BROKER, isSensitive: false,
        synonyms: [], configType: 0, documentation: spec.doc,
      };
    });
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
  }
  return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource ${resource.resourceType}/${resource.resourceName}`, configs: [] };
}

function topicSynonyms(services: BrokerServices, entry: TopicConfigEntry, overrides: ReadonlyMap<string, string>) {
  const synonyms = [];
  const override = overrides.get(entry.name);
  if (override !== undefined) synonyms.push({ name: entry.name, value: override, source: SOURCE_DYNAMIC_TOPIC });
  if (entry.brokerKey) {
    const set = services.config.raw.get(entry.brokerKey);
    synonyms.push({ name: entry.brokerKey, value: set ?? effectiveTopicConfigs(services.config, new Map()).find((c) => c.name === entry.name)!.value,
      source: set === undefined ? SOURCE_DEFAULT : SOURCE_STATIC_BROKER });
  }
  return synonyms;
}
