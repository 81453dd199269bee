/**
 * Replication rules (KIP-595 pull replication, Raft thesis §3.5–3.6), each driven only by
 * step/tick/ready/advance on hand-built messages or a synchronous in-memory cluster.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftError, type FetchRequest, type FetchResponse } from '../../src/core/messages.js';
import { bytes, CLUSTER_ID, drain, makeNode, ofKind, TestCluster, tickTimes } from './helpers.js';

function fetchRequest(fields: Partial<FetchRequest>): FetchRequest {
  return { kind: 'FetchRequest', correlationId: 1, clusterId: CLUSTER_ID, epoch: 1, replicaId: 2, fetchOffset: 0, lastFetchedEpoch: 0, maxBytes: 1 << 20, ...fields };
}

/** A leader of epoch 1 with entries [0, 1] (leader change, then one payload), followers untouched. */
function soloLeader(voters = [1, 2, 3]) {
  const cluster = new TestCluster([1], { voters });
  const leader = cluster.node(1);
  tickTimes(leader, 10);
  for (const p of ofKind(drain(leader).messages, 'VoteRequest')) {
    leader.step(p.to, { kind: 'VoteResponse', correlationId: p.message.correlationId, error: RaftError.OK, epoch: p.message.epoch - (p.message.preVote ? 1 : 0), voteGranted: true, preVote: p.message.preVote, leaderId: -1 });
    if (leader.role !== 'prospective') break;
  }
  for (const p of ofKind(drain(leader).messages, 'VoteRequest')) {
    leader.step(p.to, { kind: 'VoteResponse', correlationId: p.message.correlationId, error: RaftError.OK, epoch: p.message.epoch, voteGranted: true, preVote: false, leaderId: -1 });
  }
  assert.equal(leader.role, 'leader');
  drain(leader);
  return leader;
}

test('propose on a follower is rejected with the leader id', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  const result = cluster.node(2).propose([bytes('x')]);
  assert.deepEqual(result, { ok: false, reason: 'not-leader', leaderId: 1, epoch: cluster.node(1).epoch });
});

test('propose rejects empty and oversized batches as values', () => {
  const leader = soloLeader();
  assert.equal(leader.propose([]).ok, false);
  const result = leader.propose([new Uint8Array(0)]);
  assert.equal(result.ok === false && result.reason, 'invalid-batch');
});

test('high watermark advances to the offset a majority holds', () => {
  const leader = soloLeader();
  leader.propose([bytes('a'), bytes('b')]);
  drain(leader);
  assert.equal(leader.highWatermark, 0);
  leader.step(2, fetchRequest({ fetchOffset: 2, lastFetchedEpoch: 1 }));
  assert.equal(leader.highWatermark, 2);
  leader.step(3, fetchRequest({ replicaId: 3, fetchOffset: 3, lastFetchedEpoch: 1 }));
  assert.equal(leader.highWatermark, 3);
});

test('leader commits only entries of its own epoch by counting', () => {
  // Node 1 holds entries of epoch 1 and wins epoch 3; followers hold them too but the HW
  // stays until the epoch-3 leader-change entry is on a majority.
  const old = [0, 1, 2].map((offset) => ({ offset, epoch: 1, data: bytes(`e${offset}`) }));
  const leader = makeNode(1, { persisted: { hardState: { epoch: 2, votedFor: null, leaderId: null }, snapshot: null, entries: old } });
  drain(leader);
  tickTimes(leader, 10);
  const pre = ofKind(drain(leader).messages, 'VoteRequest')[0]!;
  leader.step(pre.to, { kind: 'VoteResponse', correlationId: pre.message.correlationId, error: RaftError.OK, epoch: 2, voteGranted: true, preVote: true, leaderId: -1 });
  const vote = ofKind(drain(leader).messages, 'VoteRequest').find((v) => v.to === pre.to)!;
  leader.step(pre.to, { kind: 'VoteResponse', correlationId: vote.message.correlationId, error: RaftError.OK, epoch: 3, voteGranted: true, preVote: false, leaderId: -1 });
  assert.equal(leader.role, 'leader');
  assert.equal(leader.logEntry(3)!.epoch, 3);
  drain(leader);
  leader.step(2, fetchRequest({ epoch: 3, fetchOffset: 3, lastFetchedEpoch: 1 }));
  assert.equal(leader.highWatermark, 0, 'old-epoch entries on a majority are not committed by counting');
  leader.step(2, fetchRequest({ epoch: 3, correlationId: 2, fetchOffset: 4, lastFetchedEpoch: 3 }));
  assert.equal(leader.highWatermark, 4);
});

test('a follower learns the high watermark but never above its own log end', () => {
  const follower = makeNode(2, { persisted: { hardState: { epoch: 1, votedFor: 1, leaderId: 1 }, snapshot: null, entries: [] } });
  const fetch = ofKind(drain(follower).messages, 'FetchRequest')[0]!.message;
  const response: FetchResponse = {
    kind: 'FetchResponse', correlationId: fetch.correlationId, error: RaftError.OK, epoch: 1, leaderId: 1, highWatermark: 5, logStartOffset: 0,
    entries: [{ offset: 0, epoch: 1, data: new Uint8Array(0) }, { offset: 1, epoch: 1, data: bytes('a') }], divergingEpoch: null, snapshotId: null,
  };
  follower.step(1, response);
  assert.equal(follower.highWatermark, 2);
  const drained = drain(follower);
  assert.deepEqual(drained.committed.map((e) => e.offset), [0, 1]);
  assert.equal(ofKind(drained.messages, 'FetchRequest')[0]!.message.fetchOffset, 2);
});

test('diverging follower truncates to the epoch end offset', () => {
  const entries = [
    { offset: 0, epoch: 1, data: new Uint8Array(0) },
    { offset: 1, epoch: 1, data: bytes('a') },
    { offset: 2, epoch: 2, data: new Uint8Array(0) },
    { offset: 3, epoch: 2, data: bytes('stale') },
  ];
  const follower = makeNode(2, { persisted: { hardState: { epoch: 3, votedFor: 1, leaderId: 1 }, snapshot: null, entries } });
  const fetch = ofKind(drain(follower).messages, 'FetchRequest')[0]!.message;
  assert.deepEqual([fetch.fetchOffset, fetch.lastFetchedEpoch], [4, 2]);
  follower.step(1, {
    kind: 'FetchResponse', correlationId: fetch.correlationId, error: RaftError.OK, epoch: 3, leaderId: 1, highWatermark: 2, logStartOffset: 0,
    entries: [], divergingEpoch: { epoch: 1, endOffset: 2 }, snapshotId: null,
  });
  assert.equal(follower.logEndOffset, 2);
  const drained = drain(follower);
  assert.equal(drained.readies[0]!.truncateFrom, 2);
  const next = ofKind(drained.messages, 'FetchRequest')[0]!.message;
  assert.deepEqual([next.fetchOffset, next.lastFetchedEpoch], [2, 1]);
});

test('leader answers a fetch past its epoch end with a diverging epoch', () => {
  const leader = soloLeader();
  leader.step(2, fetchRequest({ fetchOffset: 7, lastFetchedEpoch: 1 }));
  const response = ofKind(drain(leader).messages, 'FetchResponse')[0]!.message;
  assert.deepEqual(response.divergingEpoch, { epoch: 1, endOffset: 1 });
  leader.step(2, fetchRequest({ correlationId: 2, fetchOffset: 3, lastFetchedEpoch: 0 }));
  const second = ofKind(drain(leader).messages, 'FetchResponse')[0]!.message;
  assert.deepEqual(second.divergingEpoch, { epoch: 0, endOffset: 0 });
});

test('leader parks a fetch with nothing new and answers early on propose', () => {
  const leader = soloLeader();
  leader.step(2, fetchRequest({ fetchOffset: 1, lastFetchedEpoch: 1 }));
  assert.equal(ofKind(drain(leader).messages, 'FetchResponse').length, 1, 'the HW moved: answered at once');
  leader.step(2, fetchRequest({ correlationId: 2, fetchOffset: 1, lastFetchedEpoch: 1 }));
  assert.equal(ofKind(drain(leader).messages, 'FetchResponse').length, 0, 'parked');
  leader.propose([bytes('x')]);
  const response = ofKind(drain(leader).messages, 'FetchResponse')[0]!.message;
  assert.equal(response.correlationId, 2);
  assert.deepEqual(response.entries.map((e) => e.offset), [1]);
});

test('a parked fetch is answered empty when its wait runs out', () => {
  const leader = soloLeader();
  leader.step(2, fetchRequest({ fetchOffset: 1, lastFetchedEpoch: 1 }));
  drain(leader);
  leader.step(2, fetchRequest({ correlationId: 2, fetchOffset: 1, lastFetchedEpoch: 1 }));
  tickTimes(leader, 4);
  assert.equal(ofKind(drain(leader).messages, 'FetchResponse').length, 0);
  tickTimes(leader, 1);
  const response = ofKind(drain(leader).messages, 'FetchResponse')[0]!.message;
  assert.equal(response.entries.length, 0);
});

test('fetch responses are bounded by max bytes but carry at least one entry', () => {
  const leader = soloLeader();
  leader.propose([new Uint8Array(100), new Uint8Array(100), new Uint8Array(100)]);
  drain(leader);
  leader.step(2, fetchRequest({ fetchOffset: 1, lastFetchedEpoch: 1, maxBytes: 150 }));
  assert.equal(ofKind(drain(leader).messages, 'FetchResponse')[0]!.message.entries.length, 1);
  leader.step(2, fetchRequest({ correlationId: 2, fetchOffset: 1, lastFetchedEpoch: 1, maxBytes: 260 }));
  assert.equal(ofKind(drain(leader).messages, 'FetchResponse')[0]!.message.entries.length, 2);
});

test('leader steps down without fetches from a majority (check quorum)', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  cluster.isolate(1);
  const leader = cluster.node(1);
  const epoch = leader.epoch;
  for (let i = 0; i < 31 && leader.role === 'leader'; i++) {
    leader.tick();
    cluster.deliverAll();
  }
  assert.equal(leader.role, 'unattached');
  assert.equal(leader.epoch, epoch);
  assert.equal(leader.leaderId, null);
  assert.equal(leader.propose([bytes('x')]).ok, false);
});

test('a leader with a fetching majority keeps leading', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  cluster.stop(3);
  cluster.tickAll(100);
  assert.equal(cluster.node(1).role, 'leader');
});

test('a follower starts a pre-vote after the fetch timeout', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  cluster.stop(1);
  const follower = cluster.node(2);
  const epoch = follower.epoch;
  tickTimes(follower, 19);
  assert.equal(follower.role, 'follower');
  follower.tick();
  assert.equal(follower.role, 'prospective');
  const preVotes = ofKind(drain(follower).messages, 'VoteRequest');
  assert.deepEqual(preVotes.map((p) => [p.to, p.message.preVote, p.message.epoch]), [[1, true, epoch + 1], [3, true, epoch + 1]]);
});

test('a follower told by its leader that it no longer leads stops following it', () => {
  const follower = makeNode(2, { persisted: { hardState: { epoch: 1, votedFor: 1, leaderId: 1 }, snapshot: null, entries: [] } });
  const fetch = ofKind(drain(follower).messages, 'FetchRequest')[0]!.message;
  follower.step(1, {
    kind: 'FetchResponse', correlationId: fetch.correlationId, error: RaftError.NOT_LEADER, epoch: 1, leaderId: -1, highWatermark: 0, logStartOffset: 0,
    entries: [], divergingEpoch: null, snapshotId: null,
  });
  assert.equal(follower.role, 'unattached');
  assert.equal(follower.epoch, 1);
});

test('committed entries are applied once, in order, never beyond the high watermark', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  for (let i = 0; i < 5; i++) {
    cluster.node(1).propose([bytes(`p${i}`)]);
    cluster.deliverAll();
  }
  cluster.tickAll(10);
  for (const id of [1, 2, 3]) {
    const offsets = cluster.committed.get(id)!.map((e) => e.offset);
    assert.deepEqual(offsets, [0, 1, 2, 3, 4, 5], `node ${id}`);
    assert.ok(offsets.length <= cluster.node(id).highWatermark);
  }
});

test('ready returns null until the previous Ready is advanced', () => {
  const node = makeNode(1);
  const first = node.ready()!;
  node.step(2, { kind: 'VoteRequest', correlationId: 1, clusterId: CLUSTER_ID, epoch: 1, candidateId: 2, lastEpoch: 0, logEndOffset: 0, preVote: false });
  assert.equal(node.ready(), null);
  node.advance(first);
  assert.equal(ofKind(node.ready()!.messages, 'VoteResponse').length, 1);
});
