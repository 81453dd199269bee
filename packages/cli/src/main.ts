import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { serverStartCommand } from './commands/server-start.js';

/** The one entry point: `sluice <command>`. */
export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('sluice')
    .command('server', 'Run a Sluice node', (y) => y.command(serverStartCommand).demandCommand(1, 'name a server command: start'))
    .demandCommand(1, 'name a command')
    .strict()
    .parserConfiguration({ 'camel-case-expansion': false })
    .recommendCommands()
    .help()
    .version(false)
    .parseAsync();
}

await main(hideBin(process.argv));
