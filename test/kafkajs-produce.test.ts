/**
 * kafkajs 2.2.4 against a real single node: the admin client creates a 3-partition topic, a
 * producer sends 10,000 keyed messages with headers and explicit timestamps at acks=-1, and a
 * plain Fetch-based reader then checks every message came back once, with the key, value, headers
 * and timestamp it was sent with, in send order within each partition.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { readPartition } from './support/fetch-reader.js';
import { startSingleNode } from './support/cluster.js';

const MESSAGES = 10_000;
const SEND_BATCH = 500;
const BASE_TIMESTAMP = 1_700_000_000_000;

test('kafkajs admin + producer, 10,000 keyed messages read back exactly', async () => {
  const { node } = await startSingleNode();
  const kafka = new Kafka({ clientId: 'it-kafkajs', brokers: [node.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  assert.equal(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }], waitForLeaders: true }), true);
  const metadata = await admin.fetchTopicMetadata({ topics: ['orders'] });
  assert.equal(metadata.topics[0]!.partitions.length, 3);
  await admin.disconnect();

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const partitionOfKey = new Map<string, number>();
  for (let start = 0; start < MESSAGES; start += SEND_BATCH) {
    const messages = [];
    for (let i = start; i < start + SEND_BATCH; i++) {
      messages.push({
        key: `key-${i % 97}`,
        value: `value-${i}`,
        timestamp: String(BASE_TIMESTAMP + i),
        headers: { seq: String(i), source: 'kafkajs' },
      });
    }
    const compression = start % 1000 === 0 ? CompressionTypes.GZIP : CompressionTypes.None;
    const results = await producer.send({ topic: 'orders', acks: -1, compression, messages });
    for (const r of results) assert.equal(r.errorCode, 0);
  }
  await producer.disconnect();

  let total = 0;
  for (let partition = 0; partition < 3; partition++) {
    const records = await readPartition(node.port, 'orders', partition);
    let previousSeq = -1;
    records.forEach((r, index) => {
      assert.equal(r.offset, BigInt(index), 'offsets are dense from 0');
      const seq = Number(r.value!.toString().slice('value-'.length));
      assert.ok(seq > previousSeq, `send order kept in partition ${partition}`);
      previousSeq = seq;
      assert.equal(r.key!.toString(), `key-${seq % 97}`);
      assert.equal(r.timestamp, BigInt(BASE_TIMESTAMP + seq));
      assert.deepEqual(r.headers.map((h) => [h.key, h.value?.toString()]), [['seq', String(seq)], ['source', 'kafkajs']]);
      const key = r.key!.toString();
      const seen = partitionOfKey.get(key);
      assert.ok(seen === undefined || seen === partition, `key ${key} always lands in one partition`);
      partitionOfKey.set(key, partition);
    });
    total += records.length;
  }
  assert.equal(total, MESSAGES);
});
