import { freePort } from '@sluice/testkit';
import {
  PeerChannel,
  RAFT_SERVICE,
  RpcClient,
  RpcError,
  RpcServer,
  RpcStatus,
  type PeerChannelOptions,
  type RaftService,
  type RpcServerOptions,
  type ServiceHandlers,
} from '../../src/index.js';

export { freePort };

/** Handlers for every RaftService method; the ones a test leaves out answer UNIMPLEMENTED. */
export function raftHandlers(overrides: Partial<ServiceHandlers<RaftService>>): ServiceHandlers<RaftService> {
  const unimplemented = async (): Promise<never> => {
    throw new RpcError(RpcStatus.UNIMPLEMENTED, 'not in this test', { peer: 'test', method: 'test' });
  };
  return {
    Vote: overrides.Vote ?? unimplemented,
    BeginQuorumEpoch: overrides.BeginQuorumEpoch ?? unimplemented,
    EndQuorumEpoch: overrides.EndQuorumEpoch ?? unimplemented,
    Fetch: overrides.Fetch ?? unimplemented,
    FetchSnapshot: overrides.FetchSnapshot ?? unimplemented,
  };
}

/** A running RaftService server on 127.0.0.1 and a client connected to it. */
export interface RaftFixture {
  server: RpcServer;
  port: number;
  peer: PeerChannel;
  raft: RpcClient<RaftService>;
  /** Closes the client, then shuts the server down. */
  close(): Promise<void>;
}

/** Starts a RaftService server on an ephemeral (or the given) port with a client for it. */
export async function startRaft(
  handlers: Partial<ServiceHandlers<RaftService>>,
  options: { port?: number; server?: RpcServerOptions; peer?: Omit<PeerChannelOptions, 'address'> } = {},
): Promise<RaftFixture> {
  const server = new RpcServer(options.server);
  server.addService(RAFT_SERVICE, raftHandlers(handlers));
  const port = await server.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const peer = new PeerChannel({ ...options.peer, address: `127.0.0.1:${port}` });
  return {
    server,
    port,
    peer,
    raft: new RpcClient(peer, RAFT_SERVICE),
    close: async () => {
      peer.close();
      await server.shutdown();
    },
  };
}

/** The RpcError a promise rejects with; fails if it resolves or rejects with something else. */
export async function rpcErrorOf(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RpcError) return err;
    throw new Error('expected an RpcError', { cause: err });
  }
  throw new Error('expected an RpcError, but the call succeeded');
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
