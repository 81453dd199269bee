/**
 * Consumer groups with the other real clients, on a topic with 3 partitions: kafka-python 2.0.2
 * (KafkaConsumer with a group_id, Debian python3-kafka) and librdkafka through kcat -G. For each:
 * a first run of the group reads everything from the earliest offset and commits; a second run
 * reads nothing old (kcat: with auto.offset.reset=earliest, since -o would override the committed
 * offsets); after 5 more messages a third run reads exactly those 5. Two groups on the
 * same topic keep separate offsets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSingleNode } from './support/cluster.js';
import { run } from './support/run.js';

const TOPIC = 'shared';

const PY_CONSUME = String.raw`
import json, sys
from kafka import KafkaConsumer, TopicPartition
bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False, consumer_timeout_ms=8000, session_timeout_ms=10000)
got = [m.value.decode() for m in consumer]
consumer.commit()
committed = sum(consumer.committed(TopicPartition(topic, p)) or 0 for p in consumer.partitions_for_topic(topic))
consumer.close()
print(json.dumps({'got': got, 'committed': committed}))
`;

async function pythonGroupRun(bootstrap: string, group: string): Promise<{ got: string[]; committed: number }> {
  const result = await run('/usr/bin/python3', ['-c', PY_CONSUME, bootstrap, TOPIC, group], { timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { got: string[]; committed: number };
}

async function kcatGroupRun(bootstrap: string, group: string): Promise<string[]> {
  const result = await run('kcat', ['-b', bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\\n', TOPIC], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.split('\n').filter((l) => l !== '');
}

async function produceLines(bootstrap: string, lines: string[]): Promise<void> {
  const result = await run('kcat', ['-P', '-b', bootstrap, '-t', TOPIC, '-X', 'acks=all'], { input: lines.join('\n') + '\n' });
  assert.equal(result.code, 0, result.stderr);
}

test('kafka-python and kcat -G groups: everything once, nothing old on restart, exactly the new messages later', async () => {
  const { node } = await startSingleNode(['group.initial.rebalance.delay.ms=0', 'num.partitions=3']);
  const first = Array.from({ length: 40 }, (_, i) => `m-${i}`);
  await produceLines(node.bootstrap, first);

  const py1 = await pythonGroupRun(node.bootstrap, 'py-group');
  assert.deepEqual([...py1.got].sort(), [...first].sort(), 'kafka-python: first run reads everything once');
  assert.equal(py1.committed, 40);
  assert.deepEqual((await pythonGroupRun(node.bootstrap, 'py-group')).got, [], 'kafka-python: nothing old');

  const kc1 = await kcatGroupRun(node.bootstrap, 'kcat-group');
  assert.deepEqual([...kc1].sort(), [...first].sort(), 'kcat -G: first run reads everything once');
  assert.deepEqual(await kcatGroupRun(node.bootstrap, 'kcat-group'), [], 'kcat -G: nothing old');

  const late = Array.from({ length: 5 }, (_, i) => `late-${i}`);
  await produceLines(node.bootstrap, late);
  const py3 = await pythonGroupRun(node.bootstrap, 'py-group');
  assert.deepEqual([...py3.got].sort(), [...late].sort(), 'kafka-python: exactly the 5 new');
  assert.equal(py3.committed, 45);
  assert.deepEqual([...(await kcatGroupRun(node.bootstrap, 'kcat-group'))].sort(), [...late].sort(), 'kcat -G: exactly the 5 new');
});
