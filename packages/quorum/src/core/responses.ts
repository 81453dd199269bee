import {
  assertNever,
  leaderIdOnWire,
  RaftError,
  type FetchResponse,
  type RaftMessage,
  type RaftRequest,
} from './messages.js';
import type { RaftState } from './state.js';

/**
 * The response to `request` with `error` (OK for the bare acknowledgements), carrying this node's epoch and leader
 * so the requester can catch up (every KRaft response does this).
 */
export function responseTo(state: RaftState, request: RaftRequest, error: RaftError): RaftMessage {
  const common = { correlationId: request.correlationId, error, epoch: state.epoch, leaderId: leaderIdOnWire(state.leaderId) };
  switch (request.kind) {
    case 'VoteRequest':
      return { kind: 'VoteResponse', ...common, voteGranted: false, preVote: request.preVote };
    case 'BeginQuorumEpochRequest':
      return { kind: 'BeginQuorumEpochResponse', ...common };
    case 'EndQuorumEpochRequest':
      return { kind: 'EndQuorumEpochResponse', ...common };
    case 'FetchRequest':
      return fetchErrorResponse(state, request.correlationId, error);
    case 'FetchSnapshotRequest':
      return { kind: 'FetchSnapshotResponse', ...common, snapshotId: null, size: 0, position: 0, chunk: new Uint8Array(0) };
    default:
      return assertNever(request);
  }
}

/** A fetch response carrying only an error and this node's view of epoch and leader. */
export function fetchErrorResponse(state: RaftState, correlationId: number, error: RaftError): FetchResponse {
  return {
    kind: 'FetchResponse',
    correlationId,
    error,
    epoch: state.epoch,
    leaderId: leaderIdOnWire(state.leaderId),
    highWatermark: state.highWatermark,
    logStartOffset: state.log.startOffset,
    entries: [],
    divergingEpoch: null,
    snapshotId: null,
  };
}
