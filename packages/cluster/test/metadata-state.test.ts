/**
 * Proves what MetadataState does with the quorum's output: committed entries build the image in
 * offset order (leader-change entries included), a snapshot is offered to the quorum once enough
 * entry bytes accumulated, at the applied end offset and the epoch of the last applied entry, and
 * loading a snapshot replaces the image. Also checks the ClusterMetadata view the broker reads:
 * brokers() advertises the client listener, controllerId() is the lowest live broker or -1, and
 * topics carry their config overrides.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metadataRecord, type MetadataRecord } from '@sluice/controller';
import { decodeRecords, encodeRecords } from '../src/metadata-entries.js';
import { MetadataState } from '../src/metadata-state.js';
import { ordersTopic, registerBroker, TOPIC_ID } from './fixtures.js';

type SnapshotOffer = { endOffset: number; epoch: number; data: Uint8Array };

function newState(snapshotRecordBytes = 1 << 30): { state: MetadataState; snapshots: SnapshotOffer[]; loaded: number[] } {
  const snapshots: SnapshotOffer[] = [];
  const loaded: number[] = [];
  const state = new MetadataState({
    clusterId: 'cluster-x', clientListenerName: 'PLAINTEXT', snapshotRecordBytes,
    onSnapshot: (s) => snapshots.push(s),
    onSnapshotLoaded: (s) => loaded.push(s.endOffset),
  });
  return { state, snapshots, loaded };
}

/** Quorum entries at offsets from `first`, one per operation, all in `epoch`. */
function entries(first: number, epoch: number, operations: MetadataRecord[][]): { offset: number; epoch: number; data: Uint8Array }[] {
  return operations.map((records, i) => ({ offset: first + i, epoch, data: records.length === 0 ? new Uint8Array(0) : encodeRecords(records) }));
}

test('committed entries build the image and move the applied end offset', () => {
  const { state } = newState();
  let changes = 0;
  state.onChange(() => changes++);
  state.applyCommitted(entries(0, 1, [[], [registerBroker(1, { fenced: false })], ordersTopic()]));
  assert.equal(state.appliedEndOffset, 3);
  assert.equal(state.clusterId, 'cluster-x');
  assert.deepEqual(state.topics().map((t) => t.name), ['orders']);
  assert.equal(state.topic('orders')?.partitions.length, 2);
  assert.equal(state.topicById(TOPIC_ID)?.name, 'orders');
  assert.equal(changes, 1, 'one batch, one notification');
  state.applyCommitted(entries(3, 2, [[]]));
  assert.equal(state.appliedEndOffset, 4);
  assert.equal(changes, 1, 'a leader-change entry changes nothing');
});

test('a snapshot is offered once the entry bytes reach the threshold, at the applied end and last epoch', () => {
  const first = entries(0, 1, [[registerBroker(1, { fenced: false })]]);
  const threshold = first[0]!.data.length + 1;
  const { state, snapshots } = newState(threshold);
  state.applyCommitted(first);
  assert.equal(snapshots.length, 0, 'below the threshold');
  state.applyCommitted([...entries(1, 1, [[]]), ...entries(2, 3, [ordersTopic()])]);
  assert.equal(snapshots.length, 1);
  const [snapshot] = snapshots as [SnapshotOffer];
  assert.equal(snapshot.endOffset, 3);
  assert.equal(snapshot.epoch, 3);
  const restored = newState().state;
  restored.loadSnapshot(snapshot);
  assert.deepEqual(restored.topics(), state.topics());
  assert.deepEqual(restored.brokers(), state.brokers());
  // The byte count starts again after a snapshot.
  state.applyCommitted(entries(3, 3, [[metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 'orders', name: 'a', value: 'b' })]]));
  assert.equal(snapshots.length, 1);
});

test('loading a snapshot replaces the image and the applied position', () => {
  const { state, loaded } = newState();
  let changes = 0;
  state.onChange(() => changes++);
  state.applyCommitted(entries(0, 1, [[registerBroker(1, { fenced: false })], ordersTopic()]));
  const image = encodeRecords([registerBroker(5, { fenced: false })]);
  state.loadSnapshot({ endOffset: 40, epoch: 6, data: image });
  assert.equal(state.appliedEndOffset, 40);
  assert.deepEqual(state.topics(), [], 'nothing of the old image survives');
  assert.deepEqual(state.brokers().map((b) => b.nodeId), [5]);
  assert.deepEqual(loaded, [40]);
  assert.equal(changes, 2);
  assert.deepEqual(decodeRecords(image).length, 1);
});

test('brokers() lists live brokers with their client listener address', () => {
  const { state } = newState();
  state.applyCommitted(entries(0, 1, [[registerBroker(2, { fenced: false }), registerBroker(1, { fenced: false }), registerBroker(3, { fenced: true })]]));
  assert.deepEqual(state.brokers(), [
    { nodeId: 1, host: 'broker-1.example', port: 9092, rack: 'rack-a' },
    { nodeId: 2, host: 'broker-2.example', port: 9092, rack: null },
  ]);
});

test('controllerId() is the lowest live broker, or -1 when none is live', () => {
  const { state } = newState();
  assert.equal(state.controllerId(), -1);
  state.applyCommitted(entries(0, 1, [[registerBroker(4, { fenced: false }), registerBroker(2, { fenced: true }), registerBroker(3, { fenced: false })]]));
  assert.equal(state.controllerId(), 3);
  state.applyCommitted(entries(1, 1, [[metadataRecord('FenceBrokerRecord', { brokerId: 3, brokerEpoch: 30n })]]));
  assert.equal(state.controllerId(), 4);
  state.applyCommitted(entries(2, 1, [[metadataRecord('FenceBrokerRecord', { brokerId: 4, brokerEpoch: 40n })]]));
  assert.equal(state.controllerId(), -1);
});

test('topics carry their config overrides, and a deleted override disappears', () => {
  const { state } = newState();
  state.applyCommitted(entries(0, 1, [[registerBroker(1, { fenced: false }), registerBroker(2, { fenced: false })], ordersTopic()]));
  assert.deepEqual([...state.topic('orders')!.configs], [['retention.ms', '60000']]);
  state.applyCommitted(entries(2, 1, [[metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 'orders', name: 'retention.ms', value: null })]]));
  assert.deepEqual([...state.topic('orders')!.configs], []);
});
