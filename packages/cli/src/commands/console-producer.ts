import { createInterface } from 'node:readline';
import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import type { WritableCompression } from '@sluice/protocol';
import type { Argv, CommandModule } from 'yargs';
import { LINE_FORMAT_PROPERTIES, lineFormat, parseAcks, parseCompression, parseLine, type LineFormat } from '../kafka/console-lines.js';
import { consolePartitioner } from '../kafka/partitioner.js';
import { clientProperties, parseProperties, warnUnknownProperties } from '../kafka/properties.js';
import { bootstrapOf, withBootstrapOptions, consoleKafka, probeBootstrap, runTool } from '../kafka/tool.js';

/** Records sent in one produce request at most. */
const SEND_RECORDS_MAX = 500;
/** Lines read but not yet acknowledged before reading pauses (the input is not read ahead further). */
const PENDING_RECORDS_MAX = 10_000;
/** `--producer-property` keys this producer uses. */
const PRODUCER_PROPERTIES = ['acks', 'compression.type', 'client.id'];
const CODEC_TYPES: Record<WritableCompression, CompressionTypes> = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4 };

/** The flags of kafka-console-producer.sh that Sluice serves. */
export interface ConsoleProducerArgs {
  'bootstrap-server'?: string | string[];
  'broker-list'?: string | string[];
  topic: string;
  property?: string[];
  'producer-property'?: string[];
  'producer.config'?: string;
  'request-required-acks': string;
  'compression-codec'?: string;
  sync?: boolean;
}

/** What the producer does, resolved from the flags (producer properties win over the short flags, as in Kafka). */
export interface ProducerPlan {
  bootstrap: string;
  topic: string;
  format: LineFormat;
  acks: -1 | 0 | 1;
  compression: WritableCompression;
  clientId: string;
  sync: boolean;
}

/** Resolves and checks every flag before anything connects; a bad one is a UsageError naming it. */
export function producerPlan(args: ConsoleProducerArgs): ProducerPlan {
  const props = parseProperties('property', args.property);
  const producerProps = clientProperties('producer.config', args['producer.config'], 'producer-property', args['producer-property']);
  warnUnknownProperties(props, LINE_FORMAT_PROPERTIES);
  warnUnknownProperties(producerProps, PRODUCER_PROPERTIES);
  return {
    bootstrap: bootstrapOf(args),
    topic: args.topic,
    format: lineFormat(props),
    acks: parseAcks(producerProps.get('acks') ?? args['request-required-acks']),
    compression: parseCompression(producerProps.get('compression.type') ?? args['compression-codec']),
    clientId: producerProps.get('client.id') ?? 'console-producer',
    sync: args.sync === true,
  };
}

/** Sends queued records in order, a batch per request, and reports each failed record like Kafka's error callback. */
class SendQueue {
  private readonly pending: Message[] = [];
  private running: Promise<void> | null = null;
  failed = 0;

  constructor(private readonly producer: Producer, private readonly plan: ProducerPlan, private readonly onDrained: () => void) {}

  get size(): number {
    return this.pending.length;
  }

  push(message: Message): void {
    this.pending.push(message);
    this.running ??= this.drain().finally(() => { this.running = null; });
  }

  /** Resolves when everything pushed so far has been answered. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const messages = this.pending.splice(0, this.plan.sync ? 1 : SEND_RECORDS_MAX);
      try {
        await this.producer.send({
          topic: this.plan.topic, messages, acks: this.plan.acks,
          compression: CODEC_TYPES[this.plan.compression],
        });
      } catch (err) {
        // Reported per record, as kafka-console-producer.sh does; the next lines are still sent.
        this.failed += messages.length;
        for (const m of messages) {
          const size = m.value === null ? 0 : Buffer.byteLength(m.value as string);
          process.stderr.write(`ERROR Error when sending message to topic ${this.plan.topic} with key: ${m.key === null || m.key === undefined ? 'null' : `${Buffer.byteLength(m.key as string)} bytes`}, value: ${size} bytes with error: ${(err as Error).message}\n`);
        }
      }
      this.onDrained();
    }
  }
}

async function produce(args: ConsoleProducerArgs): Promise<void> {
  const plan = producerPlan(args);
  await probeBootstrap(plan.bootstrap);
  const producer = consoleKafka(plan.bootstrap, plan.clientId).producer({ createPartitioner: consolePartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  const prompt = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  const queue = new SendQueue(producer, plan, () => { if (queue.size < PENDING_RECORDS_MAX) lines.resume(); });
  let lineNumber = 0;
  let inputError: Error | null = null;
  if (prompt) process.stdout.write('>');
  lines.on('line', (line) => {
    lineNumber += 1;
    try {
      const record = parseLine(line, plan.format, lineNumber);
      queue.push({ key: record.key, value: record.value });
    } catch (err) {
      // A keyed line without its separator stops the producer, as in Kafka; what was read before is still sent.
      inputError = err as Error;
      lines.close();
      return;
    }
    if (queue.size >= PENDING_RECORDS_MAX) lines.pause();
    if (prompt) process.stdout.write('>');
  });
  // Ctrl-C ends the input like EOF: what was typed is sent before the producer exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => lines.close());
  await new Promise<void>((resolve) => lines.once('close', resolve));
  await queue.flush();
  await producer.disconnect();
  if (inputError) throw inputError;
  if (queue.failed > 0) process.exitCode = 1;
}

/** `sluice console-producer`, as kafka-console-producer.sh: one record per input line. */
export const consoleProducerCommand: CommandModule<object, ConsoleProducerArgs> = {
  command: 'console-producer',
  describe: 'Send each line of standard input as a record (like kafka-console-producer.sh)',
  builder: (yargs: Argv) => withBootstrapOptions(yargs)
    .option('topic', { type: 'string', demandOption: true, describe: 'The topic to produce to' })
    .option('property', { type: 'string', array: true, describe: 'Line reader property (repeatable): parse.key=true, key.separator=SEP (default tab), ignore.error=true, null.marker=TEXT' })
    .option('producer-property', { type: 'string', array: true, describe: 'Producer property (repeatable): acks=all|1|0, compression.type=none|gzip|snappy|lz4, client.id=NAME' })
    .option('producer.config', { type: 'string', describe: 'A properties file of producer properties; --producer-property takes precedence' })
    .option('request-required-acks', { type: 'string', default: '-1', describe: 'Acknowledgements to wait for: -1 (all in-sync replicas), 1 (leader), 0 (none)' })
    .option('compression-codec', { type: 'string', describe: 'none, gzip, snappy or lz4; the flag without a value means gzip' })
    .option('sync', { type: 'boolean', describe: 'Send each line in its own request and wait for it' })
    .example('$0 console-producer --topic orders --bootstrap-server 127.0.0.1:9092', 'type records, one per line; Ctrl-D sends and exits')
    .example('$0 console-producer --topic orders --property parse.key=true --property key.separator=: --bootstrap-server 127.0.0.1:9092', 'key:value lines; a key always lands in the same partition')
    .example('seq 100 | $0 console-producer --topic numbers --producer-property acks=all --compression-codec gzip --bootstrap-server 127.0.0.1:9092', 'from a pipe, gzip batches') as unknown as Argv<ConsoleProducerArgs>,
  handler: (args) => runTool('console-producer', () => produce(args), (err) => {
    process.stderr.write(`ERROR ${err.message}\n`);
  }),
};
