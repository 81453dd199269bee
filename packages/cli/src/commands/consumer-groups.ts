/**
 * `sluice consumer-groups`, run as kafka-consumer-groups.sh by bin/kafka-consumer-groups.sh: the
 * same flags and the same output as Kafka's ConsumerGroupCommand for listing, describing,
 * resetting and deleting consumer groups. Talks to the cluster with the project's own codec
 * (see ../kafka/group-admin.ts); every step is bounded by `--timeout`.
 */
import { ErrorCode, errorInfo } from '@sluice/protocol';
import type { Argv, CommandModule } from 'yargs';
import { GroupAdmin, errorText, type GroupListing } from '../kafka/group-admin.js';
import { UsageError, withCommandConfig } from '../kafka/properties.js';
import { describeGroups, type DescribeView, type Output } from './consumer-groups-describe.js';
import { formatDeleteOffsets } from './consumer-groups-format.js';
import { NO_EXECUTE_WARNING, parseDateTime, parseDuration, parseTopicSpec, partitionsOfSpecs, readResetFile, resetOffsets, type ResetScenario } from './consumer-groups-reset.js';

/** Kafka's default for `--timeout` (ms). */
const TIMEOUT_MS_DEFAULT = 5000;
const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const;
/** The states a consumer group can be in, as Kafka names them. */
const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'] as const;
const SCENARIOS = ['to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'shift-by', 'from-file', 'to-current', 'to-offset'] as const;

/** The parsed flags. */
export interface ConsumerGroupsArgs {
  'bootstrap-server'?: string;
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  'reset-offsets'?: boolean;
  'delete-offsets'?: boolean;
  group?: string[];
  'all-groups'?: boolean;
  members?: boolean;
  offsets?: boolean;
  /** `--describe --state`, or `--list --state [STATES]` (comma-separated; empty means every state). */
  state?: string;
  verbose?: boolean;
  topic?: string[];
  'all-topics'?: boolean;
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-current'?: boolean;
  'to-offset'?: string;
  'from-file'?: string;
  export?: boolean;
  'shift-by'?: string;
  'to-datetime'?: string;
  'by-duration'?: string;
  'dry-run'?: boolean;
  execute?: boolean;
  timeout: number;
}

const given = (args: ConsumerGroupsArgs, name: string): boolean => {
  const value = (args as unknown as Record<string, unknown>)[name];
  return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
};
const flags = (names: readonly string[]): string => names.map((n) => `--${n}`).join(', ');

/** The one action given, or an error naming the allowed actions. */
export function actionOf(args: ConsumerGroupsArgs): (typeof ACTIONS)[number] {
  const chosen = ACTIONS.filter((a) => given(args, a));
  if (chosen.length !== 1) throw new Error(`Command must include exactly one action: ${flags(ACTIONS)}`);
  return chosen[0]!;
}

/** Checks the flags for the chosen action as Kafka does; returns an error message naming what is wrong, or null. */
export function checkArgs(args: ConsumerGroupsArgs): string | null {
  let action: (typeof ACTIONS)[number];
  try {
    action = actionOf(args);
  } catch (err) {
    return (err as Error).message;
  }
  if (!given(args, 'bootstrap-server')) return 'Missing required argument [bootstrap-server]';
  if (action !== 'list' && given(args, 'group') === given(args, 'all-groups') && action !== 'delete-offsets') {
    return `Option [${action}] takes exactly one of these options: --group, --all-groups`;
  }
  if (action === 'delete-offsets' && (args.group?.length !== 1 || !given(args, 'topic'))) return 'Option [delete-offsets] takes one --group and at least one --topic';
  if (action === 'describe' && ['members', 'offsets', 'state'].filter((o) => given(args, o)).length > 1) {
    return 'Option [describe] takes at most one of these options: --members, --offsets, --state';
  }
  if (given(args, 'verbose') && !(action === 'describe' && given(args, 'members'))) return 'Option [verbose] is only valid with --describe --members';
  if (given(args, 'state') && action !== 'describe' && action !== 'list') return 'Option [state] is only valid with --describe or --list';
  if (action === 'list' && given(args, 'state')) {
    try {
      statesOf(args.state!);
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (action === 'reset-offsets') return checkReset(args);
  const misplaced = [...SCENARIOS, 'all-topics', 'dry-run', 'execute', 'export'].filter((o) => given(args, o));
  if (misplaced.length > 0) return `Option ${flags(misplaced)} is only valid with --reset-offsets`;
  if (given(args, 'topic') && action !== 'delete-offsets') return 'Option --topic is only valid with --reset-offsets or --delete-offsets';
  return null;
}

function checkReset(args: ConsumerGroupsArgs): string | null {
  // A CSV file names its partitions itself; every other scenario needs the topics it applies to.
  if (!given(args, 'from-file') && given(args, 'topic') === given(args, 'all-topics')) return 'Option [reset-offsets] takes exactly one of these options: --topic, --all-topics';
  if (given(args, 'from-file') && (given(args, 'topic') || given(args, 'all-topics'))) return 'Option [from-file] takes its partitions from the file: leave out --topic and --all-topics';
  if (SCENARIOS.filter((s) => given(args, s)).length !== 1) return `Option [reset-offsets] takes exactly one of these scenarios: ${flags(SCENARIOS)}`;
  if (given(args, 'dry-run') && given(args, 'execute')) return 'Option [reset-offsets] takes at most one of these options: --dry-run, --execute';
  try {
    scenarioOf(args, 0);
    for (const t of args.topic ?? []) parseTopicSpec(t);
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

/** `--list --state`'s filter: comma-separated states in any letter case; none means every state. */
export function statesOf(text: string): Set<string> {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const states = new Set<string>();
  for (const name of names) {
    const state = GROUP_STATES.find((s) => s.toLowerCase() === name.toLowerCase());
    if (!state) throw new Error(`Invalid state list '${text}'. Valid states are: ${GROUP_STATES.join(', ')}`);
    states.add(state);
  }
  return states;
}

/** Kafka's `--list --state` table: GROUP padded to the longest id (at least 15 wide), then STATE. */
export function formatGroupStates(groups: readonly GroupListing[]): string {
  const width = Math.max(15, ...groups.map((g) => g.groupId.length));
  return [['GROUP', 'STATE'], ...groups.map((g) => [g.groupId, g.state])].map(([id, state]) => `${id!.padEnd(width)} ${state}\n`).join('');
}

function integer(name: string, text: string): bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new Error(`--${name} '${text}' is not an integer`);
  return BigInt(text.trim());
}

/** The reset scenario the flags name; `nowMs` anchors `--by-duration`. */
export function scenarioOf(args: ConsumerGroupsArgs, nowMs: number): ResetScenario {
  if (args['to-earliest']) return { kind: 'earliest' };
  if (args['to-latest']) return { kind: 'latest' };
  if (args['to-current']) return { kind: 'current' };
  if (args['to-offset'] !== undefined) return { kind: 'offset', offset: integer('to-offset', String(args['to-offset'])) };
  if (args['shift-by'] !== undefined) return { kind: 'shift', by: integer('shift-by', String(args['shift-by'])) };
  if (args['to-datetime'] !== undefined) return { kind: 'timestamp', timestampMs: parseDateTime(String(args['to-datetime'])) };
  if (args['by-duration'] !== undefined) return { kind: 'timestamp', timestampMs: BigInt(nowMs) - parseDuration(String(args['by-duration'])) };
  if (args['from-file'] !== undefined) return { kind: 'file', rows: readResetFile(String(args['from-file'])) };
  throw new Error(`Option [reset-offsets] takes exactly one of these scenarios: ${flags(SCENARIOS)}`);
}

/** Kafka's exception name for an error code, as its tool prints it. */
function exceptionName(code: number): string {
  if (code === ErrorCode.NON_EMPTY_GROUP) return 'GroupNotEmptyException';
  const name = errorInfo(code)?.name ?? 'UNKNOWN_SERVER_ERROR';
  return `${name.toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Exception`;
}

/** `--delete`: deletes each group; Kafka's summary of what succeeded and what failed. */
async function deleteGroups(admin: GroupAdmin, groups: readonly string[], output: Output): Promise<boolean> {
  const results = await Promise.all(groups.map(async (g) => ({ group: g, code: await admin.deleteGroup(g) })));
  const quote = (list: { group: string }[]): string => list.map((r) => `'${r.group}'`).join(', ');
  const deleted = results.filter((r) => r.code === ErrorCode.NONE);
  const failed = results.filter((r) => r.code !== ErrorCode.NONE);
  if (failed.length === 0) {
    output.out(`Deletion of requested consumer groups (${quote(deleted)}) was successful.\n`);
    return true;
  }
  output.err('Error: Deletion of some consumer groups failed:\n');
  for (const f of failed) {
    output.out(`* Group '${f.group}' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.${exceptionName(f.code)}: ${errorInfo(f.code)?.message ?? ''}\n`);
  }
  if (deleted.length > 0) output.out(`\nThese consumer groups were deleted successfully: ${quote(deleted)}\n`);
  return false;
}

/** Kafka's words for OffsetDelete's top-level error. */
function deleteOffsetsSummary(group: string, topics: readonly string[], code: number): string {
  switch (code) {
    case ErrorCode.NONE: return `Request succeed for deleting offsets with topic ${topics.join(', ')} group ${group}\n`;
    case ErrorCode.GROUP_ID_NOT_FOUND: return `Error: '${group}' does not exist.\n`;
    case ErrorCode.NON_EMPTY_GROUP: return `Error: Deleting offsets of a consumer group '${group}' is forbidden if the group is not empty.\n`;
    case ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC:
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION: return 'Error: Encounter some partition level error, see the follow-up details:\n';
    default: return `Error: Encounter some unknown error: ${errorText(code)}\n`;
  }
}

/** `--delete-offsets --group G --topic T[:P,...]`. */
async function deleteOffsets(admin: GroupAdmin, group: string, topics: readonly string[], output: Output): Promise<boolean> {
  const answer = await admin.deleteOffsets(group, await partitionsOfSpecs(admin, topics));
  const results = answer.topics.flatMap((t) => t.partitions.map((p) => ({ tp: { topic: t.name, partition: p.partitionIndex }, code: p.errorCode })));
  // As in Kafka's admin client, a partition's error fails the whole request when the top level succeeded.
  const topLevel = answer.errorCode !== ErrorCode.NONE ? answer.errorCode : results.find((r) => r.code !== ErrorCode.NONE)?.code ?? ErrorCode.NONE;
  const summary = deleteOffsetsSummary(group, topics, topLevel);
  if (topLevel === ErrorCode.NONE) output.out(summary);
  else output.err(summary);
  output.out(formatDeleteOffsets(results.map((r) => ({ tp: r.tp, error: r.code === ErrorCode.NONE ? null : errorInfo(r.code)?.message ?? errorText(r.code) }))));
  return topLevel === ErrorCode.NONE;
}

const describeView = (args: ConsumerGroupsArgs): DescribeView => (args.members ? 'members' : args.state !== undefined ? 'state' : 'offsets');

/** Runs the chosen action; false means it finished but something failed (exit status 1). */
export async function runConsumerGroups(args: ConsumerGroupsArgs, output: Output): Promise<boolean> {
  const action = actionOf(args);
  const scenario = action === 'reset-offsets' ? scenarioOf(args, Date.now()) : null;
  if (scenario && !args['dry-run'] && !args.execute) output.err(`${NO_EXECUTE_WARNING}\n`);
  const admin = await GroupAdmin.connect(args['bootstrap-server']!, args.timeout);
  try {
    if (action === 'list') {
      if (args.state === undefined) {
        for (const g of await admin.listGroups()) output.out(`${g}\n`);
        return true;
      }
      const states = statesOf(args.state);
      output.out(formatGroupStates((await admin.listGroupStates()).filter((g) => states.size === 0 || states.has(g.state))));
      return true;
    }
    const groups = args['all-groups'] ? await admin.listGroups() : args.group ?? [];
    switch (action) {
      case 'describe': return await describeGroups(admin, { groups, view: describeView(args), verbose: Boolean(args.verbose) }, output);
      case 'delete': return await deleteGroups(admin, groups, output);
      case 'delete-offsets': return await deleteOffsets(admin, groups[0]!, args.topic ?? [], output);
      case 'reset-offsets': return await resetOffsets(admin, { groups, topics: args['all-topics'] ? null : args.topic ?? [], scenario: scenario!, execute: Boolean(args.execute), csv: Boolean(args.export) }, output);
    }
  } finally {
    admin.close();
  }
}

const processOutput: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** `sluice consumer-groups` with kafka-consumer-groups.sh's flags. */
export const consumerGroupsCommand: CommandModule<object, ConsumerGroupsArgs> = {
  command: 'consumer-groups',
  describe: 'List, describe, reset and delete consumer groups (like kafka-consumer-groups.sh)',
  builder: (y: Argv) => withCommandConfig(y)
    .option('bootstrap-server', { type: 'string', describe: 'The broker to connect to, HOST:PORT' })
    .option('list', { type: 'boolean', describe: 'List all consumer groups' })
    .option('describe', { type: 'boolean', describe: 'Describe groups: offsets and lag (default), --members or --state' })
    .option('delete', { type: 'boolean', describe: 'Delete groups (they must have no active members)' })
    .option('reset-offsets', { type: 'boolean', describe: 'Reset the offsets of an inactive group (one scenario; --dry-run or --execute)' })
    .option('delete-offsets', { type: 'boolean', describe: 'Delete the offsets of a group for --topic' })
    .option('group', { type: 'string', array: true, describe: 'The consumer group (repeatable)' })
    .option('all-groups', { type: 'boolean', describe: 'Apply to every group' })
    .option('members', { type: 'boolean', describe: 'With --describe: the members' })
    .option('offsets', { type: 'boolean', describe: 'With --describe: offsets and lag (the default)' })
    .option('state', { type: 'string', describe: 'With --describe: coordinator, strategy, state and member count. With --list: each group\'s state, optionally only these (comma-separated)' })
    .option('verbose', { type: 'boolean', describe: 'With --describe --members: each member\'s partitions' })
    .option('topic', { type: 'string', array: true, describe: 'TOPIC or TOPIC:P,P for --reset-offsets and --delete-offsets (repeatable)' })
    .option('all-topics', { type: 'boolean', describe: 'With --reset-offsets: every topic the group has offsets for' })
    .option('to-earliest', { type: 'boolean', describe: 'Reset to the earliest offset' })
    .option('to-latest', { type: 'boolean', describe: 'Reset to the log end offset' })
    .option('to-current', { type: 'boolean', describe: 'Reset to the committed offset' })
    .option('to-offset', { type: 'string', describe: 'Reset to this offset (clamped to the log)' })
    .option('from-file', { type: 'string', describe: 'Reset to the offsets of a CSV file: TOPIC,PARTITION,OFFSET lines (GROUP,TOPIC,PARTITION,OFFSET for several groups), as --export writes' })
    .option('export', { type: 'boolean', describe: 'With --reset-offsets: print the plan as CSV (for --from-file) instead of the table' })
    .option('shift-by', { type: 'string', describe: 'Move the committed offset by N (may be negative; clamped to the log)' })
    .option('to-datetime', { type: 'string', describe: 'Reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[zone]' })
    .option('by-duration', { type: 'string', describe: 'Reset to the first offset at or after now minus PnDTnHnMnS' })
    .option('dry-run', { type: 'boolean', describe: 'Only print the new offsets (the default)' })
    .option('execute', { type: 'boolean', describe: 'Commit the new offsets' })
    .option('timeout', { type: 'number', default: TIMEOUT_MS_DEFAULT, describe: 'Give up on the cluster after this many ms' })
    .check((a) => {
      const problem = checkArgs(a as unknown as ConsumerGroupsArgs);
      if (problem !== null) throw new UsageError(problem);
      return true;
    })
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --list', 'every group id')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --list --state Stable,Empty', 'groups in those states, with their state')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --describe --group orders-app', 'offsets and lag per partition')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --describe --all-groups --members --verbose', 'members and their partitions')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --describe --group orders-app --state', 'coordinator, strategy and state')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --reset-offsets --group orders-app --topic orders:0,1 --shift-by -10 --execute', 'move back 10 records')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --reset-offsets --group orders-app --all-topics --to-datetime 2024-01-31T12:00:00.000Z --dry-run', 'show the offsets at a time')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --reset-offsets --group orders-app --all-topics --to-current --export > plan.csv', 'save the current offsets as CSV')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --reset-offsets --group orders-app --from-file plan.csv --execute', 'put them back later')
    .example('$0 consumer-groups --bootstrap-server 127.0.0.1:9092 --delete --group orders-app', 'delete an inactive group') as unknown as Argv<ConsumerGroupsArgs>,
  handler: async (args) => {
    try {
      if (!await runConsumerGroups(args, processOutput)) process.exitCode = 1;
    } catch (err) {
      process.stderr.write(`Error: Executing consumer group command failed due to ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  },
};
