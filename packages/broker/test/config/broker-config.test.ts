/**
 * Proves that loadBrokerConfig gives Kafka's defaults when nothing is set, layers a properties
 * file under `--override` values, derives the values Kafka derives (retention from ms, minutes or
 * hours; roll from hours; log.dirs over log.dir; advertised.listeners from listeners; broker.id as
 * an alias of node.id), refuses each bad value with a ConfigError naming the key and what is
 * allowed, reports each unknown key once without failing, and names an unreadable file.
 * Files live in a temp directory removed after the tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadBrokerConfig, type BrokerConfig } from '../../src/config/broker-config.js';
import { ConfigError } from '../../src/config/properties.js';

const HOUR_MS = 3600_000;
const dir = mkdtempSync(join(tmpdir(), 'sluice-broker-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes `text` to a fresh properties file in the temp directory and returns its path. */
function propertiesFile(text: string): string {
  const path = join(dir, `server-${fileCount++}.properties`);
  writeFileSync(path, text);
  return path;
}

function withOverrides(...overrides: string[]): BrokerConfig {
  return loadBrokerConfig({ overrides });
}

/** Asserts that the overrides fail with a ConfigError whose message starts with `key` and matches `allowed`. */
function assertRefused(overrides: string[], key: string, allowed: RegExp): void {
  assert.throws(() => withOverrides(...overrides), (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.ok(err.message.startsWith(`${key}:`), err.message);
    assert.match(err.message, allowed);
    return true;
  });
}

test('with no file and no overrides every value is Kafka\'s default', () => {
  const c = loadBrokerConfig({});
  const listener = { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 };
  const controller = { name: 'CONTROLLER', host: '127.0.0.1', port: 9093 };
  assert.equal(c.nodeId, 1);
  assert.deepEqual(c.processRoles, { broker: true, controller: true });
  assert.deepEqual(c.listeners, [listener, controller]);
  assert.deepEqual(c.brokerListener, listener);
  assert.deepEqual(c.controllerListener, controller);
  assert.deepEqual(c.advertisedListeners, [listener]);
  assert.deepEqual(c.quorumVoters, [{ id: 1, host: '127.0.0.1', port: 9093 }]);
  assert.equal(c.metadataLogDir, './data');
  assert.equal(c.brokerHeartbeatIntervalMs, 300);
  assert.equal(c.brokerSessionTimeoutMs, 1500);
  assert.equal(c.quorumElectionTimeoutMs, 500);
  assert.equal(c.quorumFetchTimeoutMs, 1000);
  assert.equal(c.uncleanLeaderElectionEnable, false);
  assert.equal(c.autoLeaderRebalanceEnable, true);
  assert.equal(c.logDir, './data');
  assert.equal(c.numPartitions, 1);
  assert.equal(c.autoCreateTopicsEnable, true);
  assert.equal(c.defaultReplicationFactor, 1);
  assert.equal(c.deleteTopicEnable, true);
  assert.equal(c.messageMaxBytes, 1048588);
  assert.equal(c.minInsyncReplicas, 1);
  assert.equal(c.socketRequestMaxBytes, 104857600);
  assert.equal(c.logSegmentBytes, 1073741824);
  assert.equal(c.logRollMs, 168 * HOUR_MS);
  assert.equal(c.logRetentionMs, 168 * HOUR_MS);
  assert.equal(c.logRetentionBytes, -1);
  assert.equal(c.logRetentionCheckIntervalMs, 300000);
  assert.equal(c.logFlushIntervalMessages, Number.MAX_SAFE_INTEGER);
  assert.equal(c.logFlushIntervalMs, Number.MAX_SAFE_INTEGER);
  assert.equal(c.logFlushSchedulerIntervalMs, 1000);
  assert.equal(c.logIndexIntervalBytes, 4096);
  assert.equal(c.logIndexSizeMaxBytes, 10485760);
  assert.equal(c.logFormat, undefined);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.fetchMaxBytes, 57671680);
  assert.equal(c.raw.size, 0);
});

test('a properties file sets values and an override of the same key wins', () => {
  const file = propertiesFile('# test\nnode.id=4\ncontroller.quorum.voters=4@127.0.0.1:9093\nnum.partitions=3\nlog.dir=/var/sluice\nauto.create.topics.enable=false\n');
  const c = loadBrokerConfig({ file, overrides: ['num.partitions=6', 'log.level=debug'] });
  assert.equal(c.nodeId, 4);
  assert.equal(c.numPartitions, 6);
  assert.equal(c.logDir, '/var/sluice');
  assert.equal(c.autoCreateTopicsEnable, false);
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.raw.get('num.partitions'), '6');
});

test('retention comes from log.retention.ms, else minutes, else hours', () => {
  assert.equal(withOverrides('log.retention.hours=2').logRetentionMs, 2 * HOUR_MS);
  assert.equal(withOverrides('log.retention.hours=2', 'log.retention.minutes=5').logRetentionMs, 5 * 60_000);
  assert.equal(withOverrides('log.retention.hours=2', 'log.retention.minutes=5', 'log.retention.ms=1234').logRetentionMs, 1234);
});

test('a negative retention at any granularity means unlimited (-1)', () => {
  assert.equal(withOverrides('log.retention.ms=-1').logRetentionMs, -1);
  assert.equal(withOverrides('log.retention.minutes=-1').logRetentionMs, -1);
  assert.equal(withOverrides('log.retention.hours=-1').logRetentionMs, -1);
  assert.equal(withOverrides('log.retention.bytes=-1').logRetentionBytes, -1);
});

test('the roll period comes from log.roll.ms, else log.roll.hours', () => {
  assert.equal(withOverrides('log.roll.hours=3').logRollMs, 3 * HOUR_MS);
  assert.equal(withOverrides('log.roll.hours=3', 'log.roll.ms=500').logRollMs, 500);
});

test('log.dirs wins over log.dir, and more than one directory is refused', () => {
  assert.equal(withOverrides('log.dir=/a', 'log.dirs=/b').logDir, '/b');
  assert.equal(withOverrides('log.dirs= /c ,').logDir, '/c');
  assertRefused(['log.dirs=/a,/b'], 'log.dirs', /exactly one directory/);
});

test('advertised.listeners defaults to the broker listeners and can differ from them', () => {
  const same = withOverrides('listeners=PLAINTEXT://0.0.0.0:19092,CONTROLLER://0.0.0.0:19093');
  assert.deepEqual(same.advertisedListeners, [{ name: 'PLAINTEXT', host: '0.0.0.0', port: 19092 }]);
  const split = withOverrides('listeners=PLAINTEXT://0.0.0.0:19092', 'process.roles=broker', 'node.id=2', 'advertised.listeners=PLAINTEXT://broker.example:9092');
  assert.deepEqual(split.listeners, [{ name: 'PLAINTEXT', host: '0.0.0.0', port: 19092 }]);
  assert.deepEqual(split.advertisedListeners, [{ name: 'PLAINTEXT', host: 'broker.example', port: 9092 }]);
});

test('listener errors name the key they came from', () => {
  assertRefused(['listeners=PLAINTEXT://h'], 'listeners', /NAME:\/\/host:port/);
  assertRefused(['advertised.listeners=PLAINTEXT://h:70000'], 'advertised.listeners', /above 65535/);
});

test('broker.id is an alias of node.id, and node.id wins when both are set', () => {
  assert.equal(withOverrides('broker.id=9', 'controller.quorum.voters=9@127.0.0.1:9093').nodeId, 9);
  assert.equal(withOverrides('broker.id=9', 'node.id=2', 'controller.quorum.voters=2@127.0.0.1:9093').nodeId, 2);
  assertRefused(['broker.id=x'], 'broker.id', /whole number/);
});

test('booleans accept true and false in any case', () => {
  assert.equal(withOverrides('delete.topic.enable=FALSE').deleteTopicEnable, false);
  assert.equal(withOverrides('delete.topic.enable=True').deleteTopicEnable, true);
});

test('log.format accepts json and pretty only', () => {
  assert.equal(withOverrides('log.format=json').logFormat, 'json');
  assert.equal(withOverrides('log.format=pretty').logFormat, 'pretty');
  assertRefused(['log.format=xml'], 'log.format', /'xml' is not allowed; expected one of json, pretty/);
  assertRefused(['log.level=loud'], 'log.level', /expected one of trace, debug, info, warn, error, fatal/);
});

test('a non-numeric value is refused, naming the key and the allowed range', () => {
  assertRefused(['num.partitions=three'], 'num.partitions', /'three' is not allowed; expected a whole number from 1 up to 2147483647/);
  assertRefused(['num.partitions=1.5'], 'num.partitions', /'1\.5' is not allowed/);
  assertRefused(['num.partitions='], 'num.partitions', /'' is not allowed/);
  assertRefused(['log.retention.ms=1e3'], 'log.retention.ms', /'1e3' is not allowed; expected a whole number from -1/);
});

test('a value below the minimum is refused', () => {
  assertRefused(['num.partitions=0'], 'num.partitions', /0 is out of range; expected a whole number from 1 up to 2147483647/);
  assertRefused(['node.id=-1'], 'node.id', /-1 is out of range; expected a whole number from 0/);
  assertRefused(['log.retention.ms=-2'], 'log.retention.ms', /-2 is out of range/);
  assertRefused(['log.segment.bytes=10'], 'log.segment.bytes', /10 is out of range/);
});

test('an INT key above Java\'s Integer.MAX_VALUE is refused; a LONG key is not', () => {
  assert.equal(withOverrides('message.max.bytes=2147483647').messageMaxBytes, 2147483647);
  assertRefused(['message.max.bytes=2147483648'], 'message.max.bytes', /2147483648 is out of range; expected a whole number from 0 up to 2147483647/);
  assert.equal(withOverrides('log.retention.ms=2147483648').logRetentionMs, 2147483648);
});

test('a LONG value up to Java Long.MAX_VALUE is clamped to the largest exact integer; beyond it is refused', () => {
  const config = loadBrokerConfig({ overrides: ['log.flush.interval.messages=9223372036854775807', 'log.retention.bytes=9007199254740993'] });
  assert.equal(config.logFlushIntervalMessages, Number.MAX_SAFE_INTEGER);
  assert.equal(config.logRetentionBytes, Number.MAX_SAFE_INTEGER);
  assertRefused(['log.retention.bytes=9223372036854775808'], 'log.retention.bytes', /not allowed; expected a whole number from -1 up to 9007199254740991/);
});

test('unknown keys are reported once each, from file and overrides alike, and do not fail', () => {
  const file = propertiesFile('zookeeper.connect=localhost:2181\nsocket.send.buffer.bytes=102400\nzookeeper.connect=again\n');
  const warned: string[] = [];
  const c = loadBrokerConfig({ file, overrides: ['made.up.key=1', 'socket.send.buffer.bytes=1'], warnUnknown: (key) => warned.push(key) });
  assert.deepEqual(warned.sort(), ['made.up.key', 'socket.send.buffer.bytes', 'zookeeper.connect']);
  assert.equal(c.raw.get('zookeeper.connect'), 'again');
  assert.doesNotThrow(() => loadBrokerConfig({ overrides: ['made.up.key=1'] }));
});

test('known keys are not reported as unknown', () => {
  const warned: string[] = [];
  loadBrokerConfig({ overrides: ['node.id=1', 'log.dirs=/x', 'broker.id=1'], warnUnknown: (key) => warned.push(key) });
  assert.deepEqual(warned, []);
});

test('a missing file is a ConfigError naming the path', () => {
  const path = join(dir, 'does-not-exist.properties');
  assert.throws(() => loadBrokerConfig({ file: path }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.ok(err.message.includes(path), err.message);
    return true;
  });
});

test('an override without = is a ConfigError', () => {
  assert.throws(() => withOverrides('node.id'), ConfigError);
});

test('process.roles, listeners and voters are checked against each other', () => {
  assertRefused(['process.roles=worker'], 'process.roles', /expected broker, controller, or broker,controller/);
  assertRefused(['listeners=CONTROLLER://127.0.0.1:9093'], 'listeners', /no broker listener/);
  assertRefused(['listeners=PLAINTEXT://127.0.0.1:9092'], 'listeners', /no listener named in controller.listener.names/);
  assertRefused(['node.id=2'], 'controller.quorum.voters', /node.id 2 runs the controller role but is not listed/);
  assertRefused(['process.roles=broker'], 'controller.quorum.voters', /node.id 1 is listed as a voter but process.roles has no controller/);
  assertRefused(['controller.quorum.voters=1@h'], 'controller.quorum.voters', /not id@host:port/);
  assertRefused(['controller.quorum.voters=1@h:1,1@h:2'], 'controller.quorum.voters', /names a voter id twice/);
  const broker = withOverrides('process.roles=broker', 'node.id=4', 'listeners=PLAINTEXT://127.0.0.1:9094', 'controller.quorum.voters=1@127.0.0.1:9093,2@127.0.0.1:9095');
  assert.deepEqual(broker.processRoles, { broker: true, controller: false });
  assert.equal(broker.controllerListener, null);
  assert.deepEqual(broker.quorumVoters.map((v) => v.id), [1, 2]);
});
