import kafkajs, { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { compressSection, DECOMPRESSED_BYTES_MAX_DEFAULT, decompressSection, type WritableCompression } from '@sluice/protocol';
import type { Argv } from 'yargs';
import { KafkaConnection } from './connection.js';
import { UsageError } from './properties.js';

/** How long a tool waits to reach its bootstrap server before it gives up with a clear error. */
export const CONNECT_TIMEOUT_MS_DEFAULT = 10_000;

/**
 * Opens a connection to the bootstrap server with the project's own codec, bounded by `timeoutMs`.
 * Every tool does this first: an unreachable address fails here in bounded time with the address
 * and the cause, instead of inside a client that would retry for minutes.
 */
export function connectBootstrap(bootstrap: string, timeoutMs = CONNECT_TIMEOUT_MS_DEFAULT): Promise<KafkaConnection> {
  try {
    return KafkaConnection.connect(bootstrap, timeoutMs);
  } catch (err) {
    // parseBootstrap throws synchronously on a malformed address: that is a usage error.
    throw new UsageError((err as Error).message);
  }
}

/**
 * `--bootstrap-server`, or the older `--broker-list` that tutorials still use. A flag given twice
 * counts once, the last one winning, as Kafka's option parser does.
 */
export function bootstrapOf(args: { 'bootstrap-server'?: string | string[]; 'broker-list'?: string | string[] }): string {
  const value = args['bootstrap-server'] ?? args['broker-list'];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined || last === '') throw new UsageError('Missing required argument: bootstrap-server');
  return last;
}

/** Checks that the bootstrap server accepts connections, then closes the probe. */
export async function probeBootstrap(bootstrap: string, timeoutMs = CONNECT_TIMEOUT_MS_DEFAULT): Promise<void> {
  (await connectBootstrap(bootstrap, timeoutMs)).close();
}

// kafkajs has only gzip built in: snappy, lz4 and zstd come from the project's codecs, so the
// console tools write snappy and lz4 and read what Java and librdkafka producers compress with any
// codec (zstd is read only: nothing maintained writes it on Node 20).
// (CompressionCodecs is not among the names Node finds in kafkajs's CommonJS exports.)
for (const [type, codec] of [[CompressionTypes.Snappy, 'snappy'], [CompressionTypes.LZ4, 'lz4'], [CompressionTypes.ZSTD, 'zstd']] as const) {
  kafkajs.CompressionCodecs[type] = () => ({
    compress: async (encoder: { buffer: Buffer }) => compressSection(codec as WritableCompression, encoder.buffer),
    decompress: async (buffer: Buffer) => decompressSection(codec, buffer, DECOMPRESSED_BYTES_MAX_DEFAULT),
  });
}

/**
 * A kafkajs client for the console tools: every broker in `--bootstrap-server`, kafkajs's own
 * logging off (the tools print Kafka's messages themselves), and bounded connection and retries so
 * a cluster that goes away mid-run ends the tool instead of hanging it.
 */
export function consoleKafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrap.split(',').map((b) => b.trim()).filter((b) => b !== ''),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
}

/**
 * Runs a tool's body: a UsageError prints its message and a pointer to `--help` on stderr; any
 * other error goes to `report`, which prints it the way the Kafka tool does. Both exit 1.
 */
export async function runTool(toolName: string, body: () => Promise<void>, report: (err: Error) => void): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sluice ${toolName}: ${err.message}\nRun 'sluice ${toolName} --help' for the flags and examples.\n`);
    } else {
      report(err as Error);
    }
    process.exit(1);
  }
}

/**
 * The console tools' server flags: `--bootstrap-server`, or `--broker-list` as older tutorials
 * write it; one of the two is required.
 */
export function withBootstrapOptions(yargs: Argv): Argv {
  return yargs
    .option('bootstrap-server', { type: 'string', describe: 'A broker to connect to, HOST:PORT[,HOST:PORT...]' })
    .option('broker-list', { type: 'string', describe: 'Older name of --bootstrap-server' })
    .check((a) => {
      if (a['bootstrap-server'] === undefined && a['broker-list'] === undefined) throw new UsageError('Missing required argument: bootstrap-server (or --broker-list)');
      return true;
    });
}
