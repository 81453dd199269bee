import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { serverStartCommand } from './commands/server-start.js';
import { metadataQuorumCommand } from './commands/metadata-quorum.js';
import { storageCommands } from './commands/storage.js';
import { topicsCommand } from './commands/topics.js';
import { consoleProducerCommand } from './commands/console-producer.js';
import { consoleConsumerCommand } from './commands/console-consumer.js';
import { consumerGroupsCommand } from './commands/consumer-groups.js';
import { UsageError } from './kafka/properties.js';

// A reader that stops early (`sluice ... | head`) closes our stdout: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/** The one entry point: `sluice <command>`. */
export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('sluice')
    .command('server', 'Run a Sluice node', (y) => y.command(serverStartCommand).demandCommand(1, 'name a server command: start'))
    .command('storage', 'Format data directories (like kafka-storage.sh)', storageCommands)
    .command(metadataQuorumCommand)
    .command(topicsCommand)
    .command(consoleProducerCommand)
    .command(consoleConsumerCommand)
    .command(consumerGroupsCommand)
    .demandCommand(1, 'name a command')
    .strict()
    // Kafka's flags have dots in them (--producer.config): no dot-notation nesting.
    .parserConfiguration({ 'camel-case-expansion': false, 'dot-notation': false })
    .recommendCommands()
    .help()
    .version(false)
    .fail((message, err, parser) => {
      // A wrong flag or a missing argument gets the usage text; a failure while running gets its message alone.
      if (err && !(err instanceof UsageError)) process.stderr.write(`sluice: ${err.message}\n`);
      else {
        parser.showHelp();
        process.stderr.write(`\n${message}\n`);
      }
      process.exit(1);
    })
    .parseAsync();
}

await main(hideBin(process.argv));
