/**
 * Proves the consumer-groups tables have Kafka's layout exactly: a blank line first, minimum
 * column widths (15, PARTITION 10) that grow with long values, one space between columns, `-` for
 * unknown values, Kafka's ASSIGNMENT text, and the state and reset tables' fixed widths.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAssignment, formatDeleteOffsets, formatMembers, formatOffsets, formatResetPlan, formatState } from '../../src/commands/consumer-groups-format.js';

test('offsets table: minimum widths, - for unknown, CLIENT-ID unpadded', () => {
  const text = formatOffsets([
    { group: 'g', topic: 'orders', partition: 0, currentOffset: 5n, logEndOffset: 9n, lag: 4n, consumerId: 'c-1', host: '/127.0.0.1', clientId: 'app' },
    { group: 'g', topic: 'orders', partition: 1, logEndOffset: 3n },
  ]);
  assert.equal(text, [
    '',
    'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
    'g               orders          0          5               9               4               c-1             /127.0.0.1      app',
    'g               orders          1          -               3               -               -               -               -',
    '',
  ].join('\n'));
});

test('offsets table: long values widen their column', () => {
  const consumerId = 'app-0123456789abcdef-0123';
  const lines = formatOffsets([{ group: 'a-rather-long-group-name', topic: 't', partition: 0, consumerId, host: '/10.0.0.1', clientId: 'x' }]).split('\n');
  assert.equal(lines[1]!.indexOf('TOPIC'), 'a-rather-long-group-name'.length + 1);
  assert.equal(lines[1]!.indexOf('HOST'), lines[2]!.indexOf('/10.0.0.1'));
  assert.equal(lines[2]!.indexOf(consumerId) + consumerId.length + 1, lines[2]!.indexOf('/10.0.0.1'));
});

test('members table with and without --verbose, and with a group instance id', () => {
  const member = { group: 'g', consumerId: 'c-1', groupInstanceId: null, host: '/127.0.0.1', clientId: 'app', assignment: [{ topic: 'b', partition: 0 }, { topic: 'a', partition: 2 }, { topic: 'a', partition: 1 }] };
  assert.equal(formatMembers([member], false), [
    '',
    'GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ',
    'g               c-1             /127.0.0.1      app             3               ',
    '',
  ].join('\n'));
  assert.equal(formatMembers([member, { ...member, consumerId: 'c-2', assignment: [] }], true), [
    '',
    'GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT',
    'g               c-1             /127.0.0.1      app             3               a(1,2), b(0)',
    'g               c-2             /127.0.0.1      app             0               -',
    '',
  ].join('\n'));
  const withInstance = formatMembers([{ ...member, groupInstanceId: 'i-1' }], false).split('\n');
  assert.equal(withInstance[1], 'GROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ');
  assert.equal(withInstance[2], 'g               c-1             i-1               /127.0.0.1      app             3               ');
});

test('assignment text sorts partitions numerically within a topic', () => {
  assert.equal(formatAssignment([{ topic: 't', partition: 10 }, { topic: 't', partition: 9 }]), 't(9,10)');
  assert.equal(formatAssignment([]), '-');
});

test('state table: coordinator as host:port  (id)', () => {
  assert.equal(formatState({ group: 'g', coordinator: { nodeId: 1, host: '127.0.0.1', port: 9092 }, assignmentStrategy: 'range', state: 'Stable', members: 2 }), [
    '',
    'GROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS',
    'g                         127.0.0.1:9092  (1)       range                Stable          2',
    '',
  ].join('\n'));
});

test('reset plan and delete-offsets tables use fixed widths', () => {
  assert.equal(formatResetPlan([{ group: 'g', tp: { topic: 't', partition: 0 }, offset: 12n }]), [
    '',
    'GROUP                          TOPIC                          PARTITION  NEW-OFFSET     ',
    'g                              t                              0          12             ',
    '',
  ].join('\n'));
  assert.equal(formatResetPlan([]), '');
  assert.equal(formatDeleteOffsets([{ tp: { topic: 't', partition: 1 }, error: null }, { tp: { topic: 't', partition: 2 }, error: 'No.' }]), [
    '',
    'TOPIC                          PARTITION       STATUS         ',
    't                              1               Successful     ',
    't                              2               Error: No.     ',
    '',
  ].join('\n'));
});
