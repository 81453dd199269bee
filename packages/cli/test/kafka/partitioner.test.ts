/**
 * Proves the console producer's key partitioning is Kafka's: murmur2 matches the Java client's
 * published test vectors and kafkajs's own murmur2 on many random keys, and `partitionForKey`
 * picks the same partition as kafkajs's DefaultPartitioner (its Java-compatible one) for every
 * key and partition count tried. Records without a key round-robin over partitions with a leader.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import fc from 'fast-check';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { consolePartitioner, murmur2, partitionForKey, toPositive } from '../../src/kafka/partitioner.js';

const require = createRequire(import.meta.url);
/** kafkajs's murmur2 (not exported by its index, so loaded by path). */
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

function partitions(count: number, leaderless: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0, partitionId, leader: leaderless.includes(partitionId) ? -1 : 1, replicas: [1], isr: [1], offlineReplicas: [],
  }));
}

test('murmur2 gives the Java client\'s values for its test vectors', () => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of vectors) assert.equal(murmur2(Buffer.from(key)), hash, key);
});

test('murmur2 equals kafkajs\'s murmur2 on random keys of every length', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    assert.equal(murmur2(bytes), kafkajsMurmur2(Buffer.from(bytes)));
  }), { numRuns: 5_000 });
});

test('partitionForKey picks kafkajs DefaultPartitioner\'s partition for keyed records', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (key, count) => {
    const expected = kafkajs({ topic: 't', partitionMetadata: partitions(count), message: { key, value: 'v' } });
    assert.equal(partitionForKey(Buffer.from(key), count), expected);
  }), { numRuns: 5_000 });
});

test('the same key always lands in the same partition, even when some partitions have no leader', () => {
  const pick = consolePartitioner();
  for (let i = 0; i < 200; i++) {
    const key = `user-${i}`;
    const first = pick({ topic: 't', partitionMetadata: partitions(6), message: { key, value: 'a' } });
    const again = pick({ topic: 't', partitionMetadata: partitions(6, [0, 1, 2]), message: { key: Buffer.from(key), value: 'b' } });
    assert.equal(again, first, key);
    assert.equal(first, toPositive(murmur2(Buffer.from(key))) % 6);
  }
});

test('records without a key go round-robin over partitions that have a leader', () => {
  const pick = consolePartitioner();
  const chosen = Array.from({ length: 6 }, () => pick({ topic: 't', partitionMetadata: partitions(4, [2]), message: { value: 'x' } }));
  assert.deepEqual(chosen, [0, 1, 3, 0, 1, 3]);
});

test('toPositive clears the sign bit and partitionForKey refuses a bad count', () => {
  assert.equal(toPositive(-1), 0x7fffffff);
  assert.equal(toPositive(-2147483648), 0);
  assert.throws(() => partitionForKey(Buffer.from('k'), 0), /positive integer/);
});
