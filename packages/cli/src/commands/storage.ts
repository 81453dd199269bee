import { ConfigError, loadBrokerConfig } from '@sluice/broker';
import { formatStorage, randomClusterId, StorageFormatError } from '@sluice/cluster';
import type { Argv, CommandModule } from 'yargs';

interface FormatArgs {
  'cluster-id': string;
  config: string;
  'ignore-formatted': boolean;
  override?: string[];
}

/** `sluice storage random-uuid`: prints a new cluster id, as `kafka-storage.sh random-uuid`. */
export const randomUuidCommand: CommandModule = {
  command: 'random-uuid',
  describe: 'Print a new random cluster id',
  handler: () => {
    process.stdout.write(`${randomClusterId()}\n`);
  },
};

/** `sluice storage format --cluster-id ID --config FILE`, as `kafka-storage.sh format -t ID -c FILE`. */
export const formatCommand: CommandModule<object, FormatArgs> = {
  command: 'format',
  describe: 'Format the data directories of a node for a cluster (writes meta.properties)',
  builder: (yargs: Argv) => yargs
    .option('cluster-id', { alias: 't', type: 'string', demandOption: true, describe: 'The cluster id (from `sluice storage random-uuid`)' })
    .option('config', { alias: 'c', type: 'string', demandOption: true, describe: 'The node\'s server.properties' })
    .option('ignore-formatted', { alias: 'g', type: 'boolean', default: false, describe: 'Skip directories that are formatted already' })
    .option('override', { type: 'string', array: true, describe: 'Override a config key: key=value (repeatable)' })
    .example('$0 storage format -t $($0 storage random-uuid) -c config/server.properties', 'format a new node') as Argv<FormatArgs>,
  handler: (args) => {
    try {
      const config = loadBrokerConfig({ file: args.config, overrides: args.override ?? [] });
      const formatted = formatStorage(config, args['cluster-id'], { ignoreFormatted: args['ignore-formatted'] });
      for (const dir of formatted) process.stdout.write(`Formatting ${dir} with metadata.version for cluster ${args['cluster-id']}.\n`);
      if (formatted.length === 0) process.stdout.write('All of the log directories are already formatted.\n');
    } catch (err) {
      if (err instanceof ConfigError || err instanceof StorageFormatError) {
        process.stderr.write(`sluice storage format: ${err.message}\n`);
        process.exit(1);
      }
      throw err;
    }
  },
};

/** `sluice storage <random-uuid|format>`. */
export function storageCommands(yargs: Argv): Argv {
  return yargs.command(randomUuidCommand).command(formatCommand).demandCommand(1, 'name a storage command: random-uuid or format');
}
