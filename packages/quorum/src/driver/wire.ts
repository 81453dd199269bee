import { fromBigInt, sluice, toBigInt, type Long } from '@sluice/rpc';
import type { DivergingEpoch, Entry, RaftMessage, RaftRequest, SnapshotId } from '../core/messages.js';
import type { RaftResponse } from './quorum-driver.js';

/**
 * Conversions between the core's quorum messages and the generated protobuf types of
 * proto/raft.proto. Offsets travel as int64 (Long) and are numbers in the core; this file is the
 * only place the two meet.
 */
type Pb = typeof sluice.raft;
type Int64 = Long | number | null | undefined;

function num(value: Int64): number {
  return value === null || value === undefined ? 0 : Number(toBigInt(value));
}

function long(value: number): Long {
  return fromBigInt(BigInt(value));
}

function snapshotIdIn(id: { endOffset?: Int64; epoch?: number | null } | null | undefined): SnapshotId | null {
  return id ? { endOffset: num(id.endOffset), epoch: id.epoch ?? 0 } : null;
}

function snapshotIdOut(id: SnapshotId | null): sluice.raft.ISnapshotId | null {
  return id ? { endOffset: long(id.endOffset), epoch: id.epoch } : null;
}

function divergingIn(d: { epoch?: number | null; endOffset?: Int64 } | null | undefined): DivergingEpoch | null {
  return d ? { epoch: d.epoch ?? 0, endOffset: num(d.endOffset) } : null;
}

function entriesIn(entries: readonly sluice.raft.IEntry[] | null | undefined): Entry[] {
  return (entries ?? []).map((e) => ({ offset: num(e.offset), epoch: e.epoch ?? 0, data: e.data ?? new Uint8Array(0) }));
}

/** The gRPC method that carries a request kind. */
export const METHOD_OF = {
  VoteRequest: 'Vote',
  BeginQuorumEpochRequest: 'BeginQuorumEpoch',
  EndQuorumEpochRequest: 'EndQuorumEpoch',
  FetchRequest: 'Fetch',
  FetchSnapshotRequest: 'FetchSnapshot',
} as const;

/** The node that sent a request, as the request itself names it. */
export function senderOf(request: RaftRequest): number {
  switch (request.kind) {
    case 'VoteRequest': return request.candidateId;
    case 'BeginQuorumEpochRequest':
    case 'EndQuorumEpochRequest': return request.leaderId;
    case 'FetchRequest':
    case 'FetchSnapshotRequest': return request.replicaId;
  }
}

/** A core request as protobuf properties. */
export function requestToWire(request: RaftRequest): object {
  switch (request.kind) {
    case 'VoteRequest':
      return { ...request, logEndOffset: long(request.logEndOffset) };
    case 'BeginQuorumEpochRequest':
    case 'EndQuorumEpochRequest':
      return { ...request };
    case 'FetchRequest':
      return { ...request, fetchOffset: long(request.fetchOffset) };
    case 'FetchSnapshotRequest':
      return { ...request, snapshotId: snapshotIdOut(request.snapshotId), position: long(request.position) };
  }
}

/** A core response as protobuf properties. */
export function responseToWire(response: RaftResponse): object {
  switch (response.kind) {
    case 'VoteResponse':
    case 'BeginQuorumEpochResponse':
    case 'EndQuorumEpochResponse':
      return { ...response };
    case 'FetchResponse':
      return {
        ...response, highWatermark: long(response.highWatermark), logStartOffset: long(response.logStartOffset),
        entries: response.entries.map((e) => ({ offset: long(e.offset), epoch: e.epoch, data: e.data })),
        divergingEpoch: response.divergingEpoch ? { epoch: response.divergingEpoch.epoch, endOffset: long(response.divergingEpoch.endOffset) } : null,
        snapshotId: snapshotIdOut(response.snapshotId),
      };
    case 'FetchSnapshotResponse':
      return { ...response, snapshotId: snapshotIdOut(response.snapshotId), size: long(response.size), position: long(response.position) };
  }
}

/** A decoded protobuf request of `kind` as a core message. */
export function requestFromWire(kind: RaftRequest['kind'], m: Record<string, unknown>): RaftRequest {
  const base = { correlationId: (m['correlationId'] as number) ?? 0, clusterId: (m['clusterId'] as string) ?? '', epoch: (m['epoch'] as number) ?? 0 };
  switch (kind) {
    case 'VoteRequest':
      return { kind, ...base, candidateId: m['candidateId'] as number, lastEpoch: m['lastEpoch'] as number, logEndOffset: num(m['logEndOffset'] as Int64), preVote: Boolean(m['preVote']) };
    case 'BeginQuorumEpochRequest':
      return { kind, ...base, leaderId: m['leaderId'] as number };
    case 'EndQuorumEpochRequest':
      return { kind, ...base, leaderId: m['leaderId'] as number, preferredSuccessors: (m['preferredSuccessors'] as number[]) ?? [] };
    case 'FetchRequest':
      return { kind, ...base, replicaId: m['replicaId'] as number, fetchOffset: num(m['fetchOffset'] as Int64), lastFetchedEpoch: m['lastFetchedEpoch'] as number, maxBytes: m['maxBytes'] as number };
    case 'FetchSnapshotRequest':
      return { kind, ...base, replicaId: m['replicaId'] as number, snapshotId: snapshotIdIn(m['snapshotId'] as sluice.raft.ISnapshotId), position: num(m['position'] as Int64), maxBytes: m['maxBytes'] as number };
  }
}

/** A decoded protobuf response answering a request of `requestKind`, as a core message. */
export function responseFromWire(requestKind: RaftRequest['kind'], m: Record<string, unknown>): RaftResponse {
  const base = {
    correlationId: (m['correlationId'] as number) ?? 0, error: ((m['error'] as number) ?? 0) as RaftResponse['error'],
    epoch: (m['epoch'] as number) ?? 0, leaderId: (m['leaderId'] as number) ?? -1,
  };
  switch (requestKind) {
    case 'VoteRequest':
      return { kind: 'VoteResponse', ...base, voteGranted: Boolean(m['voteGranted']), preVote: Boolean(m['preVote']) };
    case 'BeginQuorumEpochRequest':
      return { kind: 'BeginQuorumEpochResponse', ...base };
    case 'EndQuorumEpochRequest':
      return { kind: 'EndQuorumEpochResponse', ...base };
    case 'FetchRequest':
      return {
        kind: 'FetchResponse', ...base, highWatermark: num(m['highWatermark'] as Int64), logStartOffset: num(m['logStartOffset'] as Int64),
        entries: entriesIn(m['entries'] as sluice.raft.IEntry[]), divergingEpoch: divergingIn(m['divergingEpoch'] as sluice.raft.IDivergingEpoch),
        snapshotId: snapshotIdIn(m['snapshotId'] as sluice.raft.ISnapshotId),
      };
    case 'FetchSnapshotRequest':
      return {
        kind: 'FetchSnapshotResponse', ...base, snapshotId: snapshotIdIn(m['snapshotId'] as sluice.raft.ISnapshotId),
        size: num(m['size'] as Int64), position: num(m['position'] as Int64), chunk: (m['chunk'] as Uint8Array) ?? new Uint8Array(0),
      };
  }
}

export type { Pb, RaftMessage };
