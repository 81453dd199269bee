import { PeerChannel, RAFT_SERVICE, RpcClient, type CallContext, type RaftService, type RpcLogger, type ServiceHandlers } from '@sluice/rpc';
import type { RaftRequest } from '../core/messages.js';
import type { QuorumDriver, QuorumTransport, RaftResponse } from './quorum-driver.js';
import { METHOD_OF, requestFromWire, requestToWire, responseFromWire, responseToWire, senderOf } from './wire.js';

/** Where a quorum voter listens (controller.quorum.voters). */
export interface VoterAddress {
  id: number;
  host: string;
  port: number;
}

/**
 * Reaches the quorum's voters over gRPC: one channel per voter (grpc-js reconnects with backoff
 * and keepalives detect dead peers), every call with the driver's deadline. Voters answer
 * observers but never call them (pull replication), so voters are the only addresses needed.
 */
export class GrpcQuorumTransport implements QuorumTransport {
  private readonly clients = new Map<number, RpcClient<RaftService>>();

  constructor(voters: readonly VoterAddress[], logger?: RpcLogger) {
    for (const v of voters) {
      const channel = new PeerChannel({ address: `${v.host}:${v.port}`, ...(logger ? { logger } : {}) });
      this.clients.set(v.id, new RpcClient(channel, RAFT_SERVICE));
    }
  }

  async request(to: number, request: RaftRequest, deadlineMs: number): Promise<RaftResponse> {
    const client = this.clients.get(to);
    if (!client) throw new Error(`no address for quorum node ${to}`);
    const method = METHOD_OF[request.kind];
    // The generated request type differs per method; requestToWire builds the one `method` takes.
    const response = await client.call(method, requestToWire(request) as never, { deadlineMs });
    return responseFromWire(request.kind, response as unknown as Record<string, unknown>);
  }

  close(): void {
    for (const client of this.clients.values()) client.peer.close();
  }
}

/** The RaftService handlers that feed a driver: each request is stepped into the core and its answer returned. */
export function raftServiceHandlers(driver: () => QuorumDriver): ServiceHandlers<RaftService> {
  const serve = (kind: RaftRequest['kind']) => async (message: unknown, _ctx: CallContext) => {
    const request = requestFromWire(kind, message as Record<string, unknown>);
    return responseToWire(await driver().handleRequest(senderOf(request), request)) as never;
  };
  return {
    Vote: serve('VoteRequest'),
    BeginQuorumEpoch: serve('BeginQuorumEpochRequest'),
    EndQuorumEpoch: serve('EndQuorumEpochRequest'),
    Fetch: serve('FetchRequest'),
    FetchSnapshot: serve('FetchSnapshotRequest'),
  };
}
