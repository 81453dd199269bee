/**
 * Proves the console consumer prints records as kafka-console-consumer.sh's default formatter
 * does: value only by default; timestamp, partition, offset, headers and key in Kafka's order with
 * key.separator between them; null for a missing key or value; escapes in separators.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRecord, printOptions, type ConsumedRecord } from '../../src/kafka/message-formatter.js';
import { parseProperties } from '../../src/kafka/properties.js';

const record: ConsumedRecord = {
  partition: 2, offset: 41n, timestamp: 1700000000123n, timestampType: 'CreateTime',
  key: Buffer.from('k1'), value: Buffer.from('{"x":1}'), headers: [{ key: 'h', value: Buffer.from('v') }, { key: 'n', value: null }],
};
const options = (...props: string[]) => printOptions(parseProperties('property', props));

test('the value alone by default', () => {
  assert.equal(formatRecord(record, options()), '{"x":1}\n');
});

test('every field in Kafka\'s order, tab-separated', () => {
  const all = options('print.timestamp=true', 'print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true');
  assert.equal(formatRecord(record, all), 'CreateTime:1700000000123\tPartition:2\tOffset:41\th:v,n:null\tk1\t{"x":1}\n');
});

test('key.separator and line.separator, with escapes', () => {
  assert.equal(formatRecord(record, options('print.key=true', 'key.separator=:')), 'k1:{"x":1}\n');
  assert.equal(formatRecord(record, options('print.key=true', 'key.separator=\\t', 'line.separator=\\r\\n')), 'k1\t{"x":1}\r\n');
});

test('null key prints null (or null.literal), no headers print NO_HEADERS', () => {
  const bare = { ...record, key: null, headers: [] };
  assert.equal(formatRecord(bare, options('print.key=true', 'print.headers=true')), 'NO_HEADERS\tnull\t{"x":1}\n');
  assert.equal(formatRecord(bare, options('print.key=true', 'null.literal=-')), '-\t{"x":1}\n');
});

test('print.value=false leaves the value out', () => {
  assert.equal(formatRecord(record, options('print.key=true', 'print.value=false')), 'k1\n');
});
