import { randomInt } from 'node:crypto';
import type { EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import type { Argv, CommandModule } from 'yargs';
import { formatRecord, PRINT_PROPERTIES, printOptions, type ConsumedRecord, type PrintOptions } from '../kafka/message-formatter.js';
import { parseOffsetSpec, PartitionReader, type OffsetSpec } from '../kafka/partition-reader.js';
import { clientProperties, integerArg, parseProperties, UsageError, warnUnknownProperties } from '../kafka/properties.js';
import { bootstrapOf, withBootstrapOptions, CONNECT_TIMEOUT_MS_DEFAULT, consoleKafka, probeBootstrap, runTool } from '../kafka/tool.js';

/** `--consumer-property` keys this consumer uses. */
const CONSUMER_PROPERTIES = ['group.id', 'auto.offset.reset', 'enable.auto.commit', 'client.id', 'session.timeout.ms', 'heartbeat.interval.ms'];

/** The flags of kafka-console-consumer.sh that Sluice serves. */
export interface ConsoleConsumerArgs {
  'bootstrap-server'?: string | string[];
  'broker-list'?: string | string[];
  topic?: string;
  include?: string;
  group?: string;
  'from-beginning'?: boolean;
  partition?: number;
  offset?: string;
  'max-messages'?: number;
  'timeout-ms'?: number;
  property?: string[];
  'consumer-property'?: string[];
  'consumer.config'?: string;
}

/** Read through a consumer group (kafkajs), or one partition directly (the project's codec). */
export type ConsumerSource =
  | { kind: 'group'; groupId: string; fromBeginning: boolean; autoCommit: boolean; sessionTimeoutMs: number; heartbeatIntervalMs: number; clientId: string }
  | { kind: 'partition'; partition: number; start: OffsetSpec };

/** What the consumer does, resolved and checked from the flags before anything connects. */
export interface ConsumerPlan {
  bootstrap: string;
  /** A topic name, or with `--include` a regular expression over topic names (group consumption only). */
  topic: string | RegExp;
  source: ConsumerSource;
  print: PrintOptions;
  maxMessages: number | null;
  idleTimeoutMs: number | null;
}

/** Resolves the flags, with Kafka's rules for which combinations are allowed. */
export function consumerPlan(args: ConsoleConsumerArgs): ConsumerPlan {
  const props = parseProperties('property', args.property);
  const consumerProps = clientProperties('consumer.config', args['consumer.config'], 'consumer-property', args['consumer-property']);
  warnUnknownProperties(props, PRINT_PROPERTIES);
  warnUnknownProperties(consumerProps, CONSUMER_PROPERTIES);
  if ((args.topic === undefined) === (args.include === undefined)) throw new UsageError('Exactly one of include/topic is required.');
  if (args.partition !== undefined && args.topic === undefined) throw new UsageError('The topic is required when partition is specified.');
  if (args.offset !== undefined && args.partition === undefined) throw new UsageError('The partition is required when offset is specified.');
  if (args.offset !== undefined && args['from-beginning']) throw new UsageError('Options from-beginning and offset cannot be specified together.');
  const group = args.group ?? consumerProps.get('group.id');
  if (group !== undefined && args.partition !== undefined) throw new UsageError('Options group and partition cannot be specified together.');
  const plan = {
    bootstrap: bootstrapOf(args), topic: args.topic ?? includePattern(args.include!), print: printOptions(props),
    maxMessages: args['max-messages'] === undefined ? null : integerArg('max-messages', args['max-messages'], { min: 1 }),
    idleTimeoutMs: args['timeout-ms'] === undefined ? null : integerArg('timeout-ms', args['timeout-ms'], { min: 1 }),
  };
  if (args.partition !== undefined) {
    const partition = integerArg('partition', args.partition, { min: 0, max: 2 ** 31 - 1 });
    const start = args.offset !== undefined ? parseOffsetSpec(args.offset) : args['from-beginning'] ? 'earliest' : 'latest';
    return { ...plan, source: { kind: 'partition', partition, start } };
  }
  const reset = consumerProps.get('auto.offset.reset');
  if (reset !== undefined && reset !== 'earliest' && reset !== 'latest') throw new UsageError(`auto.offset.reset '${reset}' is not allowed: use earliest or latest`);
  return {
    ...plan,
    source: {
      kind: 'group',
      // Without a group Kafka's tool invents one and does not commit to it (nobody will resume it).
      groupId: group ?? `console-consumer-${randomInt(100_000)}`,
      autoCommit: consumerProps.has('enable.auto.commit') ? consumerProps.get('enable.auto.commit') === 'true' : group !== undefined,
      fromBeginning: args['from-beginning'] === true || reset === 'earliest',
      sessionTimeoutMs: Number(consumerProps.get('session.timeout.ms') ?? 10_000),
      heartbeatIntervalMs: Number(consumerProps.get('heartbeat.interval.ms') ?? 1_000),
      clientId: consumerProps.get('client.id') ?? 'console-consumer',
    },
  };
}

/** `--include` as a regular expression over whole topic names, or a UsageError naming it. */
function includePattern(text: string): RegExp {
  try {
    return new RegExp(`^(?:${text})$`);
  } catch (err) {
    throw new UsageError(`--include '${text}' is not a regular expression: ${(err as Error).message}`);
  }
}

/** Counts and prints records, and decides when to stop: after --max-messages, or --timeout-ms without a record. */
class Printer {
  count = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly plan: ConsumerPlan, private readonly onIdle: () => void) {
    this.armIdle();
  }

  /** Prints one record unless the limit is reached; returns false once no more are wanted. */
  print(record: ConsumedRecord): boolean {
    if (this.full) return false;
    process.stdout.write(formatRecord(record, this.plan.print));
    this.count += 1;
    this.armIdle();
    return !this.full;
  }

  get full(): boolean {
    return this.plan.maxMessages !== null && this.count >= this.plan.maxMessages;
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  private armIdle(): void {
    if (this.plan.idleTimeoutMs === null) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(this.onIdle, this.plan.idleTimeoutMs);
  }
}

function headersOf(headers: IHeaders | undefined): ConsumedRecord['headers'] {
  const out: ConsumedRecord['headers'] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) out.push({ key, value: v === undefined ? null : Buffer.from(v) });
  }
  return out;
}

function fromKafkajs(partition: number, m: KafkaMessage): ConsumedRecord {
  return {
    partition, offset: BigInt(m.offset), timestamp: BigInt(m.timestamp), timestampType: 'CreateTime',
    key: m.key, value: m.value, headers: headersOf(m.headers),
  };
}

/**
 * Group consumption with kafkajs: offsets are resolved record by record as they are printed and
 * committed right away (threshold 1), so what was printed is what is committed, including when
 * --max-messages stops in the middle of a batch. Resolves with a `stop` that leaves the group.
 */
async function consumeGroup(plan: ConsumerPlan, source: Extract<ConsumerSource, { kind: 'group' }>, printer: Printer, done: () => void): Promise<() => Promise<void>> {
  const consumer = consoleKafka(plan.bootstrap, source.clientId).consumer({
    groupId: source.groupId, sessionTimeout: source.sessionTimeoutMs, rebalanceTimeout: source.sessionTimeoutMs,
    heartbeatInterval: source.heartbeatIntervalMs, maxWaitTimeInMs: 500, allowAutoTopicCreation: true,
  });
  consumer.on(consumer.events.CRASH, (event) => {
    // kafkajs restarts itself after retriable errors; otherwise it stops, and so does the tool.
    if (event.payload.restart) return;
    process.stderr.write(`ERROR Error processing message, terminating consumer process: ${event.payload.error.message}\n`);
    process.exitCode = 1;
    done();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [plan.topic], fromBeginning: source.fromBeginning });
  await consumer.run({
    autoCommit: source.autoCommit, autoCommitThreshold: 1, eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || printer.full) break;
        const more = printer.print(fromKafkajs(batch.partition, message));
        resolveOffset(message.offset);
        if (!more) break;
      }
      await commitOffsetsIfNecessary();
      // Stopping waits for this batch to finish, so it is started after this handler returns.
      if (printer.full) setImmediate(done);
    },
  });
  return () => consumer.disconnect();
}

/** Direct partition consumption: a loop of long-poll fetches until stopped. */
async function consumePartition(plan: ConsumerPlan, source: Extract<ConsumerSource, { kind: 'partition' }>, printer: Printer, done: () => void): Promise<() => Promise<void>> {
  const reader = await PartitionReader.open({ bootstrap: plan.bootstrap, topic: plan.topic as string, partition: source.partition, timeoutMs: CONNECT_TIMEOUT_MS_DEFAULT }, source.start);
  let running = true;
  const loop = (async () => {
    while (running && !printer.full) {
      for (const record of await reader.poll()) {
        if (!running || !printer.print(record)) break;
      }
    }
  })();
  loop.then(() => { if (printer.full) done(); }, (err: unknown) => {
    process.stderr.write(`ERROR Error processing message, terminating consumer process: ${(err as Error).message}\n`);
    process.exitCode = 1;
    done();
  });
  return async () => {
    running = false;
    await loop.catch(() => undefined); // Its failure was reported above.
    reader.close();
  };
}

async function consume(args: ConsoleConsumerArgs): Promise<void> {
  const plan = consumerPlan(args);
  await probeBootstrap(plan.bootstrap);
  let stop: (() => Promise<void>) | null = null;
  let finishing: Promise<void> | null = null;
  const finish = (): Promise<void> => {
    finishing ??= (async () => {
      printer.stop();
      await stop?.();
      process.stderr.write(`Processed a total of ${printer.count} messages\n`);
      // Pipes are asynchronous on some platforms: let what was printed reach the reader before exiting.
      await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
      process.exit(process.exitCode ?? 0);
    })();
    return finishing;
  };
  const printer = new Printer(plan, () => {
    // Kafka's tool reports the poll timeout this way, then exits normally.
    process.stderr.write('ERROR Error processing message, terminating consumer process: TimeoutException\n');
    void finish();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void finish());
  const done = (): void => void finish();
  stop = plan.source.kind === 'group'
    ? await consumeGroup(plan, plan.source, printer, done)
    : await consumePartition(plan, plan.source, printer, done);
  if (finishing) await finish();
  await new Promise<never>(() => undefined); // Runs until finish() exits the process.
}

/** `sluice console-consumer`, as kafka-console-consumer.sh: prints records as they arrive. */
export const consoleConsumerCommand: CommandModule<object, ConsoleConsumerArgs> = {
  command: 'console-consumer',
  describe: 'Print the records of a topic (like kafka-console-consumer.sh)',
  builder: (yargs: Argv) => withBootstrapOptions(yargs)
    .option('topic', { type: 'string', describe: 'The topic to read (this or --include is required)' })
    .option('include', { type: 'string', alias: 'whitelist', describe: 'A regular expression: read every matching topic (through a group)' })
    .option('group', { type: 'string', describe: 'Consumer group to join; offsets are committed as records are printed (default: a new console-consumer-N group, not committed)' })
    .option('from-beginning', { type: 'boolean', describe: 'Start at the earliest offset when the group has no committed offset (or with --partition)' })
    .option('partition', { type: 'number', describe: 'Read only this partition, without a group' })
    .option('offset', { type: 'string', describe: 'With --partition: a non-negative offset, earliest or latest (default latest)' })
    .option('max-messages', { type: 'number', describe: 'Exit after printing this many records' })
    .option('timeout-ms', { type: 'number', describe: 'Exit when no record arrived for this long' })
    .option('property', { type: 'string', array: true, describe: `Formatter property (repeatable): ${PRINT_PROPERTIES.join(', ')}` })
    .option('consumer-property', { type: 'string', array: true, describe: `Consumer property (repeatable): ${CONSUMER_PROPERTIES.join(', ')}` })
    .option('consumer.config', { type: 'string', describe: 'A properties file of consumer properties; --consumer-property takes precedence' })
    .example('$0 console-consumer --topic orders --from-beginning --bootstrap-server 127.0.0.1:9092', 'everything in the topic, then new records')
    .example('$0 console-consumer --include \'orders|payments\' --from-beginning --bootstrap-server 127.0.0.1:9092', 'two topics at once')
    .example('$0 console-consumer --topic orders --group app1 --bootstrap-server 127.0.0.1:9092', 'share the partitions with the other members of app1')
    .example('$0 console-consumer --topic orders --partition 0 --offset 42 --max-messages 10 --bootstrap-server 127.0.0.1:9092', 'ten records of partition 0 from offset 42')
    .example('$0 console-consumer --topic orders --from-beginning --property print.key=true --property print.partition=true --property key.separator=: --bootstrap-server 127.0.0.1:9092', 'with keys and partitions') as unknown as Argv<ConsoleConsumerArgs>,
  handler: (args) => runTool('console-consumer', () => consume(args), (err) => {
    process.stderr.write(`ERROR ${err.message}\n`);
  }),
};
