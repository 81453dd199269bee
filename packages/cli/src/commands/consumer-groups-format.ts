/**
 * kafka-consumer-groups.sh's tables, laid out as Kafka's ConsumerGroupCommand lays them out: each
 * table follows a blank line, columns are left-aligned to a minimum width (wider when a value is
 * longer) and separated by one space, and an unknown value is `-`.
 */
import { compareTopicPartitions, type TopicPartition } from '../kafka/consumer-protocol.js';

/** Kafka's placeholder for a value it does not know. */
export const MISSING = '-';

/** One row of `--describe --offsets`; absent fields print as `-`. */
export interface OffsetRow {
  group: string;
  topic?: string;
  partition?: number;
  currentOffset?: bigint;
  logEndOffset?: bigint;
  lag?: bigint;
  consumerId?: string;
  host?: string;
  clientId?: string;
}

/** One row of `--describe --members`. */
export interface MemberRow {
  group: string;
  consumerId: string;
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  assignment: TopicPartition[];
}

/** The one row of `--describe --state`. */
export interface StateRow {
  group: string;
  coordinator: { nodeId: number; host: string; port: number };
  assignmentStrategy: string;
  state: string;
  members: number;
}

/** Left-aligns each cell to its width (Java's `%-Ns`); the last cell of a row is never padded unless given a width. */
function line(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (widths[i] === undefined ? cell : cell.padEnd(widths[i]!))).join(' ');
}

const widest = (minimum: number, values: readonly string[]): number => Math.max(minimum, ...values.map((v) => v.length));
const show = (value: string | number | bigint | undefined): string => (value === undefined ? MISSING : String(value));

/** The `--describe --offsets` table (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID). */
export function formatOffsets(rows: readonly OffsetRow[]): string {
  const cells = rows.map((r) => [r.group, show(r.topic), show(r.partition), show(r.currentOffset), show(r.logEndOffset), show(r.lag), show(r.consumerId), show(r.host), show(r.clientId)]);
  const widths = [widest(15, cells.map((c) => c[0]!)), widest(15, cells.map((c) => c[1]!)), 10, 15, 15, 15, widest(15, cells.map((c) => c[6]!)), widest(15, cells.map((c) => c[7]!))];
  const header = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];
  return `\n${[header, ...cells].map((c) => line(c, widths)).join('\n')}\n`;
}

/** A member's partitions as Kafka prints them: `topic(0,1), other(2)`, topics in order, `-` when none. */
export function formatAssignment(assignment: readonly TopicPartition[]): string {
  if (assignment.length === 0) return MISSING;
  const topics = new Map<string, number[]>();
  for (const tp of [...assignment].sort(compareTopicPartitions)) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
  return [...topics].map(([topic, partitions]) => `${topic}(${partitions.join(',')})`).sort().join(', ');
}

/**
 * The `--describe --members` table; GROUP-INSTANCE-ID appears only when some member has one, and
 * ASSIGNMENT only with `--verbose`. Like Kafka, #PARTITIONS is padded and followed by a space.
 */
export function formatMembers(rows: readonly MemberRow[], verbose: boolean): string {
  const withInstance = rows.some((r) => (r.groupInstanceId ?? '') !== '');
  const pick = (all: string[]): string[] => (withInstance ? all : all.filter((_, i) => i !== 2));
  const cells = rows.map((r) => pick([r.group, r.consumerId, r.groupInstanceId ?? '', r.host, r.clientId, String(r.assignment.length)]));
  const minimums = pick(['15', '15', '17', '15', '15']).map(Number);
  const widths = [...minimums.map((min, i) => widest(min, cells.map((c) => c[i]!))), 15];
  const header = pick(['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS']);
  const lines = [
    `${line(header, widths)} ${verbose ? 'ASSIGNMENT' : ''}`,
    ...rows.map((r, i) => `${line(cells[i]!, widths)} ${verbose ? formatAssignment(r.assignment) : ''}`),
  ];
  return `\n${lines.join('\n')}\n`;
}

/**
 * The `--describe --state` table. Kafka sizes the first column by the coordinator text
 * (`host:port  (id)`, at least 25) and gives the coordinator column 25; we keep its layout.
 */
export function formatState(row: StateRow): string {
  const coordinator = `${row.coordinator.host}:${row.coordinator.port}  (${row.coordinator.nodeId})`;
  const widths = [Math.max(25, coordinator.length), 25, 20, 15];
  return [
    '',
    line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], widths),
    line([row.group, coordinator, row.assignmentStrategy, row.state, String(row.members)], widths),
  ].join('\n') + '\n';
}

/** One partition's new offset in a `--reset-offsets` plan. */
export interface PlannedOffset {
  group: string;
  tp: TopicPartition;
  offset: bigint;
}

/** The `--reset-offsets` plan (GROUP TOPIC PARTITION NEW-OFFSET), in Kafka's fixed widths. */
export function formatResetPlan(rows: readonly PlannedOffset[]): string {
  if (rows.length === 0) return '';
  const widths = [30, 30, 10, 15];
  const lines = [['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ...rows.map((r) => [r.group, r.tp.topic, String(r.tp.partition), String(r.offset)])];
  return `\n${lines.map((c) => line(c, widths)).join('\n')}\n`;
}

/**
 * The `--reset-offsets --export` plan, as Kafka writes it for `--from-file`: TOPIC,PARTITION,OFFSET
 * lines, with the group first when several groups were asked; then the blank line of its println.
 */
export function formatResetCsv(rows: readonly PlannedOffset[], withGroup: boolean): string {
  return `${rows.map((r) => `${withGroup ? `${r.group},` : ''}${r.tp.topic},${r.tp.partition},${r.offset}\n`).join('')}\n`;
}

/** The `--delete-offsets` result table (TOPIC PARTITION STATUS). */
export function formatDeleteOffsets(rows: readonly { tp: TopicPartition; error: string | null }[]): string {
  const widths = [30, 15, 15];
  const lines = [['TOPIC', 'PARTITION', 'STATUS'], ...rows.map((r) => [r.tp.topic, String(r.tp.partition), r.error === null ? 'Successful' : `Error: ${r.error}`])];
  return `\n${lines.map((c) => line(c, widths)).join('\n')}\n`;
}
