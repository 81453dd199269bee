/**
 * librdkafka through Debian's kcat against a real single node: produce keyed lines with -K:,
 * consume them from the beginning with -e, and list cluster metadata with -L.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSingleNode } from './support/cluster.js';
import { batchCodecs } from './support/fetch-reader.js';
import { run } from './support/run.js';

test('kcat produces keyed lines, consumes them back, and lists metadata', async () => {
  const { node } = await startSingleNode();
  const lines = Array.from({ length: 50 }, (_, i) => `k${i % 5}:line ${i}`);
  const produced = await run('kcat', ['-P', '-b', node.bootstrap, '-t', 'lines', '-K:', '-X', 'acks=all'], { input: lines.join('\n') + '\n' });
  assert.equal(produced.code, 0, produced.stderr);

  const consumed = await run('kcat', ['-C', '-b', node.bootstrap, '-t', 'lines', '-o', 'beginning', '-e', '-f', '%k=%s\\n'], { timeoutMs: 30_000 });
  assert.equal(consumed.code, 0, consumed.stderr);
  const got = consumed.stdout.trim().split('\n');
  assert.deepEqual(got, lines.map((l) => l.replace(':', '=')));

  const listed = await run('kcat', ['-L', '-b', node.bootstrap, '-t', 'lines']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /1 brokers:\s+broker 1 at 127\.0\.0\.1:\d+/);
  assert.match(listed.stdout, /topic "lines" with 1 partitions:\s+partition 0, leader 1, replicas: 1, isrs: 1/);
});

test('kcat with every compression codec: batches are stored compressed as sent and consumed back', async () => {
  const { node } = await startSingleNode();
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    const lines = Array.from({ length: 200 }, (_, i) => `${codec} record ${i} ${'x'.repeat(i % 50)}`);
    const produced = await run('kcat', ['-P', '-b', node.bootstrap, '-t', `z-${codec}`, '-z', codec], { input: lines.join('\n') + '\n' });
    assert.equal(produced.code, 0, produced.stderr);
    // librdkafka up to 2.11 compresses only when the broker's Produce versions start at 0.
    assert.doesNotMatch(produced.stderr, /does not support compression/);
    const codecs = await batchCodecs(node.port, `z-${codec}`, 0);
    assert.ok(codecs.length > 0 && codecs.every((c) => c === codec), `${codec}: stored batches are ${codecs.join(',')}`);
    const consumed = await run('kcat', ['-C', '-b', node.bootstrap, '-t', `z-${codec}`, '-o', 'beginning', '-e'], { timeoutMs: 30_000 });
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), lines, codec);
  }
});
