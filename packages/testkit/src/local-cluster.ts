import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeProcess, SLUICE_BIN } from './node-process.js';
import { freePort } from './ports.js';
import { tempDir } from './temp-dir.js';

export interface LocalClusterOptions {
  /** Controller nodes, ids 1..controllers (default 3); combined broker+controller unless `combined` is false. */
  controllers?: number;
  /** False: the controllers run the controller role only (default true, combined mode). */
  combined?: boolean;
  /** Extra broker-only nodes, ids after the controllers (default 0). */
  brokers?: number;
  /** Overrides for every node. */
  overrides?: string[];
}

interface NodeSlot {
  nodeId: number;
  roles: 'broker,controller' | 'broker' | 'controller';
  port: number;
  controllerPort: number;
  dataDir: string;
  configFile: string;
}

/**
 * A real multi-node cluster on 127.0.0.1 for tests: every node formatted with one cluster id from a
 * config file (as an operator would), started as its own process; nodes can be killed, paused,
 * stopped and restarted on the same ports and data. `close()` kills everything and removes the data.
 */
export class LocalCluster {
  readonly nodes = new Map<number, NodeProcess>();
  private readonly slots = new Map<number, NodeSlot>();

  private constructor(private readonly root: { path: string; remove(): void }, readonly clusterId: string, readonly options: LocalClusterOptions) {}

  static async start(options: LocalClusterOptions = {}): Promise<LocalCluster> {
    const root = tempDir('sluice-cluster-');
    const clusterId = spawnSync(process.execPath, [SLUICE_BIN, 'storage', 'random-uuid'], { encoding: 'utf8' }).stdout.trim();
    const cluster = new LocalCluster(root, clusterId, options);
    const controllers = options.controllers ?? 3;
    const total = controllers + (options.brokers ?? 0);
    for (let nodeId = 1; nodeId <= total; nodeId++) {
      const slot: NodeSlot = {
        nodeId, roles: nodeId > controllers ? 'broker' : options.combined === false ? 'controller' : 'broker,controller',
        port: await freePort(), controllerPort: await freePort(),
        dataDir: join(root.path, `node-${nodeId}`), configFile: join(root.path, `node-${nodeId}.properties`),
      };
      cluster.slots.set(nodeId, slot);
    }
    const voters = [...cluster.slots.values()].filter((s) => s.roles.includes('controller')).map((s) => `${s.nodeId}@127.0.0.1:${s.controllerPort}`).join(',');
    for (const slot of cluster.slots.values()) cluster.writeConfig(slot, voters);
    // Every start is awaited, failed or not, so that close() kills the nodes that did come up.
    const started = await Promise.allSettled([...cluster.slots.keys()].map((id) => cluster.startNode(id)));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await cluster.close();
      throw failed.reason;
    }
    return cluster;
  }

  private writeConfig(slot: NodeSlot, voters: string): void {
    const listeners = [
      ...(slot.roles.includes('broker') ? [`PLAINTEXT://127.0.0.1:${slot.port}`] : []),
      ...(slot.roles.includes('controller') ? [`CONTROLLER://127.0.0.1:${slot.controllerPort}`] : []),
    ];
    writeFileSync(slot.configFile, [
      `node.id=${slot.nodeId}`, `process.roles=${slot.roles}`, `listeners=${listeners.join(',')}`,
      `controller.quorum.voters=${voters}`, `log.dirs=${slot.dataDir}`, 'log.format=json', ...(this.options.overrides ?? []), '',
    ].join('\n'));
    const formatted = spawnSync(process.execPath, [SLUICE_BIN, 'storage', 'format', '-t', this.clusterId, '-c', slot.configFile, '-g'], { encoding: 'utf8' });
    if (formatted.status !== 0) throw new Error(`format of node ${slot.nodeId} failed: ${formatted.stderr}`);
  }

  /** Starts (or restarts) node `nodeId` from its config file. */
  async startNode(nodeId: number): Promise<NodeProcess> {
    const slot = this.slots.get(nodeId)!;
    const node = await NodeProcess.start({
      dataDir: slot.dataDir, configFile: slot.configFile, nodeId, roles: slot.roles, port: slot.port, controllerPort: slot.controllerPort,
      voters: [...this.slots.values()].filter((s) => s.roles.includes('controller')).map((s) => `${s.nodeId}@127.0.0.1:${s.controllerPort}`).join(','),
    });
    this.nodes.set(nodeId, node);
    return node;
  }

  /** Deletes a stopped node's data and formats it again with the same cluster id (a replaced disk). */
  wipe(nodeId: number): void {
    const slot = this.slots.get(nodeId)!;
    spawnSync('rm', ['-rf', slot.dataDir]);
    const formatted = spawnSync(process.execPath, [SLUICE_BIN, 'storage', 'format', '-t', this.clusterId, '-c', slot.configFile], { encoding: 'utf8' });
    if (formatted.status !== 0) throw new Error(`format of node ${nodeId} failed: ${formatted.stderr}`);
  }

  node(nodeId: number): NodeProcess {
    const node = this.nodes.get(nodeId);
    if (!node) throw new Error(`no node ${nodeId}`);
    return node;
  }

  dataDir(nodeId: number): string {
    return this.slots.get(nodeId)!.dataDir;
  }

  /** Every broker's address, comma-separated. */
  get bootstrap(): string {
    return [...this.slots.values()].filter((s) => s.roles.includes('broker')).map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  async close(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => { n.resume(); return n.kill(); }));
    this.root.remove();
  }
}
