/**
 * kafka-python 2.0.2 (Debian python3-kafka, under /usr/bin/python3) against a real single node:
 * a KafkaProducer sends JSON values, a KafkaConsumer with group_id=None and
 * auto_offset_reset='earliest' reads them back in order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSingleNode } from './support/cluster.js';
import { run } from './support/run.js';

const SCRIPT = String.raw`
import json, sys
from kafka import KafkaProducer, KafkaConsumer
bootstrap = sys.argv[1]
producer = KafkaProducer(bootstrap_servers=bootstrap, value_serializer=lambda v: json.dumps(v).encode())
for i in range(300):
    producer.send('py-json', {'n': i, 'text': 'hello %d' % i}).get(timeout=30)
producer.flush()
producer.close()
consumer = KafkaConsumer('py-json', bootstrap_servers=bootstrap, group_id=None,
                         auto_offset_reset='earliest', consumer_timeout_ms=5000,
                         value_deserializer=lambda b: json.loads(b.decode()))
got = [m.value['n'] for m in consumer]
consumer.close()
print(json.dumps(got))
`;

test('kafka-python producer sends JSON, consumer reads it back in order', async () => {
  const { node } = await startSingleNode();
  const result = await run('/usr/bin/python3', ['-c', SCRIPT, node.bootstrap], { timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stderr);
  const got = JSON.parse(result.stdout.trim().split('\n').pop()!) as number[];
  assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => i));
});
