import { ConfigError, createLogger, loadBrokerConfig } from '@sluice/broker';
import { ensureFormatted, SluiceNode, StorageFormatError } from '@sluice/cluster';
import type { Argv, CommandModule } from 'yargs';

interface ServerStartArgs {
  config?: string;
  override?: string[];
}

/** `sluice server start [CONFIG_FILE] [--override key=value ...]`, as kafka-server-start.sh. */
export const serverStartCommand: CommandModule<object, ServerStartArgs> = {
  command: 'start [config]',
  describe: 'Start a Sluice node (like kafka-server-start.sh)',
  builder: (yargs: Argv) => yargs
    .positional('config', { type: 'string', describe: 'server.properties-style config file' })
    .option('override', { type: 'string', array: true, describe: 'Override a config key: key=value (repeatable)' })
    .example('$0 server start', 'single node on 127.0.0.1:9092, data in ./data')
    .example('$0 server start config/server.properties --override node.id=2', 'from a file, with an override') as Argv<ServerStartArgs>,
  handler: async (args) => {
    await startServer(args);
  },
};

async function startServer(args: ServerStartArgs): Promise<void> {
  const unknownKeys: string[] = [];
  let config;
  try {
    config = loadBrokerConfig({
      ...(args.config !== undefined ? { file: args.config } : {}),
      overrides: args.override ?? [],
      warnUnknown: (key) => unknownKeys.push(key),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sluice: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  for (const key of unknownKeys) logger.warn({ key }, `unknown config key '${key}' is ignored`);
  let meta;
  try {
    // The no-argument quick start formats its own directory; a node started from a file must be formatted first.
    meta = ensureFormatted(config, { autoFormat: args.config === undefined });
  } catch (err) {
    if (err instanceof StorageFormatError) {
      process.stderr.write(`sluice: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let node: SluiceNode;
  try {
    node = await SluiceNode.start(config, logger, meta);
  } catch (err) {
    // A port already taken, a data directory that cannot be opened: say what, without a usage text.
    logger.fatal({ err }, 'startup failed');
    process.stderr.write(`sluice: the node could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    node.stop().then(() => process.exit(process.exitCode ?? 0), (err: unknown) => {
      logger.fatal({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
