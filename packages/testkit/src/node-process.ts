import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from './ports.js';

/** The repository root (testkit lives in packages/testkit/dist/src). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SLUICE_BIN = join(REPO_ROOT, 'bin/sluice');

export interface NodeOptions {
  dataDir: string;
  /** A server.properties-style file given as the positional argument. */
  configFile?: string;
  /** Extra `key=value` overrides. */
  overrides?: string[];
  /** Port to listen on; a free one when omitted. */
  port?: number;
  startTimeoutMs?: number;
}

/** A real Sluice node process on 127.0.0.1, started through bin/sluice, with its output captured. */
export class NodeProcess {
  private output = '';
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess, readonly port: number, readonly options: NodeOptions) {
    child.stdout?.on('data', (d: Buffer) => { this.output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(options: NodeOptions): Promise<NodeProcess> {
    const port = options.port ?? await freePort();
    const args = [SLUICE_BIN, 'server', 'start', ...(options.configFile ? [options.configFile] : []),
      '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`,
      '--override', `log.dirs=${options.dataDir}`,
      '--override', 'log.format=json',
      ...(options.overrides ?? []).flatMap((o) => ['--override', o])];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new NodeProcess(child, port, options);
    const startTimeoutMs = options.startTimeoutMs ?? 20_000;
    await Promise.race([
      waitForPort(port, startTimeoutMs),
      node.exited.then((code) => { throw new Error(`node exited with ${code} before listening:\n${node.output}`); }),
    ]);
    return node;
  }

  /** Everything the process printed so far. */
  get logs(): string {
    return this.output;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** kill -9: no shutdown code runs, nothing is flushed. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for an orderly exit; returns the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Starts a new process on the same port and data directory. */
  async restart(): Promise<NodeProcess> {
    return NodeProcess.start({ ...this.options, port: this.port });
  }
}
