import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@sluice/testkit';
import { run, type RunResult } from './run.js';

/** A Kafka-named script in bin/ (kafka-topics.sh, ...). */
export function kafkaScript(name: string): string {
  return join(REPO_ROOT, 'bin', name);
}

/** Runs a Kafka-named script to completion, as a tutorial reader would type it. */
export function kafkaTool(name: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(kafkaScript(name), args, { timeoutMs: 60_000, ...options });
}

/** Rows of `--describe` output split into `Key: value` fields, in order; leading tabs kept as an indent flag. */
export function describeFields(text: string): { indented: boolean; fields: [string, string][] }[] {
  return text.split('\n').filter((l) => l !== '').map((line) => ({
    indented: line.startsWith('\t'),
    fields: line.replace(/^\t/, '').split('\t').map((f) => {
      const at = f.indexOf(': ');
      return [f.slice(0, at), f.slice(at + 2)] as [string, string];
    }),
  }));
}

/**
 * A tool left running in the background (a console consumer), with its output collected; stopped
 * with a signal like Ctrl-C, and killed by the hard timeout if it does not exit.
 */
export class BackgroundTool {
  stdout = '';
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(name: string, args: string[], hardTimeoutMs = 120_000) {
    this.child = spawn(kafkaScript(name), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => { this.stdout += d.toString(); });
    this.child.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), hardTimeoutMs);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => { clearTimeout(timer); resolve(code); }));
  }

  /** The printed lines so far. */
  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l !== '');
  }

  /** Sends `signal` and resolves with the exit code once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Resolves with the exit code when the process ends by itself. */
  exit(): Promise<number | null> {
    return this.exited;
  }
}
