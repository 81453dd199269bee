/**
 * Snapshot rules (KIP-630): a local snapshot moves the log start offset; a fetch below it gets
 * the snapshot id; the snapshot is served in bounded chunks and installed by the follower.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftError } from '../../src/core/messages.js';
import { bytes, CLUSTER_ID, drain, makeNode, ofKind, TestCluster } from './helpers.js';

function clusterWithSnapshot() {
  const cluster = new TestCluster([1, 2, 3], { config: { snapshotChunkBytesMax: 4 } });
  cluster.elect(1);
  cluster.stop(3);
  for (let i = 0; i < 4; i++) {
    cluster.node(1).propose([bytes(`p${i}`)]);
    cluster.deliverAll();
  }
  const leader = cluster.node(1);
  assert.equal(leader.highWatermark, 5);
  leader.snapshotTaken({ endOffset: 4, epoch: leader.epoch, data: bytes('state-at-4') });
  return { cluster, leader };
}

test('snapshotTaken moves the log start offset and is persisted in the next Ready', () => {
  const { leader } = clusterWithSnapshot();
  assert.equal(leader.logStartOffset, 4);
  assert.equal(leader.logEntry(3), null);
  const ready = leader.ready()!;
  assert.equal(ready.snapshot?.endOffset, 4);
  assert.equal(ready.logStartOffset, 4);
});

test('fetch below log start gets a snapshot id', () => {
  const { leader } = clusterWithSnapshot();
  drain(leader);
  leader.step(3, { kind: 'FetchRequest', correlationId: 9, clusterId: CLUSTER_ID, epoch: leader.epoch, replicaId: 3, fetchOffset: 2, lastFetchedEpoch: leader.epoch, maxBytes: 1000 });
  const response = ofKind(drain(leader).messages, 'FetchResponse')[0]!.message;
  assert.deepEqual(response.snapshotId, { endOffset: 4, epoch: leader.epoch });
  assert.equal(response.entries.length, 0);
});

test('a lagging follower downloads the snapshot in chunks and installs it', () => {
  const { cluster } = clusterWithSnapshot();
  const sent: number[] = [];
  // Bring node 3 back: its fetch is below the log start, so it loads the snapshot, then catches up.
  cluster.start(3);
  const follower = cluster.node(3);
  const delivered = cluster.tickAll(20);
  for (const m of ofKind(delivered, 'FetchSnapshotResponse')) sent.push(m.message.chunk.length);
  assert.deepEqual(sent, [4, 4, 2]);
  assert.equal(follower.logStartOffset, 4);
  assert.equal(follower.logEndOffset, 5);
  assert.equal(follower.highWatermark, 5);
});

test('the installed snapshot is loaded before later committed entries', () => {
  const { cluster, leader } = clusterWithSnapshot();
  const follower = cluster.node(3);
  follower.step(1, { kind: 'BeginQuorumEpochRequest', correlationId: 1, clusterId: CLUSTER_ID, epoch: leader.epoch, leaderId: 1 });
  const readies = [];
  for (let i = 0; i < 50; i++) {
    follower.tick();
    for (let r = follower.ready(); r !== null; r = follower.ready()) {
      readies.push(r);
      follower.advance(r);
      for (const e of r.messages) cluster.node(e.to).step(3, e.message);
    }
    const drained = drain(leader);
    for (const e of drained.messages) if (e.to === 3) follower.step(1, e.message);
  }
  const install = readies.findIndex((r) => r.applySnapshot !== null);
  assert.ok(install >= 0);
  assert.deepEqual(new TextDecoder().decode(readies[install]!.applySnapshot!.data), 'state-at-4');
  assert.equal(readies[install]!.truncateFrom, 4);
  const applied = readies.flatMap((r) => r.committedEntries.map((e) => e.offset));
  assert.deepEqual(applied, [4]);
});

test('a snapshot request for a snapshot the leader no longer has gets SNAPSHOT_NOT_FOUND', () => {
  const { leader } = clusterWithSnapshot();
  drain(leader);
  leader.step(3, { kind: 'FetchSnapshotRequest', correlationId: 3, clusterId: CLUSTER_ID, epoch: leader.epoch, replicaId: 3, snapshotId: { endOffset: 2, epoch: 1 }, position: 0, maxBytes: 100 });
  assert.equal(ofKind(drain(leader).messages, 'FetchSnapshotResponse')[0]!.message.error, RaftError.SNAPSHOT_NOT_FOUND);
});

test('a restart with a snapshot hands it to the application first', () => {
  const { leader } = clusterWithSnapshot();
  const ready = leader.ready()!;
  leader.advance(ready);
  const snapshot = ready.snapshot!;
  const entries = [4].map((offset) => leader.logEntry(offset)!);
  const restarted = makeNode(1, { persisted: { hardState: { epoch: leader.epoch, votedFor: 1, leaderId: 1 }, snapshot, entries } });
  const first = restarted.ready()!;
  assert.equal(first.applySnapshot?.endOffset, 4);
  assert.equal(restarted.logStartOffset, 4);
  assert.equal(restarted.logEndOffset, 5);
  assert.equal(restarted.highWatermark, 4);
  assert.equal(restarted.role, 'unattached', 'a restarted leader stands again in a new epoch');
});
