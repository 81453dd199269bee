/**
 * kafka-python 2.0.2 (Debian python3-kafka, under /usr/bin/python3) against a real single node:
 * a KafkaProducer sends JSON values, a KafkaConsumer with group_id=None and
 * auto_offset_reset='earliest' reads them back in order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSingleNode } from './support/cluster.js';
import { batchCodecs, readPartition } from './support/fetch-reader.js';
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

/**
 * kafka-python told the broker is 0.8.2 / 0.9 / 0.10.1 speaks Produce v0 / v1 / v2 with magic 0 / 0 / 1
 * message sets (gzip-wrapped when asked): the broker up-converts them, keeps the codec and, for
 * magic 1, the producer's timestamps.
 */
const LEGACY_SCRIPT = String.raw`
import json, sys
from kafka import KafkaProducer
bootstrap, topic, major, minor, patch, codec = sys.argv[1:7]
producer = KafkaProducer(bootstrap_servers=bootstrap, api_version=(int(major), int(minor), int(patch)),
                         compression_type=None if codec == 'none' else codec, linger_ms=50)
futures = [producer.send(topic, key=b'k%d' % i, value=b'v%d' % i, partition=0, **({'timestamp_ms': 1700000000000 + i} if (int(major), int(minor)) >= (0, 10) else {})) for i in range(20)]
print(json.dumps([f.get(timeout=30).offset for f in futures]))
producer.close()
`;

test('kafka-python with legacy api_version (Produce v0-2, magic 0/1 message sets) is up-converted', async () => {
  const { node } = await startSingleNode();
  const cases = [['0', '8', '2', 'none'], ['0', '9', '0', 'gzip'], ['0', '10', '1', 'gzip'], ['0', '10', '1', 'none']] as const;
  for (const [major, minor, patch, codec] of cases) {
    const topic = `legacy-${minor}-${codec}`;
    const result = await run('/usr/bin/python3', ['-c', LEGACY_SCRIPT, node.bootstrap, topic, major, minor, patch, codec], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim()), Array.from({ length: 20 }, (_, i) => i), `${topic}: offsets`);
    const records = await readPartition(node.port, topic, 0);
    assert.deepEqual(records.map((r) => [r.key?.toString(), r.value?.toString()]), Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]), topic);
    if (minor === '10') assert.deepEqual(records.map((r) => r.timestamp), Array.from({ length: 20 }, (_, i) => 1_700_000_000_000n + BigInt(i)), `${topic}: timestamps`);
    const codecs = await batchCodecs(node.port, topic, 0);
    assert.ok(codecs.length > 0 && codecs.every((c) => c === codec), `${topic}: stored batches are ${codecs.join(',')}`);
  }
});
