/**
 * Proves the console producer reads lines as kafka-console-producer.sh does (key and separator,
 * Kafka's error for a keyed line without one, ignore.error, null.marker) and takes Kafka's
 * spellings of acks and compression codecs, naming what is allowed when a value is not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineFormat, parseAcks, parseCompression, parseLine } from '../../src/kafka/console-lines.js';
import { parseProperties, UsageError } from '../../src/kafka/properties.js';

const keyed = lineFormat(parseProperties('property', ['parse.key=true', 'key.separator=:']));

test('lines without parse.key are values with no key', () => {
  assert.deepEqual(parseLine('hello: world', lineFormat(new Map()), 1), { key: null, value: 'hello: world' });
});

test('parse.key splits at the first separator; the value may contain more', () => {
  assert.deepEqual(parseLine('1:{"a":"b:c"}', keyed, 1), { key: '1', value: '{"a":"b:c"}' });
  assert.deepEqual(parseLine(':v', keyed, 1), { key: '', value: 'v' });
  assert.deepEqual(parseLine('k\tv', lineFormat(new Map([['parse.key', 'true']])), 1), { key: 'k', value: 'v' });
});

test('a keyed line without the separator is an error naming the line, unless ignore.error', () => {
  assert.throws(() => parseLine('novalue', keyed, 3), /^Error: No key separator found on line number 3: 'novalue'$/);
  const lenient = lineFormat(parseProperties('property', ['parse.key=true', 'key.separator=:', 'ignore.error=true']));
  assert.deepEqual(parseLine('novalue', lenient, 3), { key: null, value: 'novalue' });
});

test('null.marker sends a null key or value', () => {
  const format = lineFormat(parseProperties('property', ['parse.key=true', 'key.separator=:', 'null.marker=<null>']));
  assert.deepEqual(parseLine('<null>:v', format, 1), { key: null, value: 'v' });
  assert.deepEqual(parseLine('k:<null>', format, 1), { key: 'k', value: null });
});

test('acks take Kafka\'s spellings', () => {
  assert.equal(parseAcks('all'), -1);
  assert.equal(parseAcks('-1'), -1);
  assert.equal(parseAcks('1'), 1);
  assert.equal(parseAcks('0'), 0);
  assert.throws(() => parseAcks('2'), (err: Error) => err instanceof UsageError && /use all, -1, 1 or 0/.test(err.message));
});

test('compression: none by default, gzip when the flag has no value, the others named as unavailable', () => {
  assert.equal(parseCompression(undefined), 'none');
  assert.equal(parseCompression(''), 'gzip');
  assert.equal(parseCompression('GZIP'), 'gzip');
  assert.equal(parseCompression('snappy'), 'snappy');
  assert.throws(() => parseCompression('zstd'), /'zstd' is not available in this producer: use none, gzip, snappy or lz4/);
  assert.equal(parseCompression('LZ4'), 'lz4');
  assert.throws(() => parseCompression('brotli'), /'brotli' is unknown/);
});

test('properties must be key=value and booleans true or false', () => {
  assert.throws(() => parseProperties('property', ['parse.key']), /--property 'parse.key' is not key=value/);
  assert.throws(() => lineFormat(parseProperties('property', ['parse.key=yes'])), /parse.key='yes' must be true or false/);
});
