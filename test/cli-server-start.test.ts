/**
 * kafka-server-start.sh and kafka-storage.sh as a Kafka operator runs them: format a node's
 * directory from its server.properties, start it with -daemon (the script returns at once, the
 * node's output goes to LOG_DIR/sluice-server.out and its pid to LOG_DIR/sluice-server.pid), reach
 * it with kafka-topics.sh, stop it by its pid. Without arguments the script prints Kafka's usage.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, SLUICE_BIN, tempDir } from '@sluice/testkit';
import { kafkaScript, kafkaTool } from './support/cli.js';
import { eventually } from './support/quorum.js';
import { run } from './support/run.js';

const NODE_ID = 7_301;

test('kafka-server-start.sh -daemon starts a formatted node in the background; kafka-server-stop.sh stops it', async () => {
  const dir = tempDir('sluice-daemon-');
  let pid = 0;
  try {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const config = join(dir.path, 'server.properties');
    writeFileSync(config, [
      // An id no other node on this machine is likely to have: kafka-server-stop.sh picks nodes by it.
      `node.id=${NODE_ID}`, 'process.roles=broker,controller', `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `controller.quorum.voters=${NODE_ID}@127.0.0.1:${controllerPort}`, `log.dirs=${join(dir.path, 'data')}`, '',
    ].join('\n'));
    const clusterId = (await kafkaTool('kafka-storage.sh', ['random-uuid'])).stdout.trim();
    const formatted = await kafkaTool('kafka-storage.sh', ['format', '-t', clusterId, '-c', config]);
    assert.equal(formatted.code, 0, formatted.stderr);

    const logDir = join(dir.path, 'logs');
    const started = await run(kafkaScript('kafka-server-start.sh'), ['-daemon', config], { env: { ...process.env, LOG_DIR: logDir }, timeoutMs: 10_000 });
    assert.equal(started.code, 0, started.stderr);
    pid = Number(readFileSync(join(logDir, 'sluice-server.pid'), 'utf8'));
    await eventually('the node logged that it started', 30_000, async () => readFileSync(join(logDir, 'sluice-server.out'), 'utf8').includes('broker started'));
    const created = await kafkaTool('kafka-topics.sh', ['--create', '--topic', 'daemon', '--bootstrap-server', `127.0.0.1:${port}`]);
    assert.equal(created.stdout, 'Created topic daemon.\n');

    const otherNode = await run(kafkaScript('kafka-server-stop.sh'), [`--node-id=${NODE_ID + 1}`]);
    assert.deepEqual([otherNode.code, otherNode.stdout], [1, 'No kafka server to stop\n']);
    const badRole = await run(kafkaScript('kafka-server-stop.sh'), ['--process-role=zookeeper']);
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /--process-role must be broker or controller, not 'zookeeper'/);
    assert.ok(isAlive(pid), 'a filter that matches nothing stops nothing');
    const stopped = await run(kafkaScript('kafka-server-stop.sh'), [`--node-id=${NODE_ID}`, '--process-role=broker']);
    assert.equal(stopped.code, 0, stopped.stderr);
    await eventually('the node exited', 30_000, async () => !isAlive(pid));
    pid = 0;
    assert.match(readFileSync(join(logDir, 'sluice-server.out'), 'utf8'), /node stopped/);
  } finally {
    if (pid !== 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    dir.remove();
  }
});

test('kafka-server-start.sh without a config file prints Kafka\'s usage', async () => {
  const result = await run(kafkaScript('kafka-server-start.sh'), []);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /USAGE: .*kafka-server-start\.sh \[-daemon\] server\.properties \[--override property=value\]\*/);
});

test('a node whose Kafka port is taken exits 1 naming the address, without a usage text', async () => {
  const dir = tempDir('sluice-port-taken-');
  const holder = createServer();
  try {
    const [port, controllerPort] = [await freePort(), await freePort()];
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    const result = await run(process.execPath, [SLUICE_BIN, 'server', 'start',
      '--override', `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      '--override', `controller.quorum.voters=1@127.0.0.1:${controllerPort}`, '--override', `log.dirs=${join(dir.path, 'data')}`],
    { timeoutMs: 30_000 });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`sluice: the node could not start: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(result.stderr, /Positionals:|Options:/);
  } finally {
    holder.close();
    dir.remove();
  }
});

test('kafka-server-stop.sh reads each node\'s config as the node does: relative path, key: value, CRLF, continued lines', async () => {
  // Stand-ins named like the node's command line (`.../sluice server start CONFIG ...`) that only
  // wait: what is tested is which processes the script picks, by ids no real node here has.
  const dir = tempDir('sluice-stop-');
  const children: ChildProcess[] = [];
  try {
    const fake = join(dir.path, 'bin', 'sluice');
    mkdirSync(join(dir.path, 'bin'));
    writeFileSync(fake, 'setTimeout(() => undefined, 60_000);\n');
    const node = (name: string, config: string, ...extra: string[]): ChildProcess => {
      mkdirSync(join(dir.path, name, 'config'), { recursive: true });
      writeFileSync(join(dir.path, name, 'config', 'server.properties'), config);
      const child = spawn(process.execPath, [fake, 'server', 'start', 'config/server.properties', ...extra], { cwd: join(dir.path, name), stdio: 'ignore' });
      children.push(child);
      return child;
    };
    const colon = node('colon', `node.id: ${NODE_ID + 10}\r\nprocess.roles=broker,\\\r\n  controller\r\n`);
    const overridden = node('overridden', `node.id=${NODE_ID + 11}\n`, '--override', `node.id=${NODE_ID + 12}`);
    await new Promise((r) => setTimeout(r, 300));
    const stop = (...args: string[]) => run(kafkaScript('kafka-server-stop.sh'), args);
    assert.equal((await stop(`--node-id=${NODE_ID + 11}`)).code, 1, 'the --override wins over the file');
    assert.equal((await stop(`--node-id=${NODE_ID + 12}`)).code, 0);
    await eventually('the overridden node stopped', 5_000, async () => overridden.exitCode !== null || overridden.signalCode !== null);
    const stopped = await stop(`--node-id=${NODE_ID + 10}`, '--process-role=controller');
    assert.equal(stopped.code, 0, `key: value, CRLF and a continued process.roles line are read: ${stopped.stdout}${stopped.stderr}`);
    await eventually('the colon node stopped', 5_000, async () => colon.exitCode !== null || colon.signalCode !== null);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    dir.remove();
  }
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process, it has exited.
    return false;
  }
}
