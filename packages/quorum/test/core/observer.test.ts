/**
 * Observer rules (KIP-595): a node outside the voter set never votes or stands, finds the
 * leader by fetching from any voter, and follows the committed log.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftError } from '../../src/core/messages.js';
import { bytes, CLUSTER_ID, drain, makeNode, ofKind, TestCluster, tickTimes } from './helpers.js';

test('observer never votes or stands', () => {
  const observer = makeNode(9);
  assert.equal(observer.role, 'observer');
  drain(observer);
  observer.step(1, { kind: 'VoteRequest', correlationId: 1, clusterId: CLUSTER_ID, epoch: 1, candidateId: 1, lastEpoch: 0, logEndOffset: 0, preVote: false });
  const drained = drain(observer);
  assert.equal(ofKind(drained.messages, 'VoteResponse')[0]!.message.voteGranted, false);
  assert.equal(observer.votedFor, null);
  tickTimes(observer, 200);
  const sent = drain(observer).messages;
  assert.equal(ofKind(sent, 'VoteRequest').length, 0);
  assert.equal(observer.role, 'observer');
});

test('observer discovers the leader through a voter\'s NOT_LEADER answer and follows the log', () => {
  const cluster = new TestCluster([1, 2, 3, 9]);
  cluster.elect(1);
  const observer = cluster.node(9);
  cluster.node(1).propose([bytes('a')]);
  cluster.deliverAll();
  cluster.tickAll(5);
  assert.equal(observer.leaderId, 1);
  assert.equal(observer.role, 'observer');
  assert.equal(observer.highWatermark, 2);
  assert.deepEqual(cluster.committed.get(9)!.map((e) => e.offset), [0, 1]);
  const status = cluster.node(1).status();
  assert.deepEqual(status.observers.map((o) => o.id), [9]);
  assert.equal(status.observers[0]!.logEndOffset, 2);
});

test('a voter that is not the leader answers a fetch with NOT_LEADER naming the leader', () => {
  const cluster = new TestCluster([1, 2, 3]);
  cluster.elect(1);
  const follower = cluster.node(2);
  follower.step(9, { kind: 'FetchRequest', correlationId: 4, clusterId: CLUSTER_ID, epoch: 0, replicaId: 9, fetchOffset: 0, lastFetchedEpoch: 0, maxBytes: 100 });
  const response = ofKind(drain(follower).messages, 'FetchResponse')[0]!.message;
  assert.equal(response.error, RaftError.FENCED_EPOCH);
  assert.equal(response.leaderId, 1);
  follower.step(9, { kind: 'FetchRequest', correlationId: 5, clusterId: CLUSTER_ID, epoch: follower.epoch, replicaId: 9, fetchOffset: 0, lastFetchedEpoch: 0, maxBytes: 100 });
  const second = ofKind(drain(follower).messages, 'FetchResponse')[0]!.message;
  assert.equal(second.error, RaftError.NOT_LEADER);
  assert.equal(second.leaderId, 1);
});
