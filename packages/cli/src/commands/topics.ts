import type { Argv, CommandModule } from 'yargs';
import type { KafkaConnection } from '../kafka/connection.js';
import { integerArg, parseProperties, UsageError, withCommandConfig } from '../kafka/properties.js';
import {
  addPartitions, createTopic, deleteTopics, describeTopic, fetchTopics, formatTopicDescription, selectTopics, topicConfigs,
} from '../kafka/topic-admin.js';
import { bootstrapOf, connectBootstrap, runTool } from '../kafka/tool.js';

/** Kafka's TOPIC_ALREADY_EXISTS. */
const TOPIC_ALREADY_EXISTS = 36;
const ACTIONS = ['create', 'list', 'describe', 'alter', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

/** The flags of kafka-topics.sh that Sluice serves. */
export interface TopicsArgs {
  'bootstrap-server': string | string[];
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: number;
  'replication-factor'?: number;
  config?: string[];
  'if-not-exists'?: boolean;
  'if-exists'?: boolean;
  'exclude-internal'?: boolean;
}

/** The one action asked for, or a UsageError in Kafka's words when there are none or several. */
export function topicsAction(args: TopicsArgs): Action {
  const chosen = ACTIONS.filter((a) => args[a] === true);
  if (chosen.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  const action = chosen[0]!;
  const needsTopic = action === 'create' || action === 'alter' || action === 'delete';
  if (needsTopic && (args.topic === undefined || args.topic === '')) throw new UsageError(`Missing required argument "[topic]" (--${action} needs --topic)`);
  if (action === 'alter' && args.partitions === undefined) throw new UsageError('--alter needs --partitions (the new, higher partition count)');
  if (args.config !== undefined && action !== 'create') throw new UsageError('Option "[config]" can\'t be used with option "[' + action + ']" (only with --create)');
  if (args['replication-factor'] !== undefined && action !== 'create') throw new UsageError(`Option "[replication-factor]" can't be used with option "[${action}]" (only with --create)`);
  if (args.partitions !== undefined && action !== 'create' && action !== 'alter') throw new UsageError(`Option "[partitions]" can't be used with option "[${action}]" (only with --create or --alter)`);
  return action;
}

async function create(connection: KafkaConnection, args: TopicsArgs): Promise<void> {
  const partitions = args.partitions === undefined ? -1 : integerArg('partitions', args.partitions, { min: 1, max: 2 ** 31 - 1 });
  const replicationFactor = args['replication-factor'] === undefined ? -1 : integerArg('replication-factor', args['replication-factor'], { min: 1, max: 32767 });
  const configs = parseProperties('config', args.config);
  if (/[._]/.test(args.topic!)) {
    // Kafka warns about this before creating: its metric names turn '.' into '_'.
    process.stdout.write('WARNING: Due to limitations in metric names, topics with a period (\'.\') or underscore (\'_\') could collide. To avoid issues it is best to use either, but not both.\n');
  }
  const result = await createTopic(connection, { name: args.topic!, partitions, replicationFactor, configs });
  if (result.errorCode === TOPIC_ALREADY_EXISTS && args['if-not-exists']) return;
  if (result.errorCode !== 0) throw new Error(result.message!);
  process.stdout.write(`Created topic ${args.topic}.\n`);
}

/** Topics matching --topic, or an error in Kafka's words when --topic names none (unless --if-exists). */
async function matching(connection: KafkaConnection, args: TopicsArgs) {
  const topics = selectTopics(await fetchTopics(connection), {
    ...(args.topic !== undefined ? { pattern: args.topic } : {}), excludeInternal: args['exclude-internal'] === true,
  });
  if (args.topic !== undefined && topics.length === 0 && !args['if-exists']) throw new Error(`Topic '${args.topic}' does not exist as expected`);
  return topics;
}

async function act(connection: KafkaConnection, action: Action, args: TopicsArgs): Promise<void> {
  switch (action) {
    case 'create':
      return create(connection, args);
    case 'list': {
      // One println of the joined names in Kafka: an empty cluster prints one empty line.
      const names = (await matching(connection, args)).map((t) => t.name!);
      process.stdout.write(`${names.join('\n')}\n`);
      return;
    }
    case 'describe': {
      const topics = await matching(connection, args);
      const configs = await topicConfigs(connection, topics.map((t) => t.name!));
      for (const t of topics) process.stdout.write(formatTopicDescription(describeTopic(t, configs.get(t.name!) ?? [])));
      return;
    }
    case 'alter': {
      const names = (await matching(connection, args)).map((t) => t.name!);
      if (names.length > 0) await addPartitions(connection, names, integerArg('partitions', args.partitions, { min: 1, max: 2 ** 31 - 1 }));
      return;
    }
    case 'delete': {
      const names = (await matching(connection, args)).map((t) => t.name!);
      if (names.length > 0) await deleteTopics(connection, names);
      return;
    }
  }
}

async function topics(args: TopicsArgs): Promise<void> {
  const action = topicsAction(args);
  const connection = await connectBootstrap(bootstrapOf(args));
  try {
    await act(connection, action, args);
  } finally {
    connection.close();
  }
}

/** `sluice topics`, as kafka-topics.sh: create, list, describe, alter (add partitions) and delete topics. */
export const topicsCommand: CommandModule<object, TopicsArgs> = {
  command: 'topics',
  describe: 'Create, list, describe, alter and delete topics (like kafka-topics.sh)',
  builder: (yargs: Argv) => withCommandConfig(yargs)
    .option('bootstrap-server', { type: 'string', demandOption: true, describe: 'A broker to connect to, HOST:PORT[,HOST:PORT...]' })
    .option('create', { type: 'boolean', describe: 'Create a new topic' })
    .option('list', { type: 'boolean', describe: 'List all topics (or those matching --topic)' })
    .option('describe', { type: 'boolean', describe: 'Describe topics: ids, partitions, leaders, replicas, ISR, configs' })
    .option('alter', { type: 'boolean', describe: 'Raise the partition count of a topic (with --partitions)' })
    .option('delete', { type: 'boolean', describe: 'Delete a topic' })
    .option('topic', { type: 'string', describe: 'The topic; with --list, --describe, --alter and --delete also a regular expression' })
    .option('partitions', { type: 'number', describe: 'Partition count for --create (default: the cluster\'s num.partitions) or the new count for --alter' })
    .option('replication-factor', { type: 'number', describe: 'Replicas per partition for --create (default: the cluster\'s default.replication.factor)' })
    .option('config', { type: 'string', array: true, describe: 'A topic config for --create, key=value (repeatable)' })
    .option('if-not-exists', { type: 'boolean', describe: 'With --create: do nothing if the topic exists' })
    .option('if-exists', { type: 'boolean', describe: 'With --alter, --describe, --delete: do nothing if the topic does not exist' })
    .option('exclude-internal', { type: 'boolean', describe: 'Leave internal topics (__consumer_offsets) out of --list and --describe' })
    .example('$0 topics --create --topic orders --partitions 3 --replication-factor 3 --bootstrap-server 127.0.0.1:9092', 'create a topic')
    .example('$0 topics --create --topic audit --config retention.ms=86400000 --if-not-exists --bootstrap-server 127.0.0.1:9092', 'with a config, idempotent')
    .example('$0 topics --list --bootstrap-server 127.0.0.1:9092', 'every topic name, one per line')
    .example('$0 topics --describe --topic orders --bootstrap-server 127.0.0.1:9092', 'partitions, leaders, replicas, ISR')
    .example('$0 topics --alter --topic orders --partitions 6 --bootstrap-server 127.0.0.1:9092', 'add partitions')
    .example('$0 topics --delete --topic orders --bootstrap-server 127.0.0.1:9092', 'delete a topic') as Argv<TopicsArgs>,
  handler: (args) => runTool('topics', () => topics(args), (err) => {
    // kafka-topics.sh prints its failures on stdout in this form and exits 1.
    process.stdout.write(`Error while executing topic command : ${err.message}\n`);
  }),
};
