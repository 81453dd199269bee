/**
 * Proves the leader's replication rules one by one (Kafka's Partition; KIP-497, KIP-320), driven
 * only through the public inputs (onLocalAppend, onFollowerFetch, tick, onPartitionChange,
 * onAlterPartitionResult) and read back through the outputs and `status()`.
 * The default partition: leader 1, replicas and ISR [1, 2, 3], leader epoch 5, partition epoch
 * 10, log end 100, checkpointed high watermark 90, lag limit 1000 ms, retry backoff 50 ms.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@sluice/protocol';
import type { AlterPartitionProposal } from '../../../src/replica/core/alter-partition.js';
import { InvariantError, ReplicaErrorCode } from '../../../src/replica/core/errors.js';
import { type LeaderReplicaOptions, LeaderReplicaState } from '../../../src/replica/core/leader-replica-state.js';

function leader(overrides: Partial<LeaderReplicaOptions> = {}): LeaderReplicaState {
  return new LeaderReplicaState({
    localId: 1, topicId: 'T', partitionId: 0, leaderEpoch: 5, partitionEpoch: 10, replicas: [1, 2, 3], isr: [1, 2, 3],
    logEndOffset: 100n, highWatermark: 90n, replicaLagTimeMaxMs: 1000, nowMs: 0, alterPartitionRetryBackoffMs: 50, ...overrides,
  });
}

function fetch(l: LeaderReplicaState, followerId: number, fetchOffset: number, nowMs: number) {
  return l.onFollowerFetch({ followerId, fetchOffset: BigInt(fetchOffset), nowMs });
}

function follower(l: LeaderReplicaState, id: number) {
  return l.status().replicas.find((r) => r.replicaId === id)!;
}

/** Commits `proposal` as the controller would: the next partition epoch, the proposed ISR. */
function commit(l: LeaderReplicaState, proposal: AlterPartitionProposal, nowMs: number) {
  return l.onAlterPartitionResult({
    kind: 'committed', proposalId: proposal.proposalId,
    partition: { leaderEpoch: proposal.leaderEpoch, partitionEpoch: proposal.partitionEpoch + 1, replicas: l.replicas, isr: proposal.newIsr },
  }, nowMs);
}

test('becoming leader: the high watermark is the checkpoint, capped at the log end', () => {
  assert.equal(leader().highWatermark, 90n);
  assert.equal(leader({ highWatermark: 150n }).highWatermark, 100n);
});

test('becoming leader with a lone ISR commits the whole log at once', () => {
  assert.equal(leader({ isr: [1] }).highWatermark, 100n);
});

test('high watermark: ISR followers that have not fetched in this epoch hold it', () => {
  const l = leader();
  assert.equal(fetch(l, 2, 100, 1).newHighWatermark, null, 'follower 3 is unknown yet');
  assert.equal(fetch(l, 3, 95, 2).newHighWatermark, 95n);
});

test('high watermark: the smallest log end in the ISR, leader included, never above the leader\'s log end', () => {
  const l = leader();
  fetch(l, 2, 100, 1);
  fetch(l, 3, 100, 1);
  assert.equal(l.highWatermark, 100n);
  assert.equal(l.onLocalAppend(110n).newHighWatermark, null);
  assert.equal(fetch(l, 2, 110, 2).newHighWatermark, null);
  const outcome = fetch(l, 3, 104, 3);
  assert.equal(outcome.newHighWatermark, 104n);
  assert.equal(outcome.highWatermark, 104n, 'the fetch answer carries the new value');
});

test('high watermark: never decreases, even when an ISR follower reports a shorter log', () => {
  const l = leader();
  fetch(l, 2, 100, 1);
  fetch(l, 3, 100, 1);
  assert.equal(l.highWatermark, 100n);
  assert.equal(fetch(l, 3, 96, 2).newHighWatermark, null);
  assert.equal(l.highWatermark, 100n);
});

test('a lone ISR leader commits each append', () => {
  const l = leader({ isr: [1] });
  assert.equal(l.onLocalAppend(105n).newHighWatermark, 105n);
  assert.throws(() => l.onLocalAppend(104n), InvariantError, 'the leader never truncates within its epoch');
});

test('lastCaughtUpTimeMs: now when the follower has the leader\'s whole log', () => {
  const l = leader();
  fetch(l, 2, 100, 40);
  assert.equal(follower(l, 2).lastCaughtUpTimeMs, 40);
  assert.equal(follower(l, 2).logEndOffset, 100n);
});

test('lastCaughtUpTimeMs: the previous fetch time when it has what the leader had then', () => {
  const l = leader({ replicas: [1, 2, 3], isr: [1, 3] });
  assert.equal(follower(l, 2).lastCaughtUpTimeMs, null, 'a non-ISR follower starts never caught up');
  fetch(l, 2, 90, 10);
  l.onLocalAppend(120n);
  fetch(l, 2, 100, 20);
  assert.equal(follower(l, 2).lastCaughtUpTimeMs, 10, 'has 100, what the leader had at t=10');
  fetch(l, 2, 110, 30);
  assert.equal(follower(l, 2).lastCaughtUpTimeMs, 10, 'has 110 < 120, what the leader had at t=20');
  fetch(l, 2, 120, 40);
  assert.equal(follower(l, 2).lastCaughtUpTimeMs, 40);
});

test('shrink: an ISR follower not caught up for more than replica.lag.time.max.ms is proposed out', () => {
  const l = leader();
  fetch(l, 2, 100, 0);
  fetch(l, 3, 100, 0);
  l.onLocalAppend(110n);
  fetch(l, 2, 110, 500);
  assert.equal(l.tick(1000).proposal, null, 'exactly the limit is still in sync');
  fetch(l, 2, 110, 1001);
  const { proposal } = l.tick(1001);
  assert.deepEqual(proposal && { kind: proposal.kind, newIsr: proposal.newIsr, partitionEpoch: proposal.partitionEpoch, leaderEpoch: proposal.leaderEpoch },
    { kind: 'shrink', newIsr: [1, 2], partitionEpoch: 10, leaderEpoch: 5 });
});

test('shrink: a follower with the leader\'s whole log is in sync however long ago it fetched', () => {
  const l = leader();
  fetch(l, 2, 100, 0);
  fetch(l, 3, 100, 0);
  assert.equal(l.tick(60_000).proposal, null);
});

test('shrink: ISR followers are granted one lag period when the leader epoch starts', () => {
  const l = leader({ nowMs: 5000 });
  assert.equal(l.tick(6000).proposal, null);
  assert.deepEqual(l.tick(6001).proposal?.newIsr, [1]);
});

test('shrink: while pending, the high watermark still waits for the laggard; committed, it moves on', () => {
  const l = leader();
  fetch(l, 2, 100, 0);
  fetch(l, 3, 95, 0);
  const proposal = l.tick(2000).proposal!;
  assert.deepEqual(proposal.newIsr, [1, 2]);
  assert.deepEqual(l.maximalIsr, [1, 2, 3]);
  assert.equal(l.highWatermark, 95n);
  assert.equal(commit(l, proposal, 2001).newHighWatermark, 100n);
  assert.deepEqual(l.isr, [1, 2]);
  assert.equal(l.partitionEpoch, 11);
  assert.equal(l.pendingProposal, null);
});

test('at most one proposal outstanding: no shrink or expansion while one is pending', () => {
  const l = leader({ isr: [1, 2] });
  fetch(l, 2, 95, 0);
  const shrink = l.tick(5000).proposal!;
  assert.equal(shrink.kind, 'shrink');
  assert.equal(fetch(l, 3, 100, 5001).proposal, null, 'follower 3 qualifies, but a proposal is pending');
  assert.equal(l.tick(9000).proposal, null);
});

test('expand: a follower whose log end reaches the high watermark and the epoch start offset is proposed in', () => {
  const l = leader({ isr: [1, 2] });
  fetch(l, 2, 100, 0);
  assert.equal(l.highWatermark, 100n);
  assert.equal(fetch(l, 3, 99, 1).proposal, null, 'below the high watermark');
  const proposal = fetch(l, 3, 100, 2).proposal!;
  assert.deepEqual([proposal.kind, proposal.newIsr, proposal.brokerId, proposal.topicId, proposal.partitionId], ['expand', [1, 2, 3], 1, 'T', 0]);
});

test('expand: a follower below the leader epoch start offset waits even at the high watermark', () => {
  // The checkpointed high watermark (90) lags the log end (100) the leader started its epoch with.
  const fresh = leader({ isr: [1, 2], highWatermark: 90n });
  fetch(fresh, 2, 92, 1);
  assert.equal(fresh.highWatermark, 92n);
  assert.equal(fetch(fresh, 3, 95, 2).proposal, null, 'at or above the high watermark, below the epoch start (100)');
  fetch(fresh, 2, 100, 3);
  assert.equal(fetch(fresh, 3, 100, 4).proposal?.kind, 'expand');
});

test('expand (KIP-497): the pending member already counts for the high watermark', () => {
  const l = leader({ isr: [1, 2] });
  fetch(l, 2, 100, 0);
  const proposal = fetch(l, 3, 100, 1).proposal!;
  assert.deepEqual(l.maximalIsr, [1, 2, 3]);
  l.onLocalAppend(110n);
  fetch(l, 2, 110, 2);
  assert.equal(l.highWatermark, 100n, 'waits for the pending follower 3');
  assert.equal(fetch(l, 3, 110, 3).newHighWatermark, 110n);
  commit(l, proposal, 4);
  assert.deepEqual(l.isr, [1, 2, 3]);
});

test('a follower that just joined the ISR gets one lag period before it can be removed', () => {
  const l = leader({ isr: [1, 2] });
  fetch(l, 2, 100, 0);
  l.onLocalAppend(120n);
  const proposal = fetch(l, 3, 100, 5000).proposal!;
  commit(l, proposal, 5000);
  fetch(l, 2, 120, 5500);
  assert.equal(l.tick(5500).proposal, null);
  assert.deepEqual(l.tick(6001).proposal?.newIsr, [1, 2]);
});

test('fetch fencing: another leader epoch is FENCED_LEADER_EPOCH (older, -1 too) or UNKNOWN_LEADER_EPOCH (newer)', () => {
  const l = leader();
  assert.equal(l.checkFetchEpoch(5), null);
  assert.equal(l.checkFetchEpoch(4), ErrorCode.FENCED_LEADER_EPOCH);
  assert.equal(l.checkFetchEpoch(-1), ErrorCode.FENCED_LEADER_EPOCH);
  assert.equal(l.checkFetchEpoch(6), ErrorCode.UNKNOWN_LEADER_EPOCH);
});

test('a fetch from a broker outside the replica set, or from the leader itself, is NOT_LEADER_OR_FOLLOWER', () => {
  const l = leader();
  assert.equal(fetch(l, 9, 100, 1).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.equal(fetch(l, 1, 100, 1).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
});

test('a fetch beyond the leader\'s log end is OFFSET_OUT_OF_RANGE and changes nothing', () => {
  const l = leader();
  const outcome = fetch(l, 2, 101, 1);
  assert.equal(outcome.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  assert.equal(follower(l, 2).logEndOffset, null);
});

test('acksAllProblem: NOT_ENOUGH_REPLICAS when the committed ISR is below min.insync.replicas', () => {
  const l = leader({ isr: [1, 2] });
  assert.equal(l.acksAllProblem(2), null);
  assert.equal(l.acksAllProblem(3), ErrorCode.NOT_ENOUGH_REPLICAS);
  fetch(l, 3, 100, 0);
  assert.deepEqual(l.maximalIsr, [1, 2, 3]);
  assert.equal(l.acksAllProblem(3), ErrorCode.NOT_ENOUGH_REPLICAS, 'a pending expansion does not count');
});

test('AlterPartition INELIGIBLE_REPLICA: back to the committed ISR, nothing new for one backoff', () => {
  const l = leader({ isr: [1, 2] });
  fetch(l, 2, 100, 0);
  const proposal = fetch(l, 3, 100, 1).proposal!;
  l.onAlterPartitionResult({ kind: 'failed', proposalId: proposal.proposalId, errorCode: ReplicaErrorCode.INELIGIBLE_REPLICA }, 10);
  assert.equal(l.pendingProposal, null);
  assert.deepEqual(l.maximalIsr, [1, 2]);
  assert.equal(fetch(l, 3, 100, 59).proposal, null);
  const again = fetch(l, 3, 100, 60).proposal!;
  assert.equal(again.kind, 'expand');
  assert.notEqual(again.proposalId, proposal.proposalId);
});

test('AlterPartition retriable error: the same change is re-sent under a new id after the backoff', () => {
  const l = leader();
  const first = l.tick(2000).proposal!;
  l.onAlterPartitionResult({ kind: 'failed', proposalId: first.proposalId, errorCode: ErrorCode.NOT_CONTROLLER }, 2000);
  assert.equal(l.tick(2049).proposal, null);
  const second = l.tick(2050).proposal!;
  assert.deepEqual(second.newIsr, first.newIsr);
  assert.notEqual(second.proposalId, first.proposalId);
  assert.equal(l.tick(3000).proposal, null, 'in flight again: no more sends');
  l.onAlterPartitionResult({ kind: 'failed', proposalId: first.proposalId, errorCode: ErrorCode.REQUEST_TIMED_OUT }, 3001);
  assert.equal(l.tick(9000).proposal, null, 'an answer to the earlier send is ignored');
});

test('AlterPartition INVALID_UPDATE_VERSION: wait for the metadata log, whose change replaces the proposal', () => {
  const l = leader();
  const proposal = l.tick(2000).proposal!;
  l.onAlterPartitionResult({ kind: 'failed', proposalId: proposal.proposalId, errorCode: ReplicaErrorCode.INVALID_UPDATE_VERSION }, 2001);
  assert.equal(l.tick(9000).proposal, null);
  assert.equal(l.pendingProposal?.proposalId, proposal.proposalId);
  l.onPartitionChange({ leaderEpoch: 5, partitionEpoch: 12, replicas: [1, 2, 3], isr: [1, 2] }, 9001);
  assert.equal(l.pendingProposal, null);
  assert.deepEqual(l.isr, [1, 2]);
  assert.deepEqual(l.tick(9002).proposal?.newIsr, [1], 'follower 2 never fetched either');
});

test('a committed answer is applied once: the metadata log repeating it is ignored', () => {
  const l = leader();
  fetch(l, 2, 100, 0);
  const proposal = l.tick(2000).proposal!;
  commit(l, proposal, 2001);
  const repeat = l.onPartitionChange({ leaderEpoch: 5, partitionEpoch: 11, replicas: [1, 2, 3], isr: [1, 2] }, 2002);
  assert.deepEqual(repeat, { newHighWatermark: null, proposal: null });
  assert.equal(l.partitionEpoch, 11);
});

test('a committed answer that changes nothing (the controller already had that ISR) clears the proposal', () => {
  const l = leader();
  const proposal = l.tick(2000).proposal!;
  l.onAlterPartitionResult({ kind: 'committed', proposalId: proposal.proposalId, partition: { leaderEpoch: 5, partitionEpoch: 10, replicas: [1, 2, 3], isr: [1, 2, 3] } }, 2001);
  assert.equal(l.pendingProposal, null);
});

test('metadata: a controller-side ISR shrink lets the high watermark advance; stale epochs are ignored', () => {
  const l = leader();
  fetch(l, 2, 100, 0);
  assert.equal(l.highWatermark, 90n);
  assert.equal(l.onPartitionChange({ leaderEpoch: 5, partitionEpoch: 11, replicas: [1, 2, 3], isr: [1, 2] }, 1).newHighWatermark, 100n);
  l.onPartitionChange({ leaderEpoch: 5, partitionEpoch: 9, replicas: [1, 2, 3], isr: [1, 2, 3] }, 2);
  assert.deepEqual(l.isr, [1, 2]);
});

test('metadata: replicas added start unknown, removed ones are forgotten', () => {
  const l = leader();
  l.onPartitionChange({ leaderEpoch: 5, partitionEpoch: 11, replicas: [1, 2, 4], isr: [1, 2] }, 1);
  assert.deepEqual(l.status().replicas.map((r) => [r.replicaId, r.logEndOffset, r.inIsr]), [[1, 100n, true], [2, null, true], [4, null, false]]);
  assert.equal(fetch(l, 3, 100, 2).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.equal(fetch(l, 4, 100, 2).errorCode, ErrorCode.NONE);
});

test('a new leader epoch or a broken registration is a bug: build a new instance', () => {
  const l = leader();
  assert.throws(() => l.onPartitionChange({ leaderEpoch: 6, partitionEpoch: 11, replicas: [1, 2, 3], isr: [1, 2, 3] }, 1), InvariantError);
  assert.throws(() => l.onPartitionChange({ leaderEpoch: 5, partitionEpoch: 11, replicas: [1, 2, 3], isr: [2, 3] }, 1), InvariantError);
  assert.throws(() => leader({ isr: [2, 3] }), InvariantError);
  assert.throws(() => leader({ isr: [1, 4] }), InvariantError);
});

test('time never goes back', () => {
  const l = leader({ nowMs: 100 });
  assert.throws(() => l.tick(99), InvariantError);
});

test('status: epochs, offsets, both ISRs, the pending proposal and each replica\'s progress', () => {
  const l = leader({ isr: [1, 2] });
  fetch(l, 2, 100, 7);
  fetch(l, 3, 100, 8);
  const s = l.status();
  assert.deepEqual({ ...s, pendingProposal: s.pendingProposal?.kind }, {
    topicId: 'T', partitionId: 0, leaderId: 1, leaderEpoch: 5, partitionEpoch: 10, leaderEpochStartOffset: 100n,
    logEndOffset: 100n, highWatermark: 100n, isr: [1, 2], maximalIsr: [1, 2, 3], pendingProposal: 'expand',
    replicas: [
      { replicaId: 1, logEndOffset: 100n, lastCaughtUpTimeMs: 8, inIsr: true },
      { replicaId: 2, logEndOffset: 100n, lastCaughtUpTimeMs: 7, inIsr: true },
      { replicaId: 3, logEndOffset: 100n, lastCaughtUpTimeMs: 8, inIsr: false },
    ],
  });
});
