/**
 * Proves every RaftService method makes a round trip through a real RpcServer and PeerChannel on
 * 127.0.0.1: each handler receives the decoded request (int64 beyond 2^53, bytes, enums, nested
 * and repeated fields intact) and the client receives the decoded response. Also checks the
 * handler table is complete at compile time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromBigInt, sluice, toBigInt, type RaftService, type ServiceHandlers } from '../../src/index.js';
import { startRaft, type RaftFixture } from '../helpers/servers.js';

const raft = sluice.raft;
const BIG = (1n << 60n) + 7n;
const CALL = { deadlineMs: 5_000 };

const handlers: ServiceHandlers<RaftService> = {
  Vote: async (request) => ({
    correlationId: request.correlationId,
    error: request.clusterId === 'c1' ? raft.RaftError.OK : raft.RaftError.INCONSISTENT_CLUSTER_ID,
    epoch: request.epoch,
    voteGranted: toBigInt(request.logEndOffset) === BIG && request.preVote,
    preVote: request.preVote,
    leaderId: -1,
  }),
  BeginQuorumEpoch: async (request) => ({
    correlationId: request.correlationId,
    error: raft.RaftError.OK,
    epoch: request.epoch,
    leaderId: request.leaderId,
  }),
  EndQuorumEpoch: async (request) => ({
    correlationId: request.correlationId,
    error: raft.RaftError.NOT_LEADER,
    epoch: request.epoch,
    leaderId: request.preferredSuccessors[0] ?? -1,
  }),
  Fetch: async (request) => ({
    correlationId: request.correlationId,
    error: raft.RaftError.OK,
    epoch: request.epoch,
    leaderId: 1,
    highWatermark: fromBigInt(toBigInt(request.fetchOffset) + 2n),
    logStartOffset: fromBigInt(0n),
    entries: [
      { offset: request.fetchOffset, epoch: request.lastFetchedEpoch, data: Buffer.from('first') },
      { offset: fromBigInt(toBigInt(request.fetchOffset) + 1n), epoch: request.epoch, data: Buffer.alloc(0) },
    ],
    divergingEpoch: { epoch: 2, endOffset: fromBigInt(BIG) },
  }),
  FetchSnapshot: async (request) => ({
    correlationId: request.correlationId,
    error: raft.RaftError.OK,
    epoch: request.epoch,
    leaderId: 1,
    snapshotId: request.snapshotId,
    size: fromBigInt(BIG),
    position: request.position,
    chunk: Buffer.alloc(request.maxBytes, 0xab),
  }),
};

// @ts-expect-error A handler table missing a method (FetchSnapshot) does not compile.
const incomplete: ServiceHandlers<RaftService> = { Vote: handlers.Vote, BeginQuorumEpoch: handlers.BeginQuorumEpoch, EndQuorumEpoch: handlers.EndQuorumEpoch, Fetch: handlers.Fetch };
void incomplete;

describe('RaftService over gRPC', () => {
  let fixture: RaftFixture;
  before(async () => {
    fixture = await startRaft(handlers);
  });
  after(async () => {
    await fixture.close();
  });

  it('Vote', async () => {
    const response = await fixture.raft.call(
      'Vote',
      { correlationId: 7, clusterId: 'c1', epoch: 5, candidateId: 2, lastEpoch: 4, logEndOffset: fromBigInt(BIG), preVote: true },
      CALL,
    );
    assert.ok(response instanceof raft.VoteResponse);
    assert.equal(response.correlationId, 7);
    assert.equal(response.error, raft.RaftError.OK);
    assert.equal(response.epoch, 5);
    assert.equal(response.voteGranted, true);
    assert.equal(response.preVote, true);
    assert.equal(response.leaderId, -1);
  });

  it('Vote answers an enum error', async () => {
    const response = await fixture.raft.call(
      'Vote',
      { correlationId: 8, clusterId: 'other', epoch: 5, candidateId: 2, lastEpoch: 4, logEndOffset: fromBigInt(BIG), preVote: false },
      CALL,
    );
    assert.equal(response.error, raft.RaftError.INCONSISTENT_CLUSTER_ID);
    assert.equal(response.voteGranted, false);
  });

  it('BeginQuorumEpoch', async () => {
    const response = await fixture.raft.call('BeginQuorumEpoch', { correlationId: 9, clusterId: 'c1', epoch: 6, leaderId: 3 }, CALL);
    assert.deepEqual([response.correlationId, response.error, response.epoch, response.leaderId], [9, raft.RaftError.OK, 6, 3]);
  });

  it('EndQuorumEpoch', async () => {
    const response = await fixture.raft.call(
      'EndQuorumEpoch',
      { correlationId: 10, clusterId: 'c1', epoch: 6, leaderId: 3, preferredSuccessors: [2, 1] },
      CALL,
    );
    assert.deepEqual([response.correlationId, response.error, response.epoch, response.leaderId], [10, raft.RaftError.NOT_LEADER, 6, 2]);
  });

  it('Fetch', async () => {
    const response = await fixture.raft.call(
      'Fetch',
      { correlationId: 11, clusterId: 'c1', epoch: 6, replicaId: 2, fetchOffset: fromBigInt(BIG), lastFetchedEpoch: 5, maxBytes: 1024 },
      CALL,
    );
    assert.equal(response.correlationId, 11);
    assert.equal(toBigInt(response.highWatermark), BIG + 2n);
    assert.equal(toBigInt(response.logStartOffset), 0n);
    assert.deepEqual(
      response.entries.map((entry) => [toBigInt(entry.offset), entry.epoch, Buffer.from(entry.data).toString()]),
      [
        [BIG, 5, 'first'],
        [BIG + 1n, 6, ''],
      ],
    );
    assert.equal(response.divergingEpoch?.epoch, 2);
    assert.equal(toBigInt(response.divergingEpoch?.endOffset ?? 0), BIG);
    assert.equal(response.snapshotId, null);
  });

  it('FetchSnapshot', async () => {
    const response = await fixture.raft.call(
      'FetchSnapshot',
      { correlationId: 12, clusterId: 'c1', epoch: 6, replicaId: 2, snapshotId: { endOffset: fromBigInt(100n), epoch: 4 }, position: fromBigInt(BIG), maxBytes: 100_000 },
      CALL,
    );
    assert.equal(response.correlationId, 12);
    assert.equal(toBigInt(response.snapshotId?.endOffset ?? 0), 100n);
    assert.equal(response.snapshotId?.epoch, 4);
    assert.equal(toBigInt(response.size), BIG);
    assert.equal(toBigInt(response.position), BIG);
    assert.equal(response.chunk.length, 100_000);
    assert.ok(response.chunk.every((byte) => byte === 0xab));
  });
});
