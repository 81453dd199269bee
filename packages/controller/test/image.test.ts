/**
 * Proves how each record changes a MetadataImage, one test per record type, and that impossible
 * sequences (unknown broker or partition, stale epochs, broken ISR rules) throw InvariantError.
 * Also proves images are immutable: applying returns a new image and leaves the old one as it was.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidFromBytes, ZERO_UUID } from '@sluice/protocol';
import { InvariantError, MetadataImage, metadataRecord, NO_LEADER, type MetadataRecord } from '../src/index.js';
import { clusterImage, registerRecord, withTopic } from './support/fixtures.js';

const T1 = uuidFromBytes(Buffer.alloc(16, 1));
const T2 = uuidFromBytes(Buffer.alloc(16, 2));

function change(fields: { isr?: number[]; leader?: number; replicas?: number[] }, topicId = T1, partitionId = 0): MetadataRecord {
  return metadataRecord('PartitionChangeRecord', { topicId, partitionId, ...fields });
}

/** Brokers 1-3 and topic 'a' (id T1) with partition 0 on [1, 2, 3] led by 1. */
function base(): MetadataImage {
  return clusterImage([1, 2, 3]).applyAll([
    metadataRecord('TopicRecord', { name: 'a', topicId: T1 }),
    metadataRecord('PartitionRecord', { topicId: T1, partitionId: 0, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, leaderEpoch: 0, partitionEpoch: 0 }),
  ]);
}

test('RegisterBrokerRecord adds a broker and a later epoch replaces it', () => {
  let image = MetadataImage.EMPTY.apply(registerRecord(1, { brokerEpoch: 5n, rack: 'r1', fenced: true }));
  assert.deepEqual(image.broker(1), {
    brokerId: 1, incarnationId: image.broker(1)!.incarnationId, brokerEpoch: 5n,
    listeners: [{ name: 'PLAINTEXT', host: 'node1', port: 9092 }], rack: 'r1', fenced: true,
  });
  image = image.apply(registerRecord(1, { brokerEpoch: 9n }));
  assert.equal(image.broker(1)!.brokerEpoch, 9n);
  assert.equal(image.broker(1)!.fenced, false);
  assert.throws(() => image.apply(registerRecord(1, { brokerEpoch: 9n })), InvariantError);
  assert.throws(() => image.apply(registerRecord(1, { brokerEpoch: 3n })), InvariantError);
});

test('UnregisterBrokerRecord removes the registration with that epoch only', () => {
  const image = clusterImage([1, 2]);
  assert.throws(() => image.apply(metadataRecord('UnregisterBrokerRecord', { brokerId: 1, brokerEpoch: 11n })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('UnregisterBrokerRecord', { brokerId: 7, brokerEpoch: 70n })), InvariantError);
  const after = image.apply(metadataRecord('UnregisterBrokerRecord', { brokerId: 1, brokerEpoch: 10n }));
  assert.equal(after.broker(1), undefined);
  assert.deepEqual(after.brokers().map((b) => b.brokerId), [2]);
});

test('FenceBrokerRecord and UnfenceBrokerRecord toggle fenced for the current epoch', () => {
  const image = clusterImage([1, 2]);
  const fenced = image.apply(metadataRecord('FenceBrokerRecord', { brokerId: 2, brokerEpoch: 20n }));
  assert.equal(fenced.broker(2)!.fenced, true);
  assert.deepEqual(fenced.liveBrokers().map((b) => b.brokerId), [1]);
  assert.equal(fenced.isLive(2), false);
  assert.throws(() => fenced.apply(metadataRecord('FenceBrokerRecord', { brokerId: 2, brokerEpoch: 20n })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('FenceBrokerRecord', { brokerId: 2, brokerEpoch: 19n })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('UnfenceBrokerRecord', { brokerId: 2, brokerEpoch: 20n })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('FenceBrokerRecord', { brokerId: 9, brokerEpoch: 90n })), InvariantError);
  const unfenced = fenced.apply(metadataRecord('UnfenceBrokerRecord', { brokerId: 2, brokerEpoch: 20n }));
  assert.equal(unfenced.broker(2)!.fenced, false);
});

test('TopicRecord adds a topic by name and by id; names and ids are unique and valid', () => {
  const image = MetadataImage.EMPTY.apply(metadataRecord('TopicRecord', { name: 'a', topicId: T1 }));
  assert.deepEqual(image.topic('a'), { name: 'a', topicId: T1, partitions: [] });
  assert.equal(image.topicById(T1), image.topic('a'));
  assert.throws(() => image.apply(metadataRecord('TopicRecord', { name: 'a', topicId: T2 })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('TopicRecord', { name: 'b', topicId: T1 })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('TopicRecord', { name: 'b', topicId: ZERO_UUID })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('TopicRecord', { name: '..', topicId: T2 })), InvariantError);
  assert.throws(() => image.apply(metadataRecord('TopicRecord', { name: 'b', topicId: 'short' })), InvariantError);
});

test('PartitionRecord adds the next partition and checks its state', () => {
  const image = base();
  assert.deepEqual(image.partition(T1, 0), { replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, leaderEpoch: 0, partitionEpoch: 0 });
  const p = (fields: Partial<{ partitionId: number; replicas: number[]; isr: number[]; leader: number; leaderEpoch: number }>, topicId = T1) =>
    metadataRecord('PartitionRecord', { topicId, partitionId: 1, replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0, ...fields });
  assert.doesNotThrow(() => image.apply(p({})));
  assert.doesNotThrow(() => image.apply(p({ leader: NO_LEADER })));
  const bad = [
    p({ partitionId: 2 }), p({ partitionId: 0 }), p({}, T2), p({ replicas: [] }), p({ replicas: [1, 1] }), p({ isr: [] }),
    p({ isr: [1, 3] }), p({ isr: [1, 1] }), p({ leader: 3 }), p({ isr: [2], leader: 1 }), p({ leaderEpoch: -1 }), p({ replicas: [-2, 1] }),
  ];
  for (const record of bad) assert.throws(() => image.apply(record), InvariantError, JSON.stringify(record));
});

test('an ISR-only PartitionChangeRecord bumps partitionEpoch but not leaderEpoch', () => {
  const p = base().apply(change({ isr: [1, 2] })).partition(T1, 0)!;
  assert.deepEqual(p, { replicas: [1, 2, 3], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 1 });
});

test('a leader change bumps both leaderEpoch and partitionEpoch', () => {
  const p = base().apply(change({ leader: 2 })).partition(T1, 0)!;
  assert.deepEqual(p, { replicas: [1, 2, 3], isr: [1, 2, 3], leader: 2, leaderEpoch: 1, partitionEpoch: 1 });
  const offline = base().apply(change({ leader: NO_LEADER, isr: [1] })).partition(T1, 0)!;
  assert.deepEqual(offline, { replicas: [1, 2, 3], isr: [1], leader: NO_LEADER, leaderEpoch: 1, partitionEpoch: 1 });
});

test('a present but unchanged leader still bumps leaderEpoch (a forced bump)', () => {
  const p = base().apply(change({ leader: 1 })).partition(T1, 0)!;
  assert.equal(p.leaderEpoch, 1);
  assert.equal(p.partitionEpoch, 1);
});

test('dropping a replica requires a leader epoch bump in the same record', () => {
  const image = base().apply(change({ isr: [1, 2] }));
  assert.throws(() => image.apply(change({ replicas: [1, 2] })), InvariantError);
  const p = image.apply(change({ replicas: [1, 2], leader: 1 })).partition(T1, 0)!;
  assert.deepEqual(p, { replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 1, partitionEpoch: 2 });
  const grown = image.apply(change({ replicas: [1, 2, 3, 4] })).partition(T1, 0)!;
  assert.equal(grown.leaderEpoch, 0);
});

test('impossible PartitionChangeRecords throw InvariantError', () => {
  const image = base();
  const bad = [
    change({ isr: [1] }, T2), change({ isr: [1] }, T1, 1), change({}), change({ isr: [] }), change({ isr: [4] }),
    change({ leader: 4 }), change({ isr: [2, 3] }), change({ leader: NO_LEADER, isr: [] }), change({ replicas: [1, 2, 3, 3] }),
  ];
  for (const record of bad) assert.throws(() => image.apply(record), InvariantError, JSON.stringify(record));
});

test('RemoveTopicRecord removes the topic, its partitions and its configs; the name can be reused', () => {
  const image = base().apply(metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 'a', name: 'retention.ms', value: '1' }));
  const removed = image.apply(metadataRecord('RemoveTopicRecord', { topicId: T1 }));
  assert.equal(removed.topic('a'), undefined);
  assert.equal(removed.topicById(T1), undefined);
  assert.equal(removed.partition(T1, 0), undefined);
  assert.equal(removed.configs('topic', 'a').size, 0);
  assert.throws(() => removed.apply(metadataRecord('RemoveTopicRecord', { topicId: T1 })), InvariantError);
  const again = removed.apply(metadataRecord('TopicRecord', { name: 'a', topicId: T2 }));
  assert.equal(again.topic('a')!.topicId, T2);
  assert.equal(again.configs('topic', 'a').size, 0);
});

test('ConfigRecord sets, overwrites and deletes values per resource', () => {
  const set = (resourceType: 'topic' | 'broker', resourceName: string, name: string, value: string | null) =>
    metadataRecord('ConfigRecord', { resourceType, resourceName, name, value });
  let image = base().applyAll([set('topic', 'a', 'x', '1'), set('topic', 'a', 'y', '2'), set('broker', '', 'x', '3'), set('broker', '2', 'x', '4')]);
  assert.deepEqual([...image.configs('topic', 'a')], [['x', '1'], ['y', '2']]);
  assert.deepEqual(image.configResources('broker'), ['', '2']);
  image = image.applyAll([set('topic', 'a', 'x', '9'), set('topic', 'a', 'y', null), set('broker', '2', 'x', null)]);
  assert.deepEqual([...image.configs('topic', 'a')], [['x', '9']]);
  assert.deepEqual(image.configResources('broker'), ['']);
  assert.doesNotThrow(() => image.apply(set('topic', 'a', 'never-set', null)));
  assert.throws(() => image.apply(set('topic', 'nope', 'x', '1')), InvariantError);
  assert.throws(() => image.apply(set('broker', 'b1', 'x', '1')), InvariantError);
  assert.throws(() => image.apply(set('broker', '', '', '1')), InvariantError);
});

test('apply never changes the image it starts from', () => {
  const image = base().apply(metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 'a', name: 'x', value: '1' }));
  const before = image.toSnapshotRecords();
  image.applyAll([
    change({ leader: 2 }),
    metadataRecord('FenceBrokerRecord', { brokerId: 1, brokerEpoch: 10n }),
    metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 'a', name: 'x', value: '2' }),
    metadataRecord('RemoveTopicRecord', { topicId: T1 }),
  ]);
  assert.deepEqual(image.toSnapshotRecords(), before);
  assert.throws(() => image.applyAll([change({ leader: 2 }), change({ leader: 9 })]), InvariantError);
  assert.deepEqual(image.toSnapshotRecords(), before);
});

test('read accessors: topics by name, partitions led by a broker', () => {
  const first = withTopic(clusterImage([1, 2, 3]), 'b', [[1, 2], [2, 3], [3, 1], [1, 3]]);
  const { image } = withTopic(first.image, 'a', [[2, 1]]);
  const b = first.topicId;
  assert.deepEqual(image.topics().map((t) => t.name), ['a', 'b']);
  assert.deepEqual(image.partitionsLedBy(1), [{ topicId: b, partitionId: 0 }, { topicId: b, partitionId: 3 }]);
  assert.equal([...image.partitions()].length, 5);
  assert.equal(image.partition(b, 9), undefined);
});
