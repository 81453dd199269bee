/**
 * Proves that parseListeners reads Kafka's `NAME://host:port` lists (one or several entries,
 * bracketed IPv6 hosts, upper-cased listener names) and that every malformed list (empty, missing
 * port, port above 65535, unbracketed IPv6) fails with a ConfigError naming the config key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListeners } from '../../src/config/listeners.js';
import { ConfigError } from '../../src/config/properties.js';

/** Asserts that parsing `text` under `key` throws a ConfigError whose message starts with the key and matches `detail`. */
function assertRefused(key: string, text: string, detail: RegExp): void {
  assert.throws(() => parseListeners(key, text), (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.ok(err.message.startsWith(`${key}:`), err.message);
    assert.match(err.message, detail);
    return true;
  });
}

test('a single PLAINTEXT listener', () => {
  assert.deepEqual(parseListeners('listeners', 'PLAINTEXT://127.0.0.1:9092'), [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
});

test('several comma-separated entries keep their order; spaces and empty entries are ignored', () => {
  assert.deepEqual(parseListeners('listeners', ' PLAINTEXT://a:1 , internal://b.example:2,'), [
    { name: 'PLAINTEXT', host: 'a', port: 1 },
    { name: 'INTERNAL', host: 'b.example', port: 2 },
  ]);
});

test('a bracketed IPv6 host loses its brackets', () => {
  assert.deepEqual(parseListeners('listeners', 'PLAINTEXT://[::1]:9092'), [{ name: 'PLAINTEXT', host: '::1', port: 9092 }]);
});

test('an empty host (bind every interface) and port 0 (ephemeral) are accepted, as in Kafka', () => {
  assert.deepEqual(parseListeners('listeners', 'PLAINTEXT://:0'), [{ name: 'PLAINTEXT', host: '', port: 0 }]);
});

test('an empty or blank list is refused', () => {
  assertRefused('listeners', '', /empty/);
  assertRefused('advertised.listeners', ' , ', /empty/);
});

test('an entry without a port is refused', () => {
  assertRefused('listeners', 'PLAINTEXT://127.0.0.1', /'PLAINTEXT:\/\/127\.0\.0\.1' is not NAME:\/\/host:port/);
  assertRefused('listeners', 'PLAINTEXT://127.0.0.1:', /not NAME:\/\/host:port/);
});

test('a port above 65535 is refused with the port named', () => {
  assertRefused('advertised.listeners', 'PLAINTEXT://h:65536', /port 65536 .* above 65535/);
  assert.equal(parseListeners('listeners', 'PLAINTEXT://h:65535')[0]!.port, 65535);
});

test('an entry without a scheme, or an IPv6 host without brackets, is refused', () => {
  assertRefused('listeners', '127.0.0.1:9092', /not NAME:\/\/host:port/);
  assertRefused('listeners', 'PLAINTEXT://::1:9092', /not NAME:\/\/host:port/);
});

test('one bad entry among good ones fails the whole list', () => {
  assertRefused('listeners', 'PLAINTEXT://a:1,BROKEN', /'BROKEN'/);
});
