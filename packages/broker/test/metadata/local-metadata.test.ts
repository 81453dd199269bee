/**
 * Proves that LocalMetadata.open on an empty directory writes sluice-metadata.json with a cluster
 * id, that topics added, resized and removed survive re-opening the directory (with their
 * configs), that topic and cluster ids are Kafka's 22-character base64url form and a topic
 * re-created under the same name gets a new id, that no temporary file is left behind, and that a
 * corrupt file is an error rather than silently replaced. Each test uses its own temp directory,
 * removed afterwards.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LocalMetadata, randomUuid } from '../../src/metadata/local-metadata.js';

const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';

const FILE_NAME = 'sluice-metadata.json';
const BASE64URL_UUID = /^[A-Za-z0-9_-]{22}$/;

/** A fresh temp directory removed when the test ends. */
function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-local-metadata-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('open on an empty directory creates the file with a cluster id', (t) => {
  const dir = join(tempDir(t), 'nested', 'data');
  const metadata = LocalMetadata.open(dir, CLUSTER_ID);
  assert.equal(metadata.clusterId, CLUSTER_ID);
  assert.deepEqual(metadata.topics(), []);
  const file = JSON.parse(readFileSync(join(dir, FILE_NAME), 'utf8')) as { version: number; clusterId: string; topics: unknown[] };
  assert.deepEqual(file, { version: 1, clusterId: metadata.clusterId, topics: [] });
  assert.equal(LocalMetadata.open(dir, CLUSTER_ID).clusterId, metadata.clusterId);
});

test('added topics, partition counts and configs survive a re-open', (t) => {
  const dir = tempDir(t);
  const first = LocalMetadata.open(dir, CLUSTER_ID);
  const orders = first.addTopic({ name: 'orders', partitionCount: 3, configs: new Map([['retention.ms', '60000']]) });
  first.addTopic({ name: 'events', partitionCount: 1, configs: new Map() });
  first.setPartitionCount('events', 4);

  const second = LocalMetadata.open(dir, CLUSTER_ID);
  assert.equal(second.clusterId, first.clusterId);
  assert.deepEqual(second.topics().map((x) => x.name).sort(), ['events', 'orders']);
  const reopened = second.topic('orders')!;
  assert.equal(reopened.topicId, orders.topicId);
  assert.equal(reopened.partitionCount, 3);
  assert.deepEqual([...reopened.configs], [['retention.ms', '60000']]);
  assert.equal(second.topic('events')!.partitionCount, 4);
  assert.equal(second.topicById(orders.topicId)?.name, 'orders');
});

test('a removed topic stays removed after a re-open', (t) => {
  const dir = tempDir(t);
  const first = LocalMetadata.open(dir, CLUSTER_ID);
  const gone = first.addTopic({ name: 'gone', partitionCount: 1, configs: new Map() });
  first.addTopic({ name: 'kept', partitionCount: 1, configs: new Map() });
  first.removeTopic('gone');
  assert.equal(first.topic('gone'), undefined);

  const second = LocalMetadata.open(dir, CLUSTER_ID);
  assert.equal(second.topic('gone'), undefined);
  assert.equal(second.topicById(gone.topicId), undefined);
  assert.deepEqual(second.topics().map((x) => x.name), ['kept']);
});

test('setPartitionCount on an unknown topic throws', (t) => {
  const metadata = LocalMetadata.open(tempDir(t), CLUSTER_ID);
  assert.throws(() => metadata.setPartitionCount('missing', 2), /unknown topic missing/);
});

test('topic ids are 22-character base64url and a re-created topic gets a new id', (t) => {
  const dir = tempDir(t);
  const metadata = LocalMetadata.open(dir, CLUSTER_ID);
  const before = metadata.addTopic({ name: 'again', partitionCount: 1, configs: new Map() });
  metadata.removeTopic('again');
  const after = metadata.addTopic({ name: 'again', partitionCount: 1, configs: new Map() });
  assert.match(before.topicId, BASE64URL_UUID);
  assert.match(after.topicId, BASE64URL_UUID);
  assert.notEqual(after.topicId, before.topicId);
  assert.equal(LocalMetadata.open(dir, CLUSTER_ID).topic('again')!.topicId, after.topicId);
});

test('randomUuid never starts with "-" and is never the zero uuid', () => {
  for (let i = 0; i < 2000; i++) {
    const id = randomUuid();
    assert.match(id, BASE64URL_UUID);
    assert.ok(!id.startsWith('-'));
    assert.notEqual(id, 'AAAAAAAAAAAAAAAAAAAAAA');
  }
});

test('no temporary file is left after changes', (t) => {
  const dir = tempDir(t);
  const metadata = LocalMetadata.open(dir, CLUSTER_ID);
  metadata.addTopic({ name: 't', partitionCount: 1, configs: new Map() });
  metadata.setPartitionCount('t', 2);
  metadata.removeTopic('t');
  assert.deepEqual(readdirSync(dir), [FILE_NAME]);
  assert.ok(!existsSync(join(dir, `${FILE_NAME}.tmp`)));
});

test('a corrupt metadata file fails open with the path named instead of being replaced', (t) => {
  const dir = tempDir(t);
  LocalMetadata.open(dir, CLUSTER_ID);
  const path = join(dir, FILE_NAME);
  writeFileSync(path, '{"version": 1, "clusterId": "trunc');
  assert.throws(() => LocalMetadata.open(dir, CLUSTER_ID), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.ok(err.message.includes(path), err.message);
    return true;
  });
  assert.equal(readFileSync(path, 'utf8'), '{"version": 1, "clusterId": "trunc');
});

test('opening with another cluster id than the one recorded is refused', (t) => {
  const dir = tempDir(t);
  LocalMetadata.open(dir, CLUSTER_ID);
  assert.throws(() => LocalMetadata.open(dir, 'AAAAAAAAAAAAAAAAAAAAAQ'), /belongs to cluster MkU3OEVBNTcwNTJENDM2Qg/);
});
