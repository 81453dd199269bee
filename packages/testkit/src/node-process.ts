import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

/** The repository root (testkit lives in packages/testkit/dist/src). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SLUICE_BIN = join(REPO_ROOT, 'bin/sluice');

export interface NodeOptions {
  dataDir: string;
  /** A server.properties-style file given as the positional argument. */
  configFile?: string;
  /** Extra `key=value` overrides. */
  overrides?: string[];
  /** Kafka port to listen on; a free one when omitted. */
  port?: number;
  /** Controller (quorum) port; a free one when omitted. */
  controllerPort?: number;
  /** node.id (default 1). */
  nodeId?: number;
  /** process.roles (default broker,controller). */
  roles?: 'broker,controller' | 'broker' | 'controller';
  /** controller.quorum.voters; default: this node alone. */
  voters?: string;
  /** A line that means the node is up; default: the broker's "broker started", or "controller listening". */
  readyPattern?: RegExp;
  startTimeoutMs?: number;
}

/** A node started from a config file must be formatted first (`sluice storage format`), as in Kafka. */
function formatOnce(configFile: string, dataDir: string, overrides: string[]): void {
  if (existsSync(`${dataDir}/meta.properties`)) return;
  const clusterId = spawnSync(process.execPath, [SLUICE_BIN, 'storage', 'random-uuid'], { encoding: 'utf8' }).stdout.trim();
  const result = spawnSync(process.execPath, [SLUICE_BIN, 'storage', 'format', '-t', clusterId, '-c', configFile,
    ...overrides.flatMap((o) => ['--override', o])], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sluice storage format failed: ${result.stderr}`);
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
    const nodeId = options.nodeId ?? 1;
    const roles = options.roles ?? 'broker,controller';
    const port = options.port ?? await freePort();
    const controllerPort = options.controllerPort ?? await freePort();
    const listeners = [
      ...(roles.includes('broker') ? [`PLAINTEXT://127.0.0.1:${port}`] : []),
      ...(roles.includes('controller') ? [`CONTROLLER://127.0.0.1:${controllerPort}`] : []),
    ];
    const overrides = [
      `node.id=${nodeId}`,
      `process.roles=${roles}`,
      `listeners=${listeners.join(',')}`,
      `controller.quorum.voters=${options.voters ?? `${nodeId}@127.0.0.1:${controllerPort}`}`,
      `log.dirs=${options.dataDir}`,
      'log.format=json',
      ...(options.overrides ?? []),
    ];
    if (options.configFile) formatOnce(options.configFile, options.dataDir, overrides);
    const args = [SLUICE_BIN, 'server', 'start', ...(options.configFile ? [options.configFile] : []),
      ...overrides.flatMap((o) => ['--override', o])];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new NodeProcess(child, port, { ...options, port, controllerPort });
    const ready = options.readyPattern ?? (roles.includes('broker') ? /"msg":"broker started"/ : /"msg":"controller listening"/);
    try {
      await node.waitForOutput(ready, options.startTimeoutMs ?? 30_000);
    } catch (err) {
      // A node that never became ready must not outlive the test: it would keep the runner waiting.
      await node.kill();
      throw err;
    }
    return node;
  }

  /**
   * Resolves once this process has printed a line matching `pattern` (its own readiness, not just
   * an open port, which an older process could still hold); fails if it exits or time runs out.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(this.output)) return;
        cleanup();
        resolve();
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`node exited with ${code} before printing ${pattern}:\n${this.output}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`node did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.child.stdout?.off('data', check);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
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

  /** Stops this process if it still runs (SIGTERM), then starts a new one on the same ports and data directory. */
  async restart(): Promise<NodeProcess> {
    await this.stop();
    return NodeProcess.start(this.options);
  }

  /** SIGSTOP: the process freezes with its sockets open (a paused, not a dead, node). */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    this.child.kill('SIGCONT');
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }
}
