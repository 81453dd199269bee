/**
 * Proves kafka-topics.sh's rules and layout: exactly one action, --topic where it is needed, flags
 * only with the actions that take them; `--describe` lines with Kafka's fields and tabs (TopicId
 * left out for the zero id, `none` for a missing leader); topic selection by name or regex.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZERO_UUID } from '@sluice/protocol';
import { topicsAction, type TopicsArgs } from '../../src/commands/topics.js';
import { formatTopicDescription, selectTopics } from '../../src/kafka/topic-admin.js';

const base: TopicsArgs = { 'bootstrap-server': '127.0.0.1:9092' };

test('exactly one action is required', () => {
  assert.throws(() => topicsAction(base), /exactly one action: --list, --describe, --create, --alter or --delete/);
  assert.throws(() => topicsAction({ ...base, list: true, describe: true }), /exactly one action/);
  assert.equal(topicsAction({ ...base, list: true }), 'list');
});

test('create, alter and delete need --topic; alter needs --partitions', () => {
  assert.throws(() => topicsAction({ ...base, create: true }), /Missing required argument "\[topic\]"/);
  assert.throws(() => topicsAction({ ...base, delete: true }), /Missing required argument "\[topic\]"/);
  assert.throws(() => topicsAction({ ...base, alter: true, topic: 't' }), /--alter needs --partitions/);
  assert.equal(topicsAction({ ...base, describe: true }), 'describe');
});

test('create-only flags are refused with other actions', () => {
  assert.throws(() => topicsAction({ ...base, list: true, config: ['a=b'] }), /"\[config\]" can't be used with option "\[list\]"/);
  assert.throws(() => topicsAction({ ...base, alter: true, topic: 't', partitions: 3, 'replication-factor': 2 }), /replication-factor/);
  assert.throws(() => topicsAction({ ...base, delete: true, topic: 't', partitions: 3 }), /"\[partitions\]" can't be used with option "\[delete\]"/);
});

test('--describe prints the summary line and one tab-indented line per partition', () => {
  const text = formatTopicDescription({
    name: 'orders', topicId: 'q1xQm0ZBRw2nJ4v2n3Xn2Q', configs: ['retention.ms=1000', 'cleanup.policy=compact'],
    partitions: [
      { partition: 0, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1] },
      { partition: 1, leader: -1, replicas: [3, 1, 2], isr: [] },
    ],
  });
  assert.equal(text, [
    'Topic: orders\tTopicId: q1xQm0ZBRw2nJ4v2n3Xn2Q\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: retention.ms=1000,cleanup.policy=compact',
    '\tTopic: orders\tPartition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1',
    '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 3,1,2\tIsr: ',
    '',
  ].join('\n'));
  assert.match(formatTopicDescription({ name: 't', topicId: ZERO_UUID, configs: [], partitions: [] }), /^Topic: t\tPartitionCount: 0\tReplicationFactor: 0\tConfigs: \n$/);
});

test('--topic selects by exact name or by a regex over the whole name; internal topics can be left out', () => {
  const topics = [{ name: 'b.x', isInternal: false }, { name: '__consumer_offsets', isInternal: true }, { name: 'a', isInternal: false }, { name: 'bx', isInternal: false }];
  assert.deepEqual(selectTopics(topics, {}).map((t) => t.name), ['__consumer_offsets', 'a', 'b.x', 'bx']);
  assert.deepEqual(selectTopics(topics, { excludeInternal: true }).map((t) => t.name), ['a', 'b.x', 'bx']);
  assert.deepEqual(selectTopics(topics, { pattern: 'b.*' }).map((t) => t.name), ['b.x', 'bx']);
  assert.deepEqual(selectTopics(topics, { pattern: 'b' }).map((t) => t.name), []);
  assert.deepEqual(selectTopics([{ name: 'a(', isInternal: false }], { pattern: 'a(' }).map((t) => t.name), ['a(']);
});
