/**
 * `sluice storage random-uuid` and `sluice storage format` work like kafka-storage.sh, and a node
 * started from a config file refuses an unformatted directory, or one formatted for another node,
 * with a message that says how to fix it. The no-argument quick start formats its own directory.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, SLUICE_BIN, tempDir } from '@sluice/testkit';
import { run } from './support/run.js';

async function configFile(dir: string, nodeId = 1): Promise<string> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const path = join(dir, 'server.properties');
  writeFileSync(path, [
    `node.id=${nodeId}`, 'process.roles=broker,controller',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `controller.quorum.voters=${nodeId}@127.0.0.1:${controllerPort}`, `log.dirs=${join(dir, 'data')}`, '',
  ].join('\n'));
  return path;
}

const sluice = (...args: string[]) => run(process.execPath, [SLUICE_BIN, ...args], { timeoutMs: 20_000 });

test('random-uuid prints a fresh 22-character cluster id', async () => {
  const a = await sluice('storage', 'random-uuid');
  const b = await sluice('storage', 'random-uuid');
  assert.equal(a.code, 0);
  assert.match(a.stdout, /^[A-Za-z0-9_-]{22}\n$/);
  assert.notEqual(a.stdout, b.stdout);
});

test('format writes meta.properties once; a second format needs --ignore-formatted', async () => {
  const dir = tempDir();
  try {
    const file = await configFile(dir.path);
    const id = (await sluice('storage', 'random-uuid')).stdout.trim();
    const formatted = await sluice('storage', 'format', '-t', id, '-c', file);
    assert.equal(formatted.code, 0, formatted.stderr);
    assert.match(formatted.stdout, /^Formatting .*data with metadata.version for cluster/);
    const meta = readFileSync(join(dir.path, 'data', 'meta.properties'), 'utf8');
    assert.match(meta, new RegExp(`^cluster.id=${id}$`, 'm'));
    assert.match(meta, /^node.id=1$/m);
    assert.match(meta, /^version=1$/m);
    const again = await sluice('storage', 'format', '--cluster-id', id, '--config', file);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already formatted\. Use --ignore-formatted/);
    assert.equal((await sluice('storage', 'format', '-t', id, '-c', file, '-g')).code, 0);
    const bad = await sluice('storage', 'format', '-t', 'not-an-id', '-c', file, '-g');
    assert.match(bad.stderr, /'not-an-id' is not a cluster id/);
  } finally {
    dir.remove();
  }
});

test('a node started from a config file refuses an unformatted or foreign directory', async () => {
  const dir = tempDir();
  try {
    const file = await configFile(dir.path);
    const unformatted = await sluice('server', 'start', file);
    assert.equal(unformatted.code, 2);
    assert.match(unformatted.stderr, /not formatted\. Format it with:\n\s+sluice storage format --cluster-id \$\(sluice storage random-uuid\) --config/);
    const id = (await sluice('storage', 'random-uuid')).stdout.trim();
    assert.equal((await sluice('storage', 'format', '-t', id, '-c', file)).code, 0);
    const otherNode = await sluice('server', 'start', file, '--override', 'node.id=2', '--override', `controller.quorum.voters=2@127.0.0.1:${await freePort()}`);
    assert.equal(otherNode.code, 2);
    assert.match(otherNode.stderr, /was formatted for node.id 1, but this node has node.id 2/);
  } finally {
    dir.remove();
  }
});
