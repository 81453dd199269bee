/**
 * Proves bad flag combinations are refused with a message naming what is wrong and what is
 * allowed, good ones pass, and each reset flag maps to its scenario.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkArgs, formatGroupStates, scenarioOf, statesOf, type ConsumerGroupsArgs } from '../../src/commands/consumer-groups.js';
import { formatResetCsv } from '../../src/commands/consumer-groups-format.js';
import { parseResetCsv } from '../../src/commands/consumer-groups-reset.js';

const base: ConsumerGroupsArgs = { 'bootstrap-server': '127.0.0.1:9092', timeout: 5000 };
const check = (extra: Partial<ConsumerGroupsArgs>): string | null => checkArgs({ ...base, ...extra });

test('good invocations pass', () => {
  assert.equal(check({ list: true }), null);
  assert.equal(check({ list: true, state: '' }), null);
  assert.equal(check({ list: true, state: 'stable,EMPTY' }), null);
  assert.equal(check({ describe: true, group: ['g'], members: true, verbose: true }), null);
  assert.equal(check({ describe: true, 'all-groups': true, state: '' }), null);
  assert.equal(check({ 'reset-offsets': true, group: ['g'], topic: ['t:0'], 'shift-by': '-2', execute: true }), null);
  assert.equal(check({ delete: true, group: ['a', 'b'] }), null);
  assert.equal(check({ 'delete-offsets': true, group: ['g'], topic: ['t'] }), null);
  assert.equal(check({ 'reset-offsets': true, group: ['g'], 'all-topics': true, 'to-current': true, export: true }), null);
});

test('bad invocations name the problem and the choices', () => {
  assert.match(check({})!, /exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets/);
  assert.match(check({ list: true, describe: true })!, /exactly one action/);
  assert.match(checkArgs({ list: true, timeout: 5000 })!, /Missing required argument \[bootstrap-server\]/);
  assert.match(check({ describe: true })!, /\[describe\] takes exactly one of these options: --group, --all-groups/);
  assert.match(check({ describe: true, group: ['g'], members: true, state: '' })!, /at most one of these options: --members, --offsets, --state/);
  assert.match(check({ describe: true, group: ['g'], verbose: true })!, /\[verbose\] is only valid with --describe --members/);
  assert.match(check({ 'reset-offsets': true, group: ['g'], 'to-earliest': true })!, /takes exactly one of these options: --topic, --all-topics/);
  assert.match(check({ 'reset-offsets': true, group: ['g'], 'all-topics': true })!, /exactly one of these scenarios: --to-datetime, --by-duration, --to-earliest/);
  assert.match(check({ 'reset-offsets': true, group: ['g'], 'all-topics': true, 'to-earliest': true, 'to-latest': true })!, /exactly one of these scenarios/);
  assert.match(check({ 'reset-offsets': true, group: ['g'], 'all-topics': true, 'to-earliest': true, 'dry-run': true, execute: true })!, /at most one of these options: --dry-run, --execute/);
  assert.match(check({ 'reset-offsets': true, group: ['g'], 'all-topics': true, 'to-offset': 'ten' })!, /--to-offset 'ten' is not an integer/);
  assert.match(check({ describe: true, group: ['g'], 'to-earliest': true })!, /--to-earliest is only valid with --reset-offsets/);
  assert.match(check({ 'delete-offsets': true, group: ['g'] })!, /takes one --group and at least one --topic/);
  assert.match(check({ 'reset-offsets': true, group: ['g'], topic: ['t'], 'from-file': '/nonexistent.csv' })!, /takes its partitions from the file/);
  assert.match(check({ 'reset-offsets': true, group: ['g'], 'from-file': '/nonexistent.csv' })!, /--from-file \/nonexistent\.csv cannot be read: ENOENT/);
  assert.match(check({ describe: true, group: ['g'], export: true })!, /--export is only valid with --reset-offsets/);
  assert.match(check({ list: true, state: 'Stable,Sleeping' })!, /Invalid state list 'Stable,Sleeping'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty/);
  assert.match(check({ delete: true, group: ['g'], state: '' })!, /\[state\] is only valid with --describe or --list/);
});

test('scenarios from flags', () => {
  assert.deepEqual(scenarioOf({ ...base, 'to-earliest': true }, 0), { kind: 'earliest' });
  assert.deepEqual(scenarioOf({ ...base, 'shift-by': '-3' }, 0), { kind: 'shift', by: -3n });
  assert.deepEqual(scenarioOf({ ...base, 'to-offset': '7' }, 0), { kind: 'offset', offset: 7n });
  assert.deepEqual(scenarioOf({ ...base, 'by-duration': 'PT1S' }, 5000), { kind: 'timestamp', timestampMs: 4000n });
  assert.deepEqual(scenarioOf({ ...base, 'to-datetime': '1970-01-01T00:00:01.000Z' }, 0), { kind: 'timestamp', timestampMs: 1000n });
});

test('--list --state: the filter takes any letter case; the table pads GROUP to the longest id, at least 15', () => {
  assert.deepEqual([...statesOf('')], []);
  assert.deepEqual([...statesOf('stable, empty')], ['Stable', 'Empty']);
  assert.equal(formatGroupStates([{ groupId: 'a', state: 'Empty' }]), 'GROUP           STATE\na               Empty\n');
  assert.equal(formatGroupStates([{ groupId: 'a-very-long-group-id', state: 'Stable' }]),
    'GROUP                STATE\na-very-long-group-id Stable\n');
  assert.equal(formatGroupStates([]), 'GROUP           STATE\n');
});

test('--from-file CSV: three fields for one group, four with the group; --export writes what it reads', () => {
  assert.deepEqual(parseResetCsv('orders,0,4\r\norders,2,7\n\n'), [
    { group: null, tp: { topic: 'orders', partition: 0 }, offset: 4n }, { group: null, tp: { topic: 'orders', partition: 2 }, offset: 7n }]);
  assert.deepEqual(parseResetCsv('g1,orders,1,3\n'), [{ group: 'g1', tp: { topic: 'orders', partition: 1 }, offset: 3n }]);
  assert.throws(() => parseResetCsv('orders,0\n'), /line 1 'orders,0' is not TOPIC,PARTITION,OFFSET/);
  assert.throws(() => parseResetCsv('orders,0,4\norders,1,-2\n'), /line 2/);
  const rows = [{ group: 'g1', tp: { topic: 'orders', partition: 0 }, offset: 4n }, { group: 'g2', tp: { topic: 'orders', partition: 1 }, offset: 9n }];
  assert.equal(formatResetCsv(rows, false), 'orders,0,4\norders,1,9\n\n');
  assert.equal(formatResetCsv(rows, true), 'g1,orders,0,4\ng2,orders,1,9\n\n');
  assert.deepEqual(parseResetCsv(formatResetCsv(rows, true)).map((r) => [r.group, r.offset]), [['g1', 4n], ['g2', 9n]]);
});
