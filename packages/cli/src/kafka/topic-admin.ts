import {
  CreatePartitions, CreateTopics, DeleteTopics, DescribeConfigs, errorInfo, Metadata, ZERO_UUID,
  type CreatePartitionsResponse, type CreateTopicsResponse, type DeleteTopicsResponse, type DescribeConfigsResponse,
  type MetadataResponse, type MetadataResponseTopic,
} from '@sluice/protocol';
import type { KafkaConnection } from './connection.js';

/** How long the broker may take to apply a topic change before it answers (Kafka's admin default is 30 s). */
const ADMIN_TIMEOUT_MS = 30_000;
/** DescribeConfigs resource type of a topic. */
const RESOURCE_TOPIC = 2;
/** DescribeConfigs config source of a value nobody set (Kafka's DEFAULT_CONFIG). */
const CONFIG_SOURCE_DEFAULT = 5;

/** A failed topic operation, with the broker's message (Kafka's exception message) when it sent one. */
export class TopicCommandError extends Error {
  override name = 'TopicCommandError';
}

function failure(errorCode: number, errorMessage: string | null | undefined): TopicCommandError {
  return new TopicCommandError(errorMessage ?? errorInfo(errorCode)?.message ?? `error code ${errorCode}`);
}

/** What `--describe` prints about one topic. */
export interface TopicDescription {
  name: string;
  topicId: string;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
  /** Configs set on the topic (not defaults), as `key=value`, in the broker's order. */
  configs: string[];
}

/** Every topic the cluster reports, with ids, partitions, replicas and ISR (Metadata v12). */
export async function fetchTopics(connection: KafkaConnection): Promise<MetadataResponseTopic[]> {
  const metadata = await connection.request<MetadataResponse>(Metadata, 12, {
    topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false,
  });
  return metadata.topics.filter((t) => t.errorCode === 0 && t.name !== null);
}

/**
 * Topics matching `--topic` the way kafka-topics.sh matches it: a name or a regular expression
 * over the whole name; no pattern means every topic. Internal topics are left out when asked.
 * Sorted by name, as Kafka lists them.
 */
export function selectTopics<T extends { name: string | null; isInternal: boolean }>(topics: readonly T[], options: { pattern?: string; excludeInternal?: boolean }): T[] {
  const regex = options.pattern === undefined ? null : safeRegex(options.pattern);
  return topics
    .filter((t) => t.name !== null && (regex === null ? true : t.name === options.pattern || regex.test(t.name)))
    .filter((t) => !(options.excludeInternal && t.isInternal))
    .sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));
}

function safeRegex(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    // Not a valid expression: it can still match a topic by exact name (checked by the caller).
    return null;
  }
}

/** Creates one topic; `partitions`/`replicationFactor` of -1 take the cluster defaults (KIP-464). */
export async function createTopic(connection: KafkaConnection, topic: { name: string; partitions: number; replicationFactor: number; configs: Map<string, string> }): Promise<{ errorCode: number; message: string | null }> {
  const response = await connection.request<CreateTopicsResponse>(CreateTopics, 4, {
    topics: [{
      name: topic.name, numPartitions: topic.partitions, replicationFactor: topic.replicationFactor, assignments: [],
      configs: [...topic.configs].map(([name, value]) => ({ name, value })),
    }],
    timeoutMs: ADMIN_TIMEOUT_MS, validateOnly: false,
  });
  const result = response.topics[0];
  if (!result) throw new TopicCommandError('CreateTopics answered without the topic');
  return { errorCode: result.errorCode, message: result.errorCode === 0 ? null : failure(result.errorCode, result.errorMessage).message };
}

/** Deletes topics by name; throws with the broker's message for the first that fails. */
export async function deleteTopics(connection: KafkaConnection, names: string[]): Promise<void> {
  const response = await connection.request<DeleteTopicsResponse>(DeleteTopics, 5, { topicNames: names, timeoutMs: ADMIN_TIMEOUT_MS });
  const failed = response.responses.find((r) => r.errorCode !== 0);
  if (failed) throw failure(failed.errorCode, failed.errorMessage);
}

/** Raises the partition count of topics to `count`. */
export async function addPartitions(connection: KafkaConnection, names: string[], count: number): Promise<void> {
  const response = await connection.request<CreatePartitionsResponse>(CreatePartitions, 1, {
    topics: names.map((name) => ({ name, count, assignments: null })), timeoutMs: ADMIN_TIMEOUT_MS, validateOnly: false,
  });
  const failed = response.results.find((r) => r.errorCode !== 0);
  if (failed) throw failure(failed.errorCode, failed.errorMessage);
}

/** The configs set on each topic (every source but the default), by topic name. */
export async function topicConfigs(connection: KafkaConnection, names: string[]): Promise<Map<string, string[]>> {
  if (names.length === 0) return new Map();
  const response = await connection.request<DescribeConfigsResponse>(DescribeConfigs, 1, {
    resources: names.map((resourceName) => ({ resourceType: RESOURCE_TOPIC, resourceName, configurationKeys: null })),
    includeSynonyms: false,
  });
  return new Map(response.results.map((r) => [
    r.resourceName,
    r.configs.filter((c) => c.configSource !== CONFIG_SOURCE_DEFAULT && c.value !== null).map((c) => `${c.name}=${c.value}`),
  ]));
}

/** A Metadata topic and its configs as `--describe` prints them, partitions in order. */
export function describeTopic(topic: MetadataResponseTopic, configs: string[]): TopicDescription {
  return {
    name: topic.name!,
    topicId: topic.topicId,
    configs,
    partitions: [...topic.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes })),
  };
}

/**
 * kafka-topics.sh `--describe` output for one topic: a summary line, then one tab-indented line per
 * partition. TopicId is left out for the zero id, and a partition without a leader says `none`, as
 * in Kafka. The replication factor is partition 0's replica count.
 */
export function formatTopicDescription(d: TopicDescription): string {
  const head = `Topic: ${d.name}${d.topicId !== ZERO_UUID ? `\tTopicId: ${d.topicId}` : ''}\tPartitionCount: ${d.partitions.length}`
    + `\tReplicationFactor: ${d.partitions[0]?.replicas.length ?? 0}\tConfigs: ${d.configs.join(',')}\n`;
  const lines = d.partitions.map((p) => `\tTopic: ${d.name}\tPartition: ${p.partition}\tLeader: ${p.leader >= 0 ? p.leader : 'none'}`
    + `\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\n`);
  return head + lines.join('');
}
