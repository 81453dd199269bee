/**
 * Proves --reset-offsets computes Kafka's new offsets: each scenario, clamping into [log start,
 * log end] with Kafka's warnings, a shift needing a committed offset, a time after every record
 * giving the log end; and the parsing of --topic, --to-datetime (zones, local time) and
 * --by-duration.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newOffset, parseDateTime, parseDuration, parseTopicSpec, type PartitionOffsets } from '../../src/commands/consumer-groups-reset.js';

const p: PartitionOffsets = { tp: { topic: 't', partition: 1 }, earliest: 10n, latest: 50n, committed: 30n };

test('earliest, latest and current', () => {
  assert.deepEqual(newOffset({ kind: 'earliest' }, p), { offset: 10n });
  assert.deepEqual(newOffset({ kind: 'latest' }, p), { offset: 50n });
  assert.deepEqual(newOffset({ kind: 'current' }, p), { offset: 30n });
  assert.deepEqual(newOffset({ kind: 'current' }, { ...p, committed: undefined }), { offset: 50n }, 'no commit: the log end');
});

test('to-offset and shift-by are clamped into the log', () => {
  assert.deepEqual(newOffset({ kind: 'offset', offset: 20n }, p), { offset: 20n });
  assert.deepEqual(newOffset({ kind: 'offset', offset: 99n }, p), { offset: 50n, warning: 'New offset (99) is higher than latest offset for topic partition t-1. Value will be set to 50' });
  assert.deepEqual(newOffset({ kind: 'offset', offset: 0n }, p), { offset: 10n, warning: 'New offset (0) is lower than earliest offset for topic partition t-1. Value will be set to 10' });
  assert.deepEqual(newOffset({ kind: 'shift', by: -5n }, p), { offset: 25n });
  assert.deepEqual(newOffset({ kind: 'shift', by: 25n }, p).offset, 50n);
  assert.deepEqual(newOffset({ kind: 'shift', by: -25n }, p).offset, 10n);
  assert.throws(() => newOffset({ kind: 'shift', by: 1n }, { ...p, committed: undefined }), /Cannot shift offset for partition t-1 since there is no current committed offset/);
});

test('timestamp: the offset found, or the log end when no record is that late', () => {
  assert.deepEqual(newOffset({ kind: 'timestamp', timestampMs: 1n }, { ...p, atTimestamp: 42n }), { offset: 42n });
  assert.deepEqual(newOffset({ kind: 'timestamp', timestampMs: 1n }, { ...p, atTimestamp: -1n }), { offset: 50n });
});

test('--topic specs', () => {
  assert.deepEqual(parseTopicSpec('orders'), { topic: 'orders', partitions: null });
  assert.deepEqual(parseTopicSpec('orders:0,2'), { topic: 'orders', partitions: [0, 2] });
  assert.throws(() => parseTopicSpec('orders:x'), /--topic 'orders:x' is not TOPIC or TOPIC:PARTITION,PARTITION/);
  assert.throws(() => parseTopicSpec(':1'), /is not TOPIC/);
});

test('--to-datetime with and without a zone', () => {
  assert.equal(parseDateTime('2020-09-13T12:26:40.000Z'), 1_600_000_000_000n);
  assert.equal(parseDateTime('2020-09-13T14:26:40.250+02:00'), 1_600_000_000_250n);
  assert.equal(parseDateTime('2020-09-13T07:26:40.000-0500'), 1_600_000_000_000n);
  assert.equal(parseDateTime('2020-09-13T12:26:40.000'), BigInt(new Date(2020, 8, 13, 12, 26, 40).getTime()), 'local time');
  assert.throws(() => parseDateTime('2020-09-13 12:26'), /is not YYYY-MM-DDTHH:mm:SS\.sss/);
});

test('--by-duration', () => {
  assert.equal(parseDuration('PT15M'), 900_000n);
  assert.equal(parseDuration('P1DT2H3M4.5S'), 93_784_500n);
  assert.throws(() => parseDuration('15m'), /not an ISO-8601 duration/);
  assert.throws(() => parseDuration('P'), /not an ISO-8601 duration/);
});
