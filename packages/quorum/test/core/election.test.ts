/**
 * Election rules (Raft thesis §3.4, §3.6.1; KIP-595; KIP-996 pre-vote), each driven only by
 * step/tick/ready/advance on one or a few members with a fixed random source.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftError, type VoteRequest } from '../../src/core/messages.js';
import { CLUSTER_ID, drain, makeNode, ofKind, TestCluster, tickTimes } from './helpers.js';

function voteRequest(fields: Partial<VoteRequest> = {}): VoteRequest {
  return { kind: 'VoteRequest', correlationId: 7, clusterId: CLUSTER_ID, epoch: 1, candidateId: 2, lastEpoch: 0, logEndOffset: 0, preVote: false, ...fields };
}

test('a voter grants at most one vote per epoch', () => {
  const node = makeNode(1);
  drain(node);
  node.step(2, voteRequest({ candidateId: 2 }));
  node.step(3, voteRequest({ candidateId: 3 }));
  const votes = ofKind(drain(node).messages, 'VoteResponse');
  assert.deepEqual(votes.map((v) => [v.to, v.message.voteGranted]), [[2, true], [3, false]]);
  assert.equal(node.votedFor, 2);
});

test('a vote is in the same Ready as its persisted hard state (durable before the reply)', () => {
  const node = makeNode(1);
  drain(node);
  node.step(2, voteRequest());
  const ready = node.ready()!;
  assert.deepEqual(ready.hardState, { epoch: 1, votedFor: 2, leaderId: null });
  assert.equal(ofKind(ready.messages, 'VoteResponse')[0]!.message.voteGranted, true);
});

test('a restarted voter does not vote twice in an epoch', () => {
  const node = makeNode(1, { persisted: { hardState: { epoch: 1, votedFor: 2, leaderId: null }, snapshot: null, entries: [] } });
  drain(node);
  node.step(3, voteRequest({ candidateId: 3 }));
  assert.equal(ofKind(drain(node).messages, 'VoteResponse')[0]!.message.voteGranted, false);
});

test('a voter rejects a candidate whose log is less up to date', () => {
  const entries = [{ offset: 0, epoch: 1, data: new Uint8Array(0) }, { offset: 1, epoch: 1, data: new Uint8Array([1]) }];
  const node = makeNode(1, { persisted: { hardState: { epoch: 1, votedFor: null, leaderId: null }, snapshot: null, entries } });
  drain(node);
  node.step(2, voteRequest({ epoch: 2, lastEpoch: 1, logEndOffset: 1 }));
  node.step(3, voteRequest({ epoch: 2, candidateId: 3, lastEpoch: 0, logEndOffset: 5 }));
  const votes = ofKind(drain(node).messages, 'VoteResponse');
  assert.deepEqual(votes.map((v) => v.message.voteGranted), [false, false]);
  node.step(2, voteRequest({ epoch: 2, lastEpoch: 1, logEndOffset: 2 }));
  assert.equal(ofKind(drain(node).messages, 'VoteResponse')[0]!.message.voteGranted, true);
});

test('pre-vote does not bump the epoch', () => {
  const node = makeNode(1);
  drain(node);
  node.step(2, voteRequest({ epoch: 5, preVote: true }));
  const ready = node.ready()!;
  assert.equal(ready.hardState, null);
  assert.equal(node.epoch, 0);
  assert.equal(node.votedFor, null);
  assert.equal(ofKind(ready.messages, 'VoteResponse')[0]!.message.voteGranted, true);
  const candidate = makeNode(2);
  drain(candidate);
  tickTimes(candidate, 10);
  assert.equal(candidate.role, 'prospective');
  assert.equal(candidate.epoch, 0);
  const requests = ofKind(drain(candidate).messages, 'VoteRequest');
  assert.deepEqual(requests.map((r) => [r.message.preVote, r.message.epoch]), [[true, 1], [true, 1]]);
});

test('a node that still hears from a leader rejects pre-votes', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  const follower = cluster.node(2);
  assert.equal(follower.role, 'follower');
  follower.step(3, voteRequest({ epoch: follower.epoch + 1, candidateId: 3, lastEpoch: 9, logEndOffset: 99, preVote: true }));
  assert.equal(ofKind(drain(follower).messages, 'VoteResponse')[0]!.message.voteGranted, false);
  cluster.node(1).step(3, voteRequest({ epoch: follower.epoch + 1, candidateId: 3, lastEpoch: 9, logEndOffset: 99, preVote: true }));
  assert.equal(ofKind(drain(cluster.node(1)).messages, 'VoteResponse')[0]!.message.voteGranted, false);
});

test('a rejoining node does not depose a healthy leader (pre-vote)', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  const epoch = cluster.node(1).epoch;
  cluster.isolate(3);
  cluster.tickAll(60);
  assert.equal(cluster.node(3).epoch, epoch, 'an isolated node never passes its pre-vote');
  cluster.heal();
  cluster.tickAll(25);
  assert.equal(cluster.node(1).role, 'leader');
  assert.equal(cluster.node(1).epoch, epoch);
  assert.equal(cluster.node(3).role, 'follower');
});

test('election timeout is randomized in [E, 2E)', () => {
  const early = makeNode(1, { random: [0] });
  const late = makeNode(1, { random: [0.999] });
  drain(early);
  drain(late);
  tickTimes(early, 10);
  tickTimes(late, 18);
  assert.equal(early.role, 'prospective');
  assert.equal(late.role, 'unattached');
  late.tick();
  assert.equal(late.role, 'prospective');
});

test('a prospective node stands only after a majority of pre-votes', () => {
  const node = makeNode(1);
  drain(node);
  tickTimes(node, 10);
  const preVotes = ofKind(drain(node).messages, 'VoteRequest');
  const to2 = preVotes.find((p) => p.to === 2)!;
  node.step(2, { kind: 'VoteResponse', correlationId: to2.message.correlationId, error: RaftError.OK, epoch: 0, voteGranted: false, preVote: true, leaderId: -1 });
  assert.equal(node.role, 'prospective');
  const to3 = preVotes.find((p) => p.to === 3)!;
  node.step(3, { kind: 'VoteResponse', correlationId: to3.message.correlationId, error: RaftError.OK, epoch: 0, voteGranted: true, preVote: true, leaderId: -1 });
  assert.equal(node.role, 'candidate');
  assert.equal(node.epoch, 1);
  const ready = node.ready()!;
  assert.deepEqual(ready.hardState, { epoch: 1, votedFor: 1, leaderId: null });
  assert.ok(ofKind(ready.messages, 'VoteRequest').every((r) => !r.message.preVote && r.message.epoch === 1));
});

test('a new leader appends a leader-change entry in its epoch and sends BeginQuorumEpoch', () => {
  const cluster = new TestCluster([1, 2, 3]);
  const node = cluster.node(1);
  tickTimes(node, 10);
  const sent = cluster.deliverAll();
  assert.equal(node.role, 'leader');
  const entry = node.logEntry(0)!;
  assert.equal(entry.epoch, node.epoch);
  assert.equal(entry.data.length, 0);
  assert.deepEqual(ofKind(sent, 'BeginQuorumEpochRequest').map((b) => b.to).sort(), [2, 3]);
  assert.equal(cluster.node(2).leaderId, 1);
});

test('a higher epoch makes a leader step down', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  const leader = cluster.node(1);
  leader.step(2, { kind: 'BeginQuorumEpochRequest', correlationId: 1, clusterId: CLUSTER_ID, epoch: leader.epoch + 1, leaderId: 2 });
  assert.equal(leader.role, 'follower');
  assert.equal(leader.leaderId, 2);
});

test('a request with an older epoch gets FENCED_EPOCH', () => {
  const node = makeNode(1, { persisted: { hardState: { epoch: 4, votedFor: null, leaderId: null }, snapshot: null, entries: [] } });
  drain(node);
  node.step(2, voteRequest({ epoch: 3 }));
  const response = ofKind(drain(node).messages, 'VoteResponse')[0]!.message;
  assert.equal(response.error, RaftError.FENCED_EPOCH);
  assert.equal(response.epoch, 4);
});

test('a request from another cluster gets INCONSISTENT_CLUSTER_ID and changes nothing', () => {
  const node = makeNode(1);
  drain(node);
  node.step(2, voteRequest({ clusterId: 'other', epoch: 9 }));
  const response = ofKind(drain(node).messages, 'VoteResponse')[0]!.message;
  assert.equal(response.error, RaftError.INCONSISTENT_CLUSTER_ID);
  assert.equal(node.epoch, 0);
});

test('a vote request from a non-voter gets NOT_VOTER', () => {
  const node = makeNode(1);
  drain(node);
  node.step(9, voteRequest({ candidateId: 9 }));
  assert.equal(ofKind(drain(node).messages, 'VoteResponse')[0]!.message.error, RaftError.NOT_VOTER);
  assert.equal(node.votedFor, null);
});

test('a candidate that times out goes back to pre-vote, not straight to a new epoch', () => {
  const node = makeNode(1);
  drain(node);
  tickTimes(node, 10);
  const preVotes = ofKind(drain(node).messages, 'VoteRequest');
  for (const p of preVotes) {
    node.step(p.to, { kind: 'VoteResponse', correlationId: p.message.correlationId, error: RaftError.OK, epoch: 0, voteGranted: true, preVote: true, leaderId: -1 });
  }
  assert.equal(node.role, 'candidate');
  drain(node);
  tickTimes(node, 10);
  assert.equal(node.role, 'prospective');
  assert.equal(node.epoch, 1);
});

test('resign sends EndQuorumEpoch preferring the most caught-up voter, who stands at once', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  cluster.cut(1, 3);
  cluster.node(1).propose([new Uint8Array([1])]);
  cluster.deliverAll();
  cluster.heal();
  const leader = cluster.node(1);
  assert.equal(leader.resign(), true);
  const ends = ofKind(drain(leader).messages, 'EndQuorumEpochRequest');
  assert.deepEqual(ends[0]!.message.preferredSuccessors, [2, 3]);
  for (const end of ends) cluster.node(end.to).step(1, end.message);
  assert.equal(leader.role, 'unattached');
  cluster.node(2).tick();
  assert.equal(cluster.node(2).role, 'prospective');
  cluster.deliverAll();
  assert.equal(cluster.node(2).role, 'leader');
});
