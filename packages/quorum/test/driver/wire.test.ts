/**
 * Proves that wire.ts converts every quorum message kind without loss: each is taken from the
 * core's form to protobuf properties, encoded and decoded with the generated classes (exactly what
 * the gRPC adapters do), converted back, and compared field by field with the original. Offsets
 * above 2^32 check that int64 fields keep their high half; null sub-messages must stay null.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sluice } from '@sluice/rpc';
import type { RaftMessage, RaftRequest } from '../../src/core/messages.js';
import { RaftError } from '../../src/core/messages.js';
import type { RaftResponse } from '../../src/driver/quorum-driver.js';
import { METHOD_OF, requestFromWire, requestToWire, responseFromWire, responseToWire, senderOf } from '../../src/driver/wire.js';

/** An offset that needs more than 32 bits, below 2^53. */
const BIG = 2 ** 40 + 7;

interface Codec {
  encode(message: never): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

const CODECS: Record<RaftMessage['kind'], Codec> = {
  VoteRequest: sluice.raft.VoteRequest as unknown as Codec,
  VoteResponse: sluice.raft.VoteResponse as unknown as Codec,
  BeginQuorumEpochRequest: sluice.raft.BeginQuorumEpochRequest as unknown as Codec,
  BeginQuorumEpochResponse: sluice.raft.BeginQuorumEpochResponse as unknown as Codec,
  EndQuorumEpochRequest: sluice.raft.EndQuorumEpochRequest as unknown as Codec,
  EndQuorumEpochResponse: sluice.raft.EndQuorumEpochResponse as unknown as Codec,
  FetchRequest: sluice.raft.FetchRequest as unknown as Codec,
  FetchResponse: sluice.raft.FetchResponse as unknown as Codec,
  FetchSnapshotRequest: sluice.raft.FetchSnapshotRequest as unknown as Codec,
  FetchSnapshotResponse: sluice.raft.FetchSnapshotResponse as unknown as Codec,
};

/** Through the bytes, as the gRPC serializer and deserializer do. */
function overTheWire(kind: RaftMessage['kind'], props: object): Record<string, unknown> {
  const codec = CODECS[kind];
  return codec.decode(codec.encode(props as never).finish()) as Record<string, unknown>;
}

function roundTripRequest(request: RaftRequest): RaftRequest {
  return requestFromWire(request.kind, overTheWire(request.kind, requestToWire(request)));
}

function roundTripResponse(requestKind: RaftRequest['kind'], response: RaftResponse): RaftResponse {
  return responseFromWire(requestKind, overTheWire(response.kind, responseToWire(response)));
}

/** Plain data for comparison: decoded `bytes` are Buffers, the core's are Uint8Arrays. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const requests: RaftRequest[] = [
  { kind: 'VoteRequest', correlationId: 0xffff_fffe, clusterId: 'c1', epoch: 7, candidateId: 3, lastEpoch: 6, logEndOffset: BIG, preVote: true },
  { kind: 'VoteRequest', correlationId: 0, clusterId: '', epoch: 0, candidateId: 0, lastEpoch: 0, logEndOffset: 0, preVote: false },
  { kind: 'BeginQuorumEpochRequest', correlationId: 5, clusterId: 'c1', epoch: 9, leaderId: 2 },
  { kind: 'EndQuorumEpochRequest', correlationId: 6, clusterId: 'c1', epoch: 9, leaderId: 2, preferredSuccessors: [3, 1] },
  { kind: 'EndQuorumEpochRequest', correlationId: 6, clusterId: 'c1', epoch: 9, leaderId: 2, preferredSuccessors: [] },
  { kind: 'FetchRequest', correlationId: 8, clusterId: 'c1', epoch: 4, replicaId: 5, fetchOffset: BIG, lastFetchedEpoch: 3, maxBytes: 1 << 20 },
  { kind: 'FetchSnapshotRequest', correlationId: 9, clusterId: 'c1', epoch: 4, replicaId: 5, snapshotId: { endOffset: BIG, epoch: 3 }, position: BIG + 1, maxBytes: 4096 },
  { kind: 'FetchSnapshotRequest', correlationId: 9, clusterId: 'c1', epoch: 4, replicaId: 5, snapshotId: null, position: 0, maxBytes: 4096 },
];

for (const request of requests) {
  test(`${request.kind} #${requests.indexOf(request)} round trips core -> protobuf -> core`, () => {
    assert.deepEqual(plain(roundTripRequest(request)), plain(request));
  });
}

const responses: [RaftRequest['kind'], RaftResponse][] = [
  ['VoteRequest', { kind: 'VoteResponse', correlationId: 1, error: RaftError.FENCED_EPOCH, epoch: 8, voteGranted: true, preVote: true, leaderId: -1 }],
  ['VoteRequest', { kind: 'VoteResponse', correlationId: 1, error: RaftError.OK, epoch: 8, voteGranted: false, preVote: false, leaderId: 2 }],
  ['BeginQuorumEpochRequest', { kind: 'BeginQuorumEpochResponse', correlationId: 2, error: RaftError.NOT_VOTER, epoch: 3, leaderId: -1 }],
  ['EndQuorumEpochRequest', { kind: 'EndQuorumEpochResponse', correlationId: 3, error: RaftError.INCONSISTENT_CLUSTER_ID, epoch: 3, leaderId: 1 }],
  ['FetchRequest', {
    kind: 'FetchResponse', correlationId: 4, error: RaftError.OK, epoch: 5, leaderId: 1, highWatermark: BIG, logStartOffset: BIG - 10,
    entries: [
      { offset: BIG - 1, epoch: 5, data: new Uint8Array(0) },
      { offset: BIG, epoch: 5, data: Uint8Array.from([1, 2, 3, 255]) },
    ],
    divergingEpoch: { epoch: 4, endOffset: BIG + 3 }, snapshotId: { endOffset: BIG - 10, epoch: 2 },
  }],
  ['FetchRequest', {
    kind: 'FetchResponse', correlationId: 4, error: RaftError.NOT_LEADER, epoch: 5, leaderId: -1, highWatermark: 0, logStartOffset: 0,
    entries: [], divergingEpoch: null, snapshotId: null,
  }],
  ['FetchSnapshotRequest', {
    kind: 'FetchSnapshotResponse', correlationId: 5, error: RaftError.OK, epoch: 5, leaderId: 1, snapshotId: { endOffset: BIG, epoch: 4 },
    size: BIG + 100, position: BIG, chunk: Uint8Array.from([9, 8, 7]),
  }],
  ['FetchSnapshotRequest', {
    kind: 'FetchSnapshotResponse', correlationId: 5, error: RaftError.SNAPSHOT_NOT_FOUND, epoch: 5, leaderId: 1, snapshotId: null,
    size: 0, position: 0, chunk: new Uint8Array(0),
  }],
];

for (const [requestKind, response] of responses) {
  test(`${response.kind} (error ${response.error}) round trips core -> protobuf -> core`, () => {
    assert.deepEqual(plain(roundTripResponse(requestKind, response)), plain(response));
  });
}

test('every request kind has a gRPC method and names its sender', () => {
  assert.deepEqual(Object.keys(METHOD_OF).sort(), ['BeginQuorumEpochRequest', 'EndQuorumEpochRequest', 'FetchRequest', 'FetchSnapshotRequest', 'VoteRequest']);
  assert.deepEqual(requests.map(senderOf), [3, 0, 2, 2, 2, 5, 5, 5]);
});
