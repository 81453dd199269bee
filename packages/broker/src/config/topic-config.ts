import { CLEANUP_POLICIES, type BrokerConfig } from './broker-config.js';

/** A topic-level config key, the broker key it defaults from, and how its value is checked. */
interface TopicKeySpec {
  kind: 'long' | 'int' | 'string' | 'bool';
  /** Broker key that provides the default (Kafka's synonym), or undefined for a fixed default. */
  brokerKey?: string;
  defaultOf: (broker: BrokerConfig) => string;
  min?: number;
  choices?: readonly string[];
}

/** Topic configs Sluice honours, with Kafka's names; each defaults to its broker synonym. */
export const TOPIC_KEYS: Readonly<Record<string, TopicKeySpec>> = {
  'cleanup.policy': { kind: 'string', brokerKey: 'log.cleanup.policy', defaultOf: (b) => b.logCleanupPolicy, choices: CLEANUP_POLICIES },
  'delete.retention.ms': { kind: 'long', brokerKey: 'log.cleaner.delete.retention.ms', defaultOf: (b) => String(b.logCleanerDeleteRetentionMs), min: 0 },
  'min.compaction.lag.ms': { kind: 'long', brokerKey: 'log.cleaner.min.compaction.lag.ms', defaultOf: (b) => String(b.logCleanerMinCompactionLagMs), min: 0 },
  'retention.ms': { kind: 'long', brokerKey: 'log.retention.ms', defaultOf: (b) => String(b.logRetentionMs), min: -1 },
  'retention.bytes': { kind: 'long', brokerKey: 'log.retention.bytes', defaultOf: (b) => String(b.logRetentionBytes), min: -1 },
  'segment.bytes': { kind: 'int', brokerKey: 'log.segment.bytes', defaultOf: (b) => String(b.logSegmentBytes), min: 1024 },
  'segment.ms': { kind: 'long', brokerKey: 'log.roll.ms', defaultOf: (b) => String(b.logRollMs), min: 1 },
  'max.message.bytes': { kind: 'int', brokerKey: 'message.max.bytes', defaultOf: (b) => String(b.messageMaxBytes), min: 0 },
  'min.insync.replicas': { kind: 'int', brokerKey: 'min.insync.replicas', defaultOf: (b) => String(b.minInsyncReplicas), min: 1 },
  'flush.messages': { kind: 'long', brokerKey: 'log.flush.interval.messages', defaultOf: (b) => String(b.logFlushIntervalMessages), min: 1 },
  'flush.ms': { kind: 'long', brokerKey: 'log.flush.interval.ms', defaultOf: (b) => String(b.logFlushIntervalMs), min: 0 },
  'unclean.leader.election.enable': { kind: 'bool', brokerKey: 'unclean.leader.election.enable', defaultOf: (b) => String(b.uncleanLeaderElectionEnable) },
  'index.interval.bytes': { kind: 'int', brokerKey: 'log.index.interval.bytes', defaultOf: (b) => String(b.logIndexIntervalBytes), min: 0 },
};

/** Checks topic config overrides; returns a message naming the first bad key, or null. */
export function validateTopicConfigs(configs: ReadonlyMap<string, string>): string | null {
  for (const [key, value] of configs) {
    const spec = TOPIC_KEYS[key];
    if (!spec) return `Unknown topic config name: ${key}; known: ${Object.keys(TOPIC_KEYS).join(', ')}`;
    const problem = checkValue(spec, value);
    if (problem) return `Invalid value ${value} for configuration ${key}: ${problem}`;
  }
  return null;
}

function checkValue(spec: TopicKeySpec, value: string): string | null {
  if (spec.choices) return spec.choices.includes(value) ? null : `expected one of ${spec.choices.join(', ')}`;
  if (spec.kind === 'bool') return value === 'true' || value === 'false' ? null : 'expected true or false';
  if (spec.kind === 'string') return null;
  const n = Number(value);
  const max = spec.kind === 'int' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) return 'expected a whole number';
  if ((spec.min !== undefined && n < spec.min) || n > max) return `expected a whole number from ${spec.min ?? -max} up to ${max}`;
  return null;
}

/** One effective topic config entry, as DescribeConfigs reports it. */
export interface TopicConfigEntry {
  name: string;
  value: string;
  /** True when the value comes from the broker default, not a topic override. */
  isDefault: boolean;
  brokerKey: string | undefined;
}

/** The effective value of every topic config: the topic override, else the broker default. */
export function effectiveTopicConfigs(broker: BrokerConfig, overrides: ReadonlyMap<string, string>): TopicConfigEntry[] {
  return Object.entries(TOPIC_KEYS).map(([name, spec]) => {
    const override = overrides.get(name);
    return { name, value: override ?? spec.defaultOf(broker), isDefault: override === undefined, brokerKey: spec.brokerKey };
  });
}

/** The effective text value of one topic config. */
export function topicConfigString(broker: BrokerConfig, overrides: ReadonlyMap<string, string>, name: string): string {
  const spec = TOPIC_KEYS[name];
  if (!spec) throw new Error(`not a topic config: ${name}`);
  return overrides.get(name) ?? spec.defaultOf(broker);
}

/** Whether a topic's cleanup.policy includes `policy` ('delete' = retention, 'compact'). */
export function hasCleanupPolicy(broker: BrokerConfig, overrides: ReadonlyMap<string, string>, policy: 'delete' | 'compact'): boolean {
  return topicConfigString(broker, overrides, 'cleanup.policy').split(',').includes(policy);
}

/** The effective numeric value of one topic config. */
export function topicConfigNumber(broker: BrokerConfig, overrides: ReadonlyMap<string, string>, name: string): number {
  const spec = TOPIC_KEYS[name];
  if (!spec) throw new Error(`not a topic config: ${name}`);
  return Number(overrides.get(name) ?? spec.defaultOf(broker));
}
