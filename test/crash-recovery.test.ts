/**
 * Kill -9 in the middle of a produce stream, then restart on the same data directory: every
 * message acknowledged with acks=1 or acks=all is still readable at the offset it was acknowledged
 * at, offsets stay dense, and nothing partial is served (the reader checks every batch's CRC).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { readPartition } from './support/fetch-reader.js';
import { startSingleNode } from './support/cluster.js';

const PARTITIONS = 2;
const KILL_AFTER_MS = 1500;

test('acknowledged messages survive kill -9 and restart', async () => {
  const cluster = await startSingleNode(['num.partitions=2']);
  const kafka = new Kafka({ clientId: 'it-crash', brokers: [cluster.node.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const producer = kafka.producer();
  await producer.connect();

  // Acknowledged value -> [partition, offset], as the broker reported it.
  const acked = new Map<string, [number, bigint]>();
  let sent = 0;
  let stop = false;
  const stream = (async () => {
    while (!stop) {
      const values = Array.from({ length: 25 }, () => `v-${sent++}`);
      const partition = sent % PARTITIONS;
      try {
        const [result] = await producer.send({
          topic: 'crash', acks: sent % 2 === 0 ? 1 : -1,
          messages: values.map((value) => ({ value, partition })),
        });
        values.forEach((value, i) => acked.set(value, [result!.partition, BigInt(result!.baseOffset!) + BigInt(i)]));
      } catch {
        return; // the broker died under us: everything unacknowledged may or may not be there
      }
    }
  })();
  await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
  await cluster.node.kill();
  stop = true;
  await stream;
  await producer.disconnect().catch(() => undefined);
  assert.ok(acked.size > 100, `enough messages were acknowledged before the kill (${acked.size})`);

  const restarted = await cluster.restart();
  const stored = new Map<string, [number, bigint]>();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const records = await readPartition(restarted.port, 'crash', partition);
    records.forEach((r, index) => {
      assert.equal(r.offset, BigInt(index), 'offsets are dense');
      const value = r.value!.toString();
      assert.ok(!stored.has(value), `${value} stored once`);
      assert.match(value, /^v-\d+$/, 'no value that was never sent');
      stored.set(value, [partition, r.offset]);
    });
  }
  for (const [value, where] of acked) assert.deepEqual(stored.get(value), where, `acknowledged ${value} is where it was acknowledged`);
});
