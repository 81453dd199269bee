/**
 * Proves the console producer resolves its client properties as kafka-console-producer.sh does:
 * --producer.config file first, --producer-property over it, the dedicated flags last in line.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@sluice/testkit';
import { producerPlan, type ConsoleProducerArgs } from '../../src/commands/console-producer.js';

const base: ConsoleProducerArgs = { 'bootstrap-server': '127.0.0.1:9092', topic: 't', 'request-required-acks': '-1' };

test('--producer.config: acks and compression from the file, --producer-property over it', () => {
  const dir = tempDir('producer-config-');
  try {
    const file = join(dir.path, 'producer.properties');
    writeFileSync(file, 'acks=1\ncompression.type = lz4\nclient.id: from-file\n');
    const plan = producerPlan({ ...base, 'producer.config': file });
    assert.deepEqual([plan.acks, plan.compression, plan.clientId], [1, 'lz4', 'from-file']);
    const overridden = producerPlan({ ...base, 'producer.config': file, 'producer-property': ['compression.type=gzip'] });
    assert.deepEqual([overridden.acks, overridden.compression], [1, 'gzip']);
    writeFileSync(file, 'compression.type=zstd\n');
    assert.throws(() => producerPlan({ ...base, 'producer.config': file }), /compression codec 'zstd' is not available in this producer/);
  } finally {
    dir.remove();
  }
});
