import { sluice } from '#generated/protos.js';
import { defineService, unary } from '../service.js';

const raft = sluice.raft;

/**
 * `sluice.raft.RaftService` (proto/raft.proto): the metadata quorum's KRaft-style messages between
 * controllers and from brokers (observers) to the leader.
 */
export const RAFT_SERVICE = defineService('sluice.raft.RaftService', {
  Vote: unary(raft.VoteRequest, raft.VoteResponse),
  BeginQuorumEpoch: unary(raft.BeginQuorumEpochRequest, raft.BeginQuorumEpochResponse),
  EndQuorumEpoch: unary(raft.EndQuorumEpochRequest, raft.EndQuorumEpochResponse),
  Fetch: unary(raft.FetchRequest, raft.FetchResponse),
  FetchSnapshot: unary(raft.FetchSnapshotRequest, raft.FetchSnapshotResponse),
});

/** The type of RAFT_SERVICE, for `RpcClient<RaftService>` and `ServiceHandlers<RaftService>`. */
export type RaftService = typeof RAFT_SERVICE;
