/**
 * `--describe` of kafka-consumer-groups.sh: for each group, ask its coordinator for state and
 * members, the committed offsets, and the partition leaders for log end offsets, then print one of
 * the three views (offsets, members, state) with Kafka's notes about empty, rebalancing and
 * missing groups.
 */
import { compareTopicPartitions, decodeAssignment, topicPartitionKey as keyOf, type TopicPartition } from '../kafka/consumer-protocol.js';
import { LATEST_TIMESTAMP, type CommittedOffset, type DescribedGroup, type GroupAdmin } from '../kafka/group-admin.js';
import { formatMembers, formatOffsets, formatState, type MemberRow, type OffsetRow } from './consumer-groups-format.js';

/** Which table `--describe` prints. */
export type DescribeView = 'offsets' | 'members' | 'state';

/** Where the tool writes: stdout for tables, stderr for notes and errors. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** A member as the offsets and members views need it. */
export interface GroupMember {
  consumerId: string;
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  assignment: TopicPartition[];
}

/** The group's members with their decoded assignments. */
export function groupMembers(described: DescribedGroup): GroupMember[] {
  return described.group.members.map((m) => ({
    consumerId: m.memberId, groupInstanceId: m.groupInstanceId, host: m.clientHost, clientId: m.clientId,
    assignment: described.group.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment).sort(compareTopicPartitions) : [],
  }));
}

/**
 * The offsets view's rows, in Kafka's order: members with partitions (most partitions first), each
 * member's partitions in order; then partitions with a committed offset but no member, with `-` for
 * the member. Lag is known only when both the committed offset and the log end offset are.
 */
export function offsetRows(input: { group: string; members: readonly GroupMember[]; committed: ReadonlyMap<string, CommittedOffset>; logEnd: ReadonlyMap<string, bigint> }): OffsetRow[] {
  const row = (tp: TopicPartition, member: { consumerId?: string; host?: string; clientId?: string }): OffsetRow => {
    const currentOffset = input.committed.get(keyOf(tp))?.offset;
    const logEndOffset = input.logEnd.get(keyOf(tp));
    const lag = currentOffset !== undefined && logEndOffset !== undefined ? logEndOffset - currentOffset : undefined;
    return { group: input.group, topic: tp.topic, partition: tp.partition, currentOffset, logEndOffset, lag, ...member };
  };
  const withPartitions = input.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length);
  const assigned = new Set(withPartitions.flatMap((m) => m.assignment.map(keyOf)));
  const unassigned = [...input.committed.values()].map((c) => c.tp).filter((tp) => !assigned.has(keyOf(tp))).sort(compareTopicPartitions);
  return [
    ...withPartitions.flatMap((m) => m.assignment.map((tp) => row(tp, { consumerId: m.consumerId, host: m.host, clientId: m.clientId }))),
    ...unassigned.map((tp) => row(tp, {})),
  ];
}

/**
 * Kafka's note for a group's state before its table. Returns false for a group that does not exist
 * (Dead), which prints no table.
 */
export function noteState(group: string, state: string, output: Output): boolean {
  switch (state) {
    case 'Dead':
      output.err(`Error: Consumer group '${group}' does not exist.\n`);
      return false;
    case 'Empty':
      output.err(`\nConsumer group '${group}' has no active members.\n`);
      return true;
    case 'PreparingRebalance':
    case 'CompletingRebalance':
      output.err(`\nWarning: Consumer group '${group}' is rebalancing.\n`);
      return true;
    default:
      return true;
  }
}

async function describeOffsets(admin: GroupAdmin, described: DescribedGroup, output: Output): Promise<void> {
  const group = described.group.groupId;
  const members = groupMembers(described);
  const committed = await admin.committedOffsets(group);
  const partitions = new Map<string, TopicPartition>();
  for (const tp of members.flatMap((m) => m.assignment)) partitions.set(keyOf(tp), tp);
  for (const { tp } of committed.values()) partitions.set(keyOf(tp), tp);
  const logEnd = await admin.logOffsets([...partitions.values()], LATEST_TIMESTAMP);
  const rows = offsetRows({ group, members, committed, logEnd });
  if (rows.length > 0) output.out(formatOffsets(rows));
}

/**
 * Describes each group in `groups` with one view; returns false when some group did not exist
 * (after describing the others).
 */
export async function describeGroups(admin: GroupAdmin, options: { groups: readonly string[]; view: DescribeView; verbose: boolean }, output: Output): Promise<boolean> {
  let allFound = true;
  for (const group of [...options.groups].sort()) {
    const described = await admin.describeGroup(group);
    const { groupState, members, protocolData } = described.group;
    if (!noteState(group, groupState, output)) {
      allFound = false;
      continue;
    }
    switch (options.view) {
      case 'offsets':
        await describeOffsets(admin, described, output);
        break;
      case 'members': {
        const rows: MemberRow[] = groupMembers(described).map((m) => ({ group, ...m }));
        if (rows.length > 0) output.out(formatMembers(rows, options.verbose));
        break;
      }
      case 'state':
        output.out(formatState({ group, coordinator: described.coordinator, assignmentStrategy: protocolData, state: groupState, members: members.length }));
        break;
    }
  }
  return allFound;
}
