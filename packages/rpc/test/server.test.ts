/**
 * Proves the server's lifecycle and error mapping on 127.0.0.1: port 0 binds an ephemeral port;
 * several services share one server; handler failures become statuses (RpcError keeps its code,
 * anything else is INTERNAL); misuse is an InvariantError; shutdown is clean (the port is free
 * again, clients see UNAVAILABLE, a second shutdown is a no-op), lets a long-poll handler answer
 * through its aborted signal, and is bounded even when a handler ignores its signal.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import {
  CONTROLLER_SERVICE,
  fromBigInt,
  InvariantError,
  PeerChannel,
  RAFT_SERVICE,
  RpcClient,
  RpcError,
  RpcServer,
  RpcStatus,
  sluice,
  type ControllerService,
  type ServiceHandlers,
} from '../src/index.js';
import { raftHandlers, rpcErrorOf, sleep, startRaft } from './helpers/servers.js';

const raft = sluice.raft;
const controller = sluice.controller;
const beginRequest = raft.BeginQuorumEpochRequest.create({ correlationId: 1, clusterId: 'c1', epoch: 2, leaderId: 3 });
const CALL = { deadlineMs: 5_000 };

/** Resolves true if a plain TCP server can listen on the port right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function controllerHandlers(): ServiceHandlers<ControllerService> {
  const refuse = async (): Promise<never> => {
    throw new RpcError(RpcStatus.UNIMPLEMENTED, 'not in this test', { peer: 'test', method: 'test' });
  };
  return {
    RegisterBroker: async (request) => controller.RegisterBrokerResponse.create({ brokerEpoch: fromBigInt(BigInt(request.brokerId) * 10n) }),
    BrokerHeartbeat: refuse,
    AlterPartition: refuse,
    CreateTopics: refuse,
    DeleteTopics: refuse,
    CreatePartitions: refuse,
    AlterConfigs: refuse,
  };
}

describe('RpcServer', { timeout: 20_000 }, () => {
  it('binds an ephemeral port and serves several services on it', async () => {
    const server = new RpcServer();
    server.addService(RAFT_SERVICE, raftHandlers({ BeginQuorumEpoch: async (request) => raft.BeginQuorumEpochResponse.create({ epoch: request.epoch }) }));
    server.addService(CONTROLLER_SERVICE, controllerHandlers());
    const port = await server.listen({ host: '127.0.0.1', port: 0 });
    assert.ok(port > 0);
    const peer = new PeerChannel({ address: `127.0.0.1:${port}` });
    try {
      assert.equal((await new RpcClient(peer, RAFT_SERVICE).call('BeginQuorumEpoch', beginRequest, CALL)).epoch, 2);
      const registration = controller.RegisterBrokerRequest.create({ brokerId: 4 });
      const response = await new RpcClient(peer, CONTROLLER_SERVICE).call('RegisterBroker', registration, CALL);
      assert.equal(response.brokerEpoch.toString(), '40');
    } finally {
      peer.close();
      await server.shutdown();
    }
  });

  it('answers with the code of a thrown RpcError and INTERNAL for any other error', async () => {
    const fixture = await startRaft({
      Vote: async () => {
        throw new RpcError(RpcStatus.FAILED_PRECONDITION, 'not ready', { peer: 'x', method: 'y' });
      },
      BeginQuorumEpoch: async () => {
        throw new TypeError('boom');
      },
    });
    try {
      const vote = await rpcErrorOf(fixture.raft.call('Vote', raft.VoteRequest.create({}), CALL));
      assert.equal(vote.code, RpcStatus.FAILED_PRECONDITION);
      assert.equal(vote.details, 'not ready');
      const begin = await rpcErrorOf(fixture.raft.call('BeginQuorumEpoch', beginRequest, CALL));
      assert.equal(begin.code, RpcStatus.INTERNAL);
      assert.equal(begin.details, 'TypeError: boom');
      const unimplemented = await rpcErrorOf(fixture.raft.call('Fetch', raft.FetchRequest.create({}), CALL));
      assert.equal(unimplemented.code, RpcStatus.UNIMPLEMENTED);
    } finally {
      await fixture.close();
    }
  });

  it('refuses misuse with InvariantError', async () => {
    const server = new RpcServer();
    const incomplete = { ...raftHandlers({}), Fetch: undefined } as unknown as ServiceHandlers<typeof RAFT_SERVICE>;
    assert.throws(() => server.addService(RAFT_SERVICE, incomplete), InvariantError);
    server.addService(RAFT_SERVICE, raftHandlers({}));
    assert.throws(() => server.addService(RAFT_SERVICE, raftHandlers({})), InvariantError);
    await server.listen({ host: '127.0.0.1', port: 0 });
    assert.throws(() => server.addService(CONTROLLER_SERVICE, controllerHandlers()), InvariantError);
    await assert.rejects(server.listen({ host: '127.0.0.1', port: 0 }), InvariantError);
    await server.shutdown();
  });

  it('shuts down cleanly: the port is free again and clients see UNAVAILABLE', async () => {
    const fixture = await startRaft({ BeginQuorumEpoch: async (request) => raft.BeginQuorumEpochResponse.create({ epoch: request.epoch }) });
    assert.equal((await fixture.raft.call('BeginQuorumEpoch', beginRequest, CALL)).epoch, 2);
    const startedAt = performance.now();
    await fixture.server.shutdown();
    assert.ok(performance.now() - startedAt < 1_000, 'an idle server stops at once');
    await fixture.server.shutdown();
    assert.ok(await canListen(fixture.port), 'the port is free after shutdown');
    const err = await rpcErrorOf(fixture.raft.call('BeginQuorumEpoch', beginRequest, CALL));
    assert.equal(err.code, RpcStatus.UNAVAILABLE, err.message);
    fixture.peer.close();
  });

  it('aborts in-flight handlers on shutdown so a long poll can answer before the grace ends', async () => {
    const fixture = await startRaft(
      {
        Fetch: (request, context) =>
          new Promise((resolve) => {
            context.signal.addEventListener('abort', () => resolve(raft.FetchResponse.create({ correlationId: request.correlationId })));
          }),
      },
      { server: { shutdownGraceMs: 5_000 } },
    );
    const pending = fixture.raft.call('Fetch', raft.FetchRequest.create({ correlationId: 9 }), { deadlineMs: 10_000 });
    await sleep(100);
    const startedAt = performance.now();
    await fixture.server.shutdown();
    assert.ok(performance.now() - startedAt < 1_000, 'shutdown did not wait for the grace period');
    assert.equal((await pending).correlationId, 9);
    fixture.peer.close();
  });

  it('bounds shutdown when a handler ignores its signal', async () => {
    const shutdownGraceMs = 300;
    const fixture = await startRaft({ Fetch: () => new Promise(() => undefined) }, { server: { shutdownGraceMs } });
    const pending = rpcErrorOf(fixture.raft.call('Fetch', raft.FetchRequest.create({}), { deadlineMs: 10_000 }));
    await sleep(100);
    const startedAt = performance.now();
    await fixture.server.shutdown();
    const elapsedMs = performance.now() - startedAt;
    assert.ok(elapsedMs >= shutdownGraceMs - 20 && elapsedMs < shutdownGraceMs + 1_500, `shutdown took ${elapsedMs} ms`);
    const err = await pending;
    assert.ok([RpcStatus.CANCELLED, RpcStatus.UNAVAILABLE, RpcStatus.INTERNAL].includes(err.code), err.message);
    assert.ok(await canListen(fixture.port));
    fixture.peer.close();
  });
});
