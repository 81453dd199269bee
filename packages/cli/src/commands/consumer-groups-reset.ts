/**
 * `--reset-offsets` of kafka-consumer-groups.sh: computes each partition's new offset from one
 * scenario (earliest, latest, current, an offset, a shift, a time or a duration ago), clamped to
 * the partition's [log start, log end] as Kafka clamps it, and commits the plan with `--execute`.
 * Like Kafka, it refuses a group that has active members.
 */
import { topicPartitionKey, type TopicPartition } from '../kafka/consumer-protocol.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type GroupAdmin } from '../kafka/group-admin.js';
import { readFlagFile } from '../kafka/properties.js';
import type { Output } from './consumer-groups-describe.js';
import { formatResetCsv, formatResetPlan, type PlannedOffset } from './consumer-groups-format.js';

/** One reset scenario (exactly one is given on the command line). */
export type ResetScenario =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'current' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'shift'; by: bigint }
  | { kind: 'timestamp'; timestampMs: bigint }
  /** `--from-file`: the offsets of a CSV file; `group` is null on lines without one (one group asked). */
  | { kind: 'file'; rows: FileOffset[] };

/** One line of a `--from-file` CSV. */
export interface FileOffset {
  group: string | null;
  tp: TopicPartition;
  offset: bigint;
}

/** What is known about one partition when computing its new offset. */
export interface PartitionOffsets {
  tp: TopicPartition;
  earliest: bigint;
  latest: bigint;
  committed: bigint | undefined;
  /** For a timestamp scenario: the first offset at or after the time, or -1 when there is none. */
  atTimestamp?: bigint;
}

/** A new offset, and Kafka's warning when it had to be moved into the log's range. */
export interface NewOffset {
  offset: bigint;
  warning?: string;
}

/** Clamps an offset into [earliest, latest] with Kafka's warning (ConsumerGroupCommand.checkOffsetsRange). */
export function clampOffset(offset: bigint, p: PartitionOffsets): NewOffset {
  const name = `${p.tp.topic}-${p.tp.partition}`;
  if (offset > p.latest) return { offset: p.latest, warning: `New offset (${offset}) is higher than latest offset for topic partition ${name}. Value will be set to ${p.latest}` };
  if (offset < p.earliest) return { offset: p.earliest, warning: `New offset (${offset}) is lower than earliest offset for topic partition ${name}. Value will be set to ${p.earliest}` };
  return { offset };
}

/**
 * The new offset of one partition under `scenario`. A shift needs a committed offset (as in Kafka);
 * `current` keeps the committed offset, or takes the log end when there is none; a time after the
 * last record gives the log end.
 */
export function newOffset(scenario: ResetScenario, p: PartitionOffsets): NewOffset {
  switch (scenario.kind) {
    case 'earliest':
      return { offset: p.earliest };
    case 'latest':
      return { offset: p.latest };
    case 'current':
      return { offset: p.committed ?? p.latest };
    case 'offset':
      return clampOffset(scenario.offset, p);
    case 'shift':
      if (p.committed === undefined) throw new Error(`Cannot shift offset for partition ${p.tp.topic}-${p.tp.partition} since there is no current committed offset`);
      return clampOffset(p.committed + scenario.by, p);
    case 'timestamp':
      return clampOffset(p.atTimestamp === undefined || p.atTimestamp < 0n ? p.latest : p.atTimestamp, p);
    case 'file':
      throw new Error('offsets from a file are taken as they are, not computed per partition');
  }
}

/**
 * A `--from-file` CSV as Kafka's tool reads and `--export` writes it: TOPIC,PARTITION,OFFSET lines,
 * or GROUP,TOPIC,PARTITION,OFFSET when the plan covered several groups. Blank lines are skipped.
 */
export function parseResetCsv(text: string): FileOffset[] {
  const rows: FileOffset[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.split(',').map((f) => f.trim());
    const group = fields.length === 4 ? fields[0]! : null;
    const [topic, partition, offset] = fields.length === 4 || fields.length === 3 ? fields.slice(-3) : [];
    if (topic === undefined || topic === '' || !/^\d+$/.test(partition ?? '') || !/^\d+$/.test(offset ?? '')) {
      throw new Error(`--from-file line ${i + 1} '${line}' is not TOPIC,PARTITION,OFFSET or GROUP,TOPIC,PARTITION,OFFSET`);
    }
    rows.push({ group, tp: { topic, partition: Number(partition) }, offset: BigInt(offset!) });
  });
  return rows;
}

/** Reads and parses a `--from-file` CSV, naming the file when it cannot be read. */
export function readResetFile(path: string): FileOffset[] {
  return parseResetCsv(readFlagFile('from-file', path));
}

/** `--topic T` or `--topic T:0,2`: the topic and its listed partitions (null for all). */
export function parseTopicSpec(spec: string): { topic: string; partitions: number[] | null } {
  const colon = spec.lastIndexOf(':');
  if (colon < 0) return { topic: spec, partitions: null };
  const topic = spec.slice(0, colon);
  const list = spec.slice(colon + 1).split(',').map((s) => s.trim());
  if (topic === '' || list.some((s) => !/^\d+$/.test(s))) throw new Error(`--topic '${spec}' is not TOPIC or TOPIC:PARTITION,PARTITION,...`);
  return { topic, partitions: list.map(Number) };
}

/**
 * `--to-datetime` as Kafka reads it: YYYY-MM-DDTHH:mm:SS.sss with an optional zone (`Z`, `+hh:mm`,
 * `-hhmm`); without a zone the local time zone applies. Returns milliseconds since the epoch.
 */
export function parseDateTime(text: string): bigint {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) throw new Error(`--to-datetime '${text}' is not YYYY-MM-DDTHH:mm:SS.sss, optionally followed by a zone (Z, +hh:mm)`);
  const [y, mo, d, h, mi, s, ms] = match.slice(1, 8).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number, number];
  const zone = match[8];
  if (zone === undefined) return BigInt(new Date(y, mo - 1, d, h, mi, s, ms).getTime());
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (zone === 'Z') return BigInt(utc);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return BigInt(utc - sign * offsetMinutes * 60_000);
}

/** `--by-duration` as Kafka reads it (ISO-8601 `PnDTnHnMnS`): the duration in milliseconds. */
export function parseDuration(text: string): bigint {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) throw new Error(`--by-duration '${text}' is not an ISO-8601 duration like PT15M or P1DT2H`);
  const [d, h, m] = match.slice(1, 4).map((v) => Number(v ?? 0)) as [number, number, number];
  const s = Number(match[4] ?? 0);
  return BigInt(Math.round((((d * 24 + h) * 60 + m) * 60 + s) * 1000));
}

/** Kafka's words for a reset without `--dry-run` or `--execute` (it then acts as a dry run). */
export const NO_EXECUTE_WARNING = 'WARN: No action will be performed as the --execute option is missing. '
  + 'In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. '
  + 'You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.';

/** What to reset, for which groups, and whether to commit. */
export interface ResetOptions {
  groups: readonly string[];
  /** `--topic` specs, or null for `--all-topics` (every partition the group has an offset for). */
  topics: readonly string[] | null;
  scenario: ResetScenario;
  execute: boolean;
  /** `--export`: the plan as CSV instead of the table. */
  csv: boolean;
}

/** The partitions `--topic` specs name: every partition of a bare topic (asked of the cluster), the listed ones otherwise. */
export async function partitionsOfSpecs(admin: GroupAdmin, topics: readonly string[]): Promise<TopicPartition[]> {
  const specs = topics.map(parseTopicSpec);
  const all = await admin.partitionsOf(specs.filter((s) => s.partitions === null).map((s) => s.topic));
  const listed = specs.flatMap((s) => (s.partitions ?? []).map((partition) => ({ topic: s.topic, partition })));
  return [...all, ...listed];
}

/** The partitions a reset applies to: the `--topic` specs, or with `--all-topics` those the group has offsets for. */
async function partitionsToReset(admin: GroupAdmin, topics: readonly string[] | null, committed: Map<string, { tp: TopicPartition }>): Promise<TopicPartition[]> {
  return topics === null ? [...committed.values()].map((c) => c.tp) : partitionsOfSpecs(admin, topics);
}

/** Computes one group's plan (and its warnings) from the cluster's offsets. */
async function planGroup(admin: GroupAdmin, group: string, options: ResetOptions): Promise<{ rows: PlannedOffset[]; warnings: string[] }> {
  // As Kafka: a file's offsets are committed as written, for the lines of this group (or without one).
  if (options.scenario.kind === 'file') {
    const rows = options.scenario.rows.filter((r) => r.group === null || r.group === group).map((r) => ({ group, tp: r.tp, offset: r.offset }));
    return { rows, warnings: [] };
  }
  const committed = await admin.committedOffsets(group);
  const partitions = await partitionsToReset(admin, options.topics, committed);
  const [earliest, latest] = await Promise.all([admin.logOffsets(partitions, EARLIEST_TIMESTAMP), admin.logOffsets(partitions, LATEST_TIMESTAMP)]);
  const scenario = options.scenario;
  const atTime = scenario.kind === 'timestamp' ? await admin.logOffsets(partitions, scenario.timestampMs) : new Map<string, bigint>();
  const rows: PlannedOffset[] = [];
  const warnings: string[] = [];
  for (const tp of partitions) {
    const key = topicPartitionKey(tp);
    const [first, end] = [earliest.get(key), latest.get(key)];
    if (first === undefined || end === undefined) throw new Error(`no log offsets for ${tp.topic}-${tp.partition} (unknown partition or no leader)`);
    const computed = newOffset(scenario, { tp, earliest: first, latest: end, committed: committed.get(key)?.offset, atTimestamp: atTime.get(key) });
    if (computed.warning) warnings.push(computed.warning);
    rows.push({ group, tp, offset: computed.offset });
  }
  return { rows, warnings };
}

/** Runs `--reset-offsets`; returns false when some group was refused for being active. */
export async function resetOffsets(admin: GroupAdmin, options: ResetOptions, output: Output): Promise<boolean> {
  let allReset = true;
  const plan: PlannedOffset[] = [];
  for (const group of [...options.groups].sort()) {
    const { group: described } = await admin.describeGroup(group);
    if (described.groupState !== 'Empty' && described.groupState !== 'Dead') {
      output.err(`Error: Assignments can only be reset if the group '${group}' is inactive, but the current state is ${described.groupState}.\n`);
      allReset = false;
      continue;
    }
    const { rows, warnings } = await planGroup(admin, group, options);
    for (const w of warnings) output.err(`WARN: ${w}\n`);
    if (options.execute) await admin.commitOffsets(group, rows);
    plan.push(...rows);
  }
  output.out(options.csv ? formatResetCsv(plan, options.groups.length > 1) : formatResetPlan(plan));
  return allReset;
}
