/**
 * Runs the deterministic quorum simulation.
 *
 *   npm run sim -- --seeds 1000 --from 1     run seeds 1..1000, stop at the first failure
 *   npm run sim -- --seed 42 --verbose       replay one seed, printing every event
 *
 * Options: --voters N, --observers N, --cycles N, --events N (chaos events per cycle).
 */
import { runSimulation, SimulationFailure } from '../src/sim/index.js';
import type { SimOptions } from '../src/sim/index.js';

interface Args {
  seed: number | null;
  seeds: number;
  from: number;
  verbose: boolean;
  overrides: Partial<Omit<SimOptions, 'seed'>>;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seed: null, seeds: 100, from: 1, verbose: false, overrides: {} };
  const overrides: Record<string, number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n)) throw new Error(`${flag} needs an integer`);
      return n;
    };
    if (flag === '--seed') args.seed = value();
    else if (flag === '--seeds') args.seeds = value();
    else if (flag === '--from') args.from = value();
    else if (flag === '--verbose') args.verbose = true;
    else if (flag === '--voters') overrides.voters = value();
    else if (flag === '--observers') overrides.observers = value();
    else if (flag === '--cycles') overrides.cycles = value();
    else if (flag === '--events') overrides.chaosEvents = value();
    else throw new Error(`unknown option ${flag}`);
  }
  args.overrides = overrides as Partial<Omit<SimOptions, 'seed'>>;
  return args;
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const first = args.seed ?? args.from;
  const count = args.seed === null ? args.seeds : 1;
  const started = performance.now();
  const totals = { events: 0, crashes: 0, lostWriteCrashes: 0, snapshotsInstalled: 0, logTruncations: 0, committedOffsets: 0 };
  for (let seed = first; seed < first + count; seed++) {
    try {
      const result = runSimulation(seed, { ...args.overrides, verbose: args.verbose });
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += result[key];
      if (args.verbose || count === 1) console.log(JSON.stringify(result));
    } catch (err) {
      if (err instanceof SimulationFailure) {
        console.error(err.message);
        return 1;
      }
      throw err;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${count} seeds from ${first}: ok in ${seconds.toFixed(1)} s ${JSON.stringify(totals)}`);
  return 0;
}

process.exitCode = main();
