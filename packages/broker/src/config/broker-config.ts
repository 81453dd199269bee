import { readFileSync } from 'node:fs';
import { parseListeners, type Listener } from './listeners.js';
import { parseQuorumVoters, type QuorumVoter } from './quorum-voters.js';
import { ConfigError, parseOverride, parseProperties } from './properties.js';

/** How a config value is read and checked. */
type Kind = 'int' | 'long' | 'bool' | 'string';

interface KeySpec {
  kind: Kind;
  /** Kafka's default, as text; undefined means "unset" (derived from another key). */
  default?: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  doc: string;
}

const LONG_MAX = String(Number.MAX_SAFE_INTEGER);
const JAVA_LONG_MAX = 2n ** 63n - 1n;

/** Allowed values of cleanup.policy (Kafka takes the list in either order). */
export const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete', 'delete,compact'] as const;

/** Every broker key Sluice understands, with Kafka's names and defaults. */
export const BROKER_KEYS: Readonly<Record<string, KeySpec>> = {
  'node.id': { kind: 'int', default: '1', min: 0, doc: 'This node\'s id in the cluster.' },
  'broker.id': { kind: 'int', min: 0, doc: 'Alias of node.id.' },
  'process.roles': { kind: 'string', default: 'broker,controller', doc: 'broker, controller, or both (combined mode).' },
  listeners: { kind: 'string', default: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093', doc: 'Addresses to listen on, NAME://host:port, comma-separated.' },
  'advertised.listeners': { kind: 'string', doc: 'Addresses given to clients in Metadata; defaults to the broker listeners.' },
  'controller.listener.names': { kind: 'string', default: 'CONTROLLER', doc: 'Listener names used by the controller quorum.' },
  'controller.quorum.voters': { kind: 'string', default: '1@127.0.0.1:9093', doc: 'The metadata quorum: id@host:port of every controller, comma-separated.' },
  'controller.quorum.election.timeout.ms': { kind: 'int', default: '500', min: 10, doc: 'Election timeout of the metadata quorum (randomized up to twice this).' },
  'controller.quorum.fetch.timeout.ms': { kind: 'int', default: '1000', min: 10, doc: 'A follower that hears nothing from the leader this long starts an election.' },
  'controller.quorum.request.timeout.ms': { kind: 'int', default: '2000', min: 10, doc: 'Deadline of quorum and controller RPCs.' },
  'metadata.log.dir': { kind: 'string', doc: 'Where the metadata quorum keeps its log; defaults to the data directory.' },
  'metadata.log.max.record.bytes.between.snapshots': { kind: 'long', default: '20971520', min: 1, doc: 'Snapshot the metadata after this many new record bytes.' },
  'broker.heartbeat.interval.ms': { kind: 'int', default: '300', min: 10, doc: 'How often a broker heartbeats to the controller.' },
  'broker.session.timeout.ms': { kind: 'int', default: '1500', min: 10, doc: 'A broker without a heartbeat this long is fenced.' },
  'replica.lag.time.max.ms': { kind: 'long', default: '30000', min: 1, doc: 'A follower that has not caught up with the leader this long leaves the ISR.' },
  'replica.high.watermark.checkpoint.interval.ms': { kind: 'long', default: '5000', min: 1, doc: 'How often high watermarks are written to disk.' },
  'unclean.leader.election.enable': { kind: 'bool', default: 'false', doc: 'Let a replica outside the ISR become leader (may lose acknowledged data).' },
  'auto.leader.rebalance.enable': { kind: 'bool', default: 'true', doc: 'Move leadership back to preferred replicas.' },
  'leader.imbalance.check.interval.seconds': { kind: 'int', default: '300', min: 1, doc: 'How often preferred leaders are checked.' },
  'log.dirs': { kind: 'string', doc: 'Data directory (one supported); defaults to log.dir.' },
  'log.dir': { kind: 'string', default: './data', doc: 'Data directory when log.dirs is unset.' },
  'num.partitions': { kind: 'int', default: '1', min: 1, doc: 'Partitions of an auto-created topic or a CreateTopics request that leaves it to the broker.' },
  'auto.create.topics.enable': { kind: 'bool', default: 'true', doc: 'Create a topic when a client asks for metadata of an unknown one.' },
  'default.replication.factor': { kind: 'int', default: '1', min: 1, doc: 'Replication factor of topics created without one.' },
  'delete.topic.enable': { kind: 'bool', default: 'true', doc: 'Allow DeleteTopics.' },
  'message.max.bytes': { kind: 'int', default: '1048588', min: 0, doc: 'Largest record batch accepted, in bytes.' },
  'min.insync.replicas': { kind: 'int', default: '1', min: 1, doc: 'In-sync replicas an acks=all produce needs.' },
  'socket.request.max.bytes': { kind: 'int', default: '104857600', min: 1, doc: 'Largest request frame accepted; a larger one closes the connection.' },
  'log.segment.bytes': { kind: 'int', default: '1073741824', min: 1024, doc: 'Roll a segment at this size.' },
  'log.roll.ms': { kind: 'long', min: 1, doc: 'Roll a segment this long after its first record.' },
  'log.roll.hours': { kind: 'int', default: '168', min: 1, doc: 'Roll period in hours when log.roll.ms is unset.' },
  'log.retention.ms': { kind: 'long', min: -1, doc: 'Delete segments older than this; -1 keeps them forever.' },
  'log.retention.minutes': { kind: 'int', min: -1, doc: 'Retention in minutes when log.retention.ms is unset.' },
  'log.retention.hours': { kind: 'int', default: '168', min: -1, doc: 'Retention in hours when the finer keys are unset.' },
  'log.retention.bytes': { kind: 'long', default: '-1', min: -1, doc: 'Delete oldest segments while a partition is above this size; -1 means no limit.' },
  'log.retention.check.interval.ms': { kind: 'long', default: '300000', min: 1, doc: 'How often retention runs.' },
  'log.flush.interval.messages': { kind: 'long', default: LONG_MAX, min: 1, doc: 'fsync after this many appended records.' },
  'log.flush.interval.ms': { kind: 'long', min: 0, doc: 'fsync data older than this; unset means never by time (durability from replication).' },
  'log.flush.scheduler.interval.ms': { kind: 'long', default: '1000', min: 1, doc: 'How often the time-based flush is checked.' },
  'log.index.interval.bytes': { kind: 'int', default: '4096', min: 0, doc: 'Bytes between offset index entries.' },
  'log.index.size.max.bytes': { kind: 'int', default: '10485760', min: 4096, doc: 'Largest index file; a full index rolls the segment.' },
  'log.cleanup.policy': { kind: 'string', default: 'delete', choices: CLEANUP_POLICIES, doc: 'Default cleanup policy of topics: delete (retention), compact (keep the last record per key), or both.' },
  'log.cleaner.delete.retention.ms': { kind: 'long', default: '86400000', min: 0, doc: 'How long a compacted topic keeps tombstones.' },
  'log.cleaner.min.compaction.lag.ms': { kind: 'long', default: '0', min: 0, doc: 'A record stays uncompacted at least this long.' },
  'log.cleaner.backoff.ms': { kind: 'long', default: '15000', min: 1, doc: 'How often compacted logs are checked for segments to clean.' },
  'log.format': { kind: 'string', choices: ['json', 'pretty'], doc: 'Log output: json, or pretty (the default on a terminal).' },
  'log.level': { kind: 'string', default: 'info', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'], doc: 'Log level.' },
  'fetch.max.bytes': { kind: 'int', default: '57671680', min: 0, doc: 'Largest fetch response served.' },
  'offsets.topic.num.partitions': { kind: 'int', default: '50', min: 1, doc: 'Partitions of __consumer_offsets (fixed once the topic exists).' },
  'offsets.topic.replication.factor': { kind: 'int', default: '3', min: 1, doc: 'Replication factor of __consumer_offsets (capped at the brokers alive when it is created).' },
  'offsets.topic.segment.bytes': { kind: 'int', default: '104857600', min: 1024, doc: 'Segment size of __consumer_offsets (small segments compact sooner).' },
  'offsets.commit.timeout.ms': { kind: 'int', default: '5000', min: 1, doc: 'How long a group write may wait for the replicas of its __consumer_offsets partition.' },
  'offsets.retention.minutes': { kind: 'int', default: '10080', min: 1, doc: 'Committed offsets of a group empty this long (or of topics it no longer reads) are deleted.' },
  'offsets.retention.check.interval.ms': { kind: 'long', default: '600000', min: 1, doc: 'How often expired offsets are looked for.' },
  'offset.metadata.max.bytes': { kind: 'int', default: '4096', min: 0, doc: 'Largest metadata string of a committed offset.' },
  'group.min.session.timeout.ms': { kind: 'int', default: '6000', min: 1, doc: 'Smallest session timeout a group member may ask for.' },
  'group.max.session.timeout.ms': { kind: 'int', default: '1800000', min: 1, doc: 'Largest session timeout a group member may ask for.' },
  'group.initial.rebalance.delay.ms': { kind: 'int', default: '3000', min: 0, doc: 'How long a new group waits for more members before its first rebalance completes.' },
};

/** The typed broker configuration after defaults and derivations. */
export interface BrokerConfig {
  nodeId: number;
  /** Which roles this process runs (process.roles). */
  processRoles: { broker: boolean; controller: boolean };
  listeners: Listener[];
  /** The listener Kafka clients use (the first not named in controller.listener.names), if the broker role runs. */
  brokerListener: Listener | null;
  /** The listener the quorum uses, if the controller role runs. */
  controllerListener: Listener | null;
  /** Where followers fetch from this broker (a listener named REPLICATION); null: the broker host, any free port. */
  replicationListener: Listener | null;
  /** Broker listeners as given to clients. */
  advertisedListeners: Listener[];
  quorumVoters: QuorumVoter[];
  quorumElectionTimeoutMs: number;
  quorumFetchTimeoutMs: number;
  quorumRequestTimeoutMs: number;
  metadataLogDir: string;
  metadataSnapshotRecordBytes: number;
  brokerHeartbeatIntervalMs: number;
  brokerSessionTimeoutMs: number;
  replicaLagTimeMaxMs: number;
  replicaHighWatermarkCheckpointIntervalMs: number;
  uncleanLeaderElectionEnable: boolean;
  autoLeaderRebalanceEnable: boolean;
  leaderImbalanceCheckIntervalMs: number;
  logDir: string;
  numPartitions: number;
  autoCreateTopicsEnable: boolean;
  defaultReplicationFactor: number;
  deleteTopicEnable: boolean;
  messageMaxBytes: number;
  minInsyncReplicas: number;
  socketRequestMaxBytes: number;
  logSegmentBytes: number;
  logRollMs: number;
  logRetentionMs: number;
  logRetentionBytes: number;
  logRetentionCheckIntervalMs: number;
  logFlushIntervalMessages: number;
  logFlushIntervalMs: number;
  logFlushSchedulerIntervalMs: number;
  logIndexIntervalBytes: number;
  logIndexSizeMaxBytes: number;
  logFormat: 'json' | 'pretty' | undefined;
  logLevel: string;
  fetchMaxBytes: number;
  logCleanupPolicy: string;
  logCleanerDeleteRetentionMs: number;
  logCleanerMinCompactionLagMs: number;
  logCleanerBackoffMs: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicSegmentBytes: number;
  offsetsCommitTimeoutMs: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  /** Every key as given (file then overrides), for DescribeConfigs. */
  raw: ReadonlyMap<string, string>;
}

export interface LoadOptions {
  file?: string;
  overrides?: readonly string[];
  /** Called once per key Sluice does not know. */
  warnUnknown?: (key: string) => void;
}

/** Reads the file and overrides, warns about unknown keys, and checks every value. */
export function loadBrokerConfig(options: LoadOptions): BrokerConfig {
  const raw = new Map<string, string>();
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(err as Error).message}`);
    }
    for (const [k, v] of parseProperties(text)) raw.set(k, v);
  }
  for (const o of options.overrides ?? []) {
    const [k, v] = parseOverride(o);
    raw.set(k, v);
  }
  for (const key of raw.keys()) {
    if (!(key in BROKER_KEYS)) options.warnUnknown?.(key);
  }
  return buildConfig(new ConfigReader(raw));
}

function buildConfig(r: ConfigReader): BrokerConfig {
  const logDir = firstLogDir(r);
  return {
    nodeId: r.has('node.id') || !r.has('broker.id') ? r.int('node.id') : r.int('broker.id'),
    ...roleSettings(r),
    logDir,
    numPartitions: r.int('num.partitions'),
    autoCreateTopicsEnable: r.bool('auto.create.topics.enable'),
    defaultReplicationFactor: r.int('default.replication.factor'),
    deleteTopicEnable: r.bool('delete.topic.enable'),
    messageMaxBytes: r.int('message.max.bytes'),
    minInsyncReplicas: r.int('min.insync.replicas'),
    socketRequestMaxBytes: r.int('socket.request.max.bytes'),
    logSegmentBytes: r.int('log.segment.bytes'),
    logRollMs: r.has('log.roll.ms') ? r.int('log.roll.ms') : r.int('log.roll.hours') * 3600_000,
    logRetentionMs: retentionMs(r),
    logRetentionBytes: r.int('log.retention.bytes'),
    logRetentionCheckIntervalMs: r.int('log.retention.check.interval.ms'),
    logFlushIntervalMessages: r.int('log.flush.interval.messages'),
    logFlushIntervalMs: r.has('log.flush.interval.ms') ? r.int('log.flush.interval.ms') : Number.MAX_SAFE_INTEGER,
    logFlushSchedulerIntervalMs: r.int('log.flush.scheduler.interval.ms'),
    logIndexIntervalBytes: r.int('log.index.interval.bytes'),
    logIndexSizeMaxBytes: r.int('log.index.size.max.bytes'),
    logFormat: r.has('log.format') ? (r.string('log.format') as 'json' | 'pretty') : undefined,
    logLevel: r.string('log.level'),
    fetchMaxBytes: r.int('fetch.max.bytes'),
    logCleanupPolicy: r.string('log.cleanup.policy'),
    logCleanerDeleteRetentionMs: r.int('log.cleaner.delete.retention.ms'),
    logCleanerMinCompactionLagMs: r.int('log.cleaner.min.compaction.lag.ms'),
    logCleanerBackoffMs: r.int('log.cleaner.backoff.ms'),
    offsetsTopicNumPartitions: r.int('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: r.int('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: r.int('offsets.topic.segment.bytes'),
    offsetsCommitTimeoutMs: r.int('offsets.commit.timeout.ms'),
    offsetsRetentionMs: r.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: r.int('offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: r.int('offset.metadata.max.bytes'),
    groupMinSessionTimeoutMs: r.int('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: r.int('group.max.session.timeout.ms'),
    groupInitialRebalanceDelayMs: r.int('group.initial.rebalance.delay.ms'),
    quorumElectionTimeoutMs: r.int('controller.quorum.election.timeout.ms'),
    quorumFetchTimeoutMs: r.int('controller.quorum.fetch.timeout.ms'),
    quorumRequestTimeoutMs: r.int('controller.quorum.request.timeout.ms'),
    metadataLogDir: r.has('metadata.log.dir') ? r.string('metadata.log.dir') : logDir,
    metadataSnapshotRecordBytes: r.int('metadata.log.max.record.bytes.between.snapshots'),
    brokerHeartbeatIntervalMs: r.int('broker.heartbeat.interval.ms'),
    brokerSessionTimeoutMs: r.int('broker.session.timeout.ms'),
    replicaLagTimeMaxMs: r.int('replica.lag.time.max.ms'),
    replicaHighWatermarkCheckpointIntervalMs: r.int('replica.high.watermark.checkpoint.interval.ms'),
    uncleanLeaderElectionEnable: r.bool('unclean.leader.election.enable'),
    autoLeaderRebalanceEnable: r.bool('auto.leader.rebalance.enable'),
    leaderImbalanceCheckIntervalMs: r.int('leader.imbalance.check.interval.seconds') * 1000,
    raw: r.raw,
  };
}

type RoleSettings = Pick<BrokerConfig, 'processRoles' | 'listeners' | 'brokerListener' | 'controllerListener' | 'replicationListener' | 'advertisedListeners' | 'quorumVoters'>;

/** The listener name followers fetch through (gRPC replication). */
const REPLICATION_LISTENER = 'REPLICATION';

/** process.roles, the listeners each role uses, and the quorum voters, checked against each other. */
function roleSettings(r: ConfigReader): RoleSettings {
  const roles = r.string('process.roles').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (roles.length === 0 || roles.some((role) => role !== 'broker' && role !== 'controller')) {
    throw new ConfigError(`process.roles: '${r.string('process.roles')}' is not allowed; expected broker, controller, or broker,controller`);
  }
  const processRoles = { broker: roles.includes('broker'), controller: roles.includes('controller') };
  const nodeId = r.has('node.id') || !r.has('broker.id') ? r.int('node.id') : r.int('broker.id');
  const listeners = parseListeners('listeners', r.string('listeners'));
  const controllerNames = new Set(r.string('controller.listener.names').split(',').map((s) => s.trim().toUpperCase()));
  const isClientListener = (l: Listener): boolean => !controllerNames.has(l.name) && l.name !== REPLICATION_LISTENER;
  const brokerListener = listeners.find(isClientListener) ?? null;
  const replicationListener = listeners.find((l) => l.name === REPLICATION_LISTENER) ?? null;
  const controllerListener = listeners.find((l) => controllerNames.has(l.name)) ?? null;
  const quorumVoters = parseQuorumVoters(r.string('controller.quorum.voters'));
  const isVoter = quorumVoters.some((v) => v.id === nodeId);
  if (processRoles.broker && !brokerListener) {
    throw new ConfigError(`listeners: '${r.string('listeners')}' has no broker listener (one not named in controller.listener.names) for process.roles=${roles.join(',')}`);
  }
  if (processRoles.controller && !controllerListener) {
    throw new ConfigError(`listeners: '${r.string('listeners')}' has no listener named in controller.listener.names (${[...controllerNames].join(',')}) for the controller role`);
  }
  if (processRoles.controller !== isVoter) {
    throw new ConfigError(processRoles.controller
      ? `controller.quorum.voters: node.id ${nodeId} runs the controller role but is not listed among the voters`
      : `controller.quorum.voters: node.id ${nodeId} is listed as a voter but process.roles has no controller`);
  }
  const advertisedListeners = r.has('advertised.listeners')
    ? parseListeners('advertised.listeners', r.string('advertised.listeners'))
    : listeners.filter(isClientListener);
  return { processRoles, listeners, brokerListener, controllerListener, replicationListener, advertisedListeners, quorumVoters };
}

function firstLogDir(r: ConfigReader): string {
  const dirs = r.has('log.dirs') ? r.string('log.dirs') : r.string('log.dir');
  const list = dirs.split(',').map((d) => d.trim()).filter((d) => d !== '');
  if (list.length !== 1) throw new ConfigError(`log.dirs: '${dirs}' must name exactly one directory (several are not supported yet)`);
  return list[0]!;
}

function retentionMs(r: ConfigReader): number {
  const ms = r.has('log.retention.ms') ? r.int('log.retention.ms')
    : r.has('log.retention.minutes') ? r.int('log.retention.minutes') * 60_000
      : r.int('log.retention.hours') * 3600_000;
  return ms < 0 ? -1 : ms;
}

/** Reads typed values and reports bad ones by key, with what is allowed. */
class ConfigReader {
  constructor(readonly raw: ReadonlyMap<string, string>) {}

  has(key: string): boolean {
    return this.raw.has(key);
  }

  private text(key: string): string {
    const spec = BROKER_KEYS[key]!;
    const value = this.raw.get(key) ?? spec.default;
    if (value === undefined) throw new Error(`no default for ${key}`);
    return value;
  }

  string(key: string): string {
    const value = this.text(key);
    const choices = BROKER_KEYS[key]!.choices;
    if (choices && !choices.includes(value)) {
      throw new ConfigError(`${key}: '${value}' is not allowed; expected one of ${choices.join(', ')}`);
    }
    return value;
  }

  bool(key: string): boolean {
    const value = this.text(key).toLowerCase();
    if (value !== 'true' && value !== 'false') throw new ConfigError(`${key}: '${value}' is not allowed; expected true or false`);
    return value === 'true';
  }

  int(key: string): number {
    const spec = BROKER_KEYS[key]!;
    const value = this.text(key);
    // Kafka's "unlimited" LONG defaults (Long.MAX_VALUE) are clamped to the largest exact JavaScript integer.
    const n = spec.kind === 'long' && /^\d+$/.test(value) && BigInt(value) <= JAVA_LONG_MAX ? Math.min(Number(value), Number.MAX_SAFE_INTEGER) : Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
      throw new ConfigError(`${key}: '${value}' is not allowed; expected a whole number${describeRange(spec)}`);
    }
    if ((spec.min !== undefined && n < spec.min) || n > maxOf(spec)) {
      throw new ConfigError(`${key}: ${n} is out of range; expected a whole number${describeRange(spec)}`);
    }
    return n;
  }
}

/** INT keys stop at Java's Integer.MAX_VALUE, LONG keys at the largest exact JavaScript integer. */
function maxOf(spec: KeySpec): number {
  return spec.max ?? (spec.kind === 'int' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER);
}

function describeRange(spec: KeySpec): string {
  const min = spec.min !== undefined ? ` from ${spec.min}` : '';
  return `${min} up to ${maxOf(spec)}`;
}
