/**
 * Proves the client's failure behaviour against real servers on 127.0.0.1: a call to a handler
 * that never answers fails with DEADLINE_EXCEEDED within its deadline plus a small margin (and
 * the handler sees the cancellation); a peer with nothing listening fails at once with
 * UNAVAILABLE, and the same channel reaches a server started later on that port within the
 * reconnect backoff cap; deadlines are required and bounded; abort, close and the in-flight bound
 * each end calls with a typed RpcError instead of leaving them pending. A blackholed connection
 * (a TCP proxy that stops forwarding without closing anything) is dropped by keepalive.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { fromBigInt, InvariantError, PeerChannel, RAFT_SERVICE, RPC_DEFAULTS, RpcClient, RpcStatus, sluice } from '../src/index.js';
import { freePort, rpcErrorOf, sleep, startRaft, type RaftFixture } from './helpers/servers.js';

const raft = sluice.raft;
const voteRequest = (correlationId: number): sluice.raft.VoteRequest =>
  raft.VoteRequest.create({ correlationId, clusterId: 'c1', epoch: 1, candidateId: 1, lastEpoch: 0, logEndOffset: fromBigInt(0n), preVote: false });
const voteResponse = (correlationId: number): sluice.raft.VoteResponse =>
  raft.VoteResponse.create({ correlationId, error: raft.RaftError.OK, epoch: 1, voteGranted: true, preVote: false, leaderId: -1 });

/** How late a failed call may settle after its deadline on a loaded two-core machine. */
const MARGIN_MS = 1_000;

let fixtures: RaftFixture[] = [];
let channels: PeerChannel[] = [];
afterEach(async () => {
  for (const channel of channels) channel.close();
  for (const fixture of fixtures) await fixture.close();
  fixtures = [];
  channels = [];
});

async function start(...args: Parameters<typeof startRaft>): Promise<RaftFixture> {
  const fixture = await startRaft(...args);
  fixtures.push(fixture);
  return fixture;
}

function channelTo(port: number): RpcClient<typeof RAFT_SERVICE> {
  const peer = new PeerChannel({ address: `127.0.0.1:${port}` });
  channels.push(peer);
  return new RpcClient(peer, RAFT_SERVICE);
}

/** A handler that answers only when its call is cancelled, and records that it saw the signal. */
function hangUntilAborted(seen: { aborted: boolean }) {
  return (_request: unknown, context: { signal: AbortSignal }): Promise<never> =>
    new Promise((_resolve, reject) => {
      context.signal.addEventListener('abort', () => {
        seen.aborted = true;
        reject(new Error('cancelled'));
      });
    });
}

describe('PeerChannel and RpcClient', { timeout: 20_000 }, () => {
  it('fails a call to a handler that never answers with DEADLINE_EXCEEDED within the deadline', async () => {
    const seen = { aborted: false };
    const fixture = await start({ Vote: hangUntilAborted(seen) });
    const deadlineMs = 300;
    const startedAt = performance.now();
    const err = await rpcErrorOf(fixture.raft.call('Vote', voteRequest(1), { deadlineMs }));
    const elapsedMs = performance.now() - startedAt;
    assert.equal(err.code, RpcStatus.DEADLINE_EXCEEDED, err.message);
    assert.equal(err.codeName, 'DEADLINE_EXCEEDED');
    assert.equal(err.peer, `127.0.0.1:${fixture.port}`);
    assert.equal(err.method, '/sluice.raft.RaftService/Vote');
    assert.ok(elapsedMs >= deadlineMs - 20, `failed after ${elapsedMs} ms, before the deadline`);
    assert.ok(elapsedMs <= deadlineMs + MARGIN_MS, `failed after ${elapsedMs} ms`);
    for (let i = 0; i < 100 && !seen.aborted; i++) await sleep(10);
    assert.ok(seen.aborted, "the handler's signal fires once the caller's deadline passes");
    assert.equal(fixture.peer.inFlightCalls, 0);
  });

  it('fails fast with UNAVAILABLE when nothing listens, then reconnects once a server appears', async () => {
    const port = await freePort();
    const client = channelTo(port);
    for (let i = 0; i < 3; i++) {
      const startedAt = performance.now();
      const err = await rpcErrorOf(client.call('Vote', voteRequest(i), { deadlineMs: 5_000 }));
      assert.equal(err.code, RpcStatus.UNAVAILABLE, err.message);
      assert.ok(performance.now() - startedAt < MARGIN_MS, 'UNAVAILABLE long before the 5 s deadline');
      await sleep(100);
    }

    await start({ Vote: async (request) => voteResponse(request.correlationId) }, { port });
    const serverUpAt = performance.now();
    const giveUpMs = RPC_DEFAULTS.reconnectBackoffMsMax * 1.2 + MARGIN_MS;
    let lastError: unknown = null;
    for (let attempt = 0; performance.now() - serverUpAt < giveUpMs; attempt++) {
      try {
        const response = await client.call('Vote', voteRequest(100 + attempt), { deadlineMs: 500 });
        assert.equal(response.correlationId, 100 + attempt);
        return;
      } catch (err) {
        lastError = err;
        await sleep(50);
      }
    }
    assert.fail(`no successful call within ${giveUpMs} ms of the server starting: ${String(lastError)}`);
  });

  it('drops a blackholed connection by keepalive and fails calls on it by their deadline', async () => {
    const keepalive = { keepaliveTimeMs: 200, keepaliveTimeoutMs: 200 };
    const fixture = await start({ Vote: async (request) => voteResponse(request.correlationId) });
    const proxy = await startProxy(fixture.port);
    try {
      const peer = new PeerChannel({ address: `127.0.0.1:${proxy.port}`, ...keepalive });
      channels.push(peer);
      const client = new RpcClient(peer, RAFT_SERVICE);
      assert.equal((await client.call('Vote', voteRequest(1), { deadlineMs: 2_000 })).correlationId, 1);
      assert.equal(peer.connectivity(), 'READY');

      const blackholedAt = performance.now();
      proxy.blackhole();
      const err = await rpcErrorOf(client.call('Vote', voteRequest(2), { deadlineMs: 300 }));
      assert.ok([RpcStatus.DEADLINE_EXCEEDED, RpcStatus.UNAVAILABLE].includes(err.code), err.message);
      assert.ok(performance.now() - blackholedAt <= 300 + MARGIN_MS);
      const boundMs = keepalive.keepaliveTimeMs + keepalive.keepaliveTimeoutMs + MARGIN_MS;
      while (peer.connectivity() === 'READY' && performance.now() - blackholedAt <= boundMs) await sleep(20);
      const detectedMs = performance.now() - blackholedAt;
      assert.notEqual(peer.connectivity(), 'READY', `still READY ${detectedMs} ms after the blackhole`);
    } finally {
      await proxy.close();
    }
  });

  it('requires a positive, finite, bounded deadline', async () => {
    const fixture = await start({});
    for (const deadlineMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, RPC_DEFAULTS.deadlineMsMax + 1]) {
      assert.throws(() => fixture.raft.call('Vote', voteRequest(1), { deadlineMs }), InvariantError, String(deadlineMs));
    }
  });

  it('cancels a call when its signal aborts', async () => {
    const fixture = await start({ Vote: hangUntilAborted({ aborted: false }) });
    const controller = new AbortController();
    const pending = fixture.raft.call('Vote', voteRequest(1), { deadlineMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    assert.equal((await rpcErrorOf(pending)).code, RpcStatus.CANCELLED);
    const already = await rpcErrorOf(fixture.raft.call('Vote', voteRequest(2), { deadlineMs: 1_000, signal: controller.signal }));
    assert.equal(already.code, RpcStatus.CANCELLED);
  });

  it('cancels calls in flight on close and refuses calls after it', async () => {
    const fixture = await start({ Vote: hangUntilAborted({ aborted: false }) });
    const pending = fixture.raft.call('Vote', voteRequest(1), { deadlineMs: 10_000 });
    await sleep(50);
    fixture.peer.close();
    assert.equal((await rpcErrorOf(pending)).code, RpcStatus.CANCELLED);
    assert.equal((await rpcErrorOf(fixture.raft.call('Vote', voteRequest(2), { deadlineMs: 1_000 }))).code, RpcStatus.CANCELLED);
    assert.equal(fixture.peer.connectivity(), 'SHUTDOWN');
  });

  it('refuses a call beyond inFlightCallsMax with RESOURCE_EXHAUSTED', async () => {
    const fixture = await start({ Vote: hangUntilAborted({ aborted: false }) }, { peer: { inFlightCallsMax: 2 } });
    const pending = [1, 2].map((id) => fixture.raft.call('Vote', voteRequest(id), { deadlineMs: 10_000 }));
    const err = await rpcErrorOf(fixture.raft.call('Vote', voteRequest(3), { deadlineMs: 10_000 }));
    assert.equal(err.code, RpcStatus.RESOURCE_EXHAUSTED);
    assert.equal(fixture.peer.inFlightCalls, 2);
    fixture.peer.close();
    for (const call of pending) assert.equal((await rpcErrorOf(call)).code, RpcStatus.CANCELLED);
  });

  it('refuses a response larger than messageBytesMax with RESOURCE_EXHAUSTED', async () => {
    const fixture = await start(
      {
        FetchSnapshot: async (request) =>
          raft.FetchSnapshotResponse.create({ correlationId: request.correlationId, chunk: Buffer.alloc(64 * 1024) }),
      },
      { peer: { messageBytesMax: 16 * 1024 } },
    );
    const request = raft.FetchSnapshotRequest.create({ correlationId: 1, maxBytes: 64 * 1024 });
    const err = await rpcErrorOf(fixture.raft.call('FetchSnapshot', request, { deadlineMs: 5_000 }));
    assert.equal(err.code, RpcStatus.RESOURCE_EXHAUSTED, err.message);
  });
});

/** A TCP proxy on 127.0.0.1 for one connection that can turn into a blackhole. */
interface Proxy {
  port: number;
  /** Stops forwarding in both directions and never answers again; nothing is closed or reset. */
  blackhole(): void;
  close(): Promise<void>;
}

async function startProxy(targetPort: number): Promise<Proxy> {
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.push(client, upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    // Errors end these test sockets; the assertions look at the client's channel alone.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    port: address.port,
    blackhole: () => {
      for (const socket of sockets) {
        socket.unpipe();
        socket.removeAllListeners('data');
        socket.pause();
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
