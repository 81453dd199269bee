/**
 * Proves member assignment bytes decode as the consumer protocol lays them out (hex fixtures built
 * by hand from the ConsumerProtocolAssignment schema, v0 and v1 with user data), and that bytes
 * from another protocol or an unassigned member give no partitions instead of failing the tool.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTopicPartitions, decodeAssignment } from '../../src/kafka/consumer-protocol.js';

test('v0 assignment with two topics', () => {
  const bytes = Buffer.from([
    '0000', // version 0
    '00000002', // two topics
    '0001', '61', '00000002', '00000000', '00000002', // "a": [0, 2]
    '0002', '6262', '00000001', '00000005', // "bb": [5]
    '00000000', // empty user data
  ].join(''), 'hex');
  assert.deepEqual(decodeAssignment(bytes), [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 2 }, { topic: 'bb', partition: 5 }]);
});

test('v1 assignment with user data, and a null user data', () => {
  const withData = Buffer.from('0001' + '00000001' + '0001' + '74' + '00000001' + '00000003' + '00000002' + 'abcd', 'hex');
  assert.deepEqual(decodeAssignment(withData), [{ topic: 't', partition: 3 }]);
  const nullData = Buffer.from('0001' + '00000000' + 'ffffffff', 'hex');
  assert.deepEqual(decodeAssignment(nullData), []);
});

test('empty or foreign bytes give no partitions', () => {
  assert.deepEqual(decodeAssignment(Buffer.alloc(0)), []);
  assert.deepEqual(decodeAssignment(Buffer.from('00007fffffff', 'hex')), [], 'a lying topic count');
  assert.deepEqual(decodeAssignment(Buffer.from('not the consumer protocol')), []);
});

test('topic partitions sort by topic, then partition number', () => {
  const sorted = [{ topic: 'b', partition: 1 }, { topic: 'a', partition: 10 }, { topic: 'a', partition: 2 }].sort(compareTopicPartitions);
  assert.deepEqual(sorted, [{ topic: 'a', partition: 2 }, { topic: 'a', partition: 10 }, { topic: 'b', partition: 1 }]);
});
