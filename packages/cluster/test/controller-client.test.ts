/**
 * Proves how a broker's ControllerClient gets away from a controller that stopped answering (a
 * SIGSTOPped node keeps its socket open, so calls hang until their deadline): it walks on to the
 * next voter instead of asking the silent one again, it follows a change of the quorum leader its
 * own node reports, and a stale report does not pin it to the silent controller. It also checks that
 * a heartbeat attempt's deadline stays below the broker session, so one hung attempt cannot outlast
 * the session a newly active controller grants. Real gRPC servers on 127.0.0.1: a "silent" one
 * whose handlers never answer and counts the calls it got, and a live one that answers OK.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Logger } from '@sluice/broker';
import { CONTROLLER_SERVICE, RpcServer, sluice, type ServiceHandlers, type ControllerService } from '@sluice/rpc';
import { lifecycleAttemptDeadlineMs } from '../src/broker-registration.js';
import { ControllerClient } from '../src/controller-client.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, fatal: () => undefined };
const logger = { ...silent, child: () => logger } as unknown as Logger;
const HEARTBEAT = { brokerId: 9, brokerEpoch: 1, metadataOffset: 0, wantFence: false, wantShutDown: false };
/** Short attempts keep the test quick; the walk logic does not depend on the value. */
const ATTEMPT_DEADLINE_MS = 200;

const servers: RpcServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.shutdown())); });

/** Starts a controller service whose BrokerHeartbeat is `answer`; every other method is unused here. */
async function controllerServer(answer: ServiceHandlers<ControllerService>['BrokerHeartbeat']): Promise<number> {
  const unused = async (): Promise<never> => { throw new Error('not used in this test'); };
  const handlers = Object.fromEntries(Object.keys(CONTROLLER_SERVICE.methods).map((m) => [m, unused])) as unknown as ServiceHandlers<ControllerService>;
  const server = new RpcServer({ shutdownGraceMs: 10 });
  server.addService(CONTROLLER_SERVICE, { ...handlers, BrokerHeartbeat: answer });
  servers.push(server);
  return server.listen({ host: '127.0.0.1', port: 0 });
}

/** A frozen controller: every call waits until its caller gives up. */
async function silentController(): Promise<{ port: number; calls: () => number }> {
  let calls = 0;
  const port = await controllerServer((_request, context) => {
    calls++;
    return new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('caller gave up'))));
  });
  return { port, calls: () => calls };
}

async function liveController(): Promise<number> {
  return controllerServer(async () => ({ error: sluice.controller.ControllerError.OK, leaderId: 2, isCaughtUp: true, isFenced: false, shouldShutDown: false }));
}

function clientFor(ports: { id: number; port: number }[], leaderHint?: () => number | null): ControllerClient {
  const voters = ports.map(({ id, port }) => ({ id, host: '127.0.0.1', port }));
  return new ControllerClient(voters, 'cluster', 2_000, logger, leaderHint);
}

test('after the controller it asked does not answer, it walks on to the next voter instead of asking the silent one again', async () => {
  const frozen = await silentController();
  const client = clientFor([{ id: 1, port: frozen.port }, { id: 2, port: await liveController() }]);
  try {
    const response = await client.call<{ error: number; leaderId: number; isFenced: boolean }>('BrokerHeartbeat', HEARTBEAT, { attemptDeadlineMs: ATTEMPT_DEADLINE_MS });
    assert.equal(response.isFenced, false);
    assert.equal(frozen.calls(), 1, 'the silent controller was asked once, then the walk moved on');
  } finally {
    client.close();
  }
});

test('a quorum leader newly reported by its own node is asked first', async () => {
  const frozen = await silentController();
  const client = clientFor([{ id: 1, port: frozen.port }, { id: 2, port: await liveController() }], () => 2);
  try {
    const response = await client.call<{ error: number; leaderId: number; isFenced: boolean }>('BrokerHeartbeat', HEARTBEAT, { attemptDeadlineMs: ATTEMPT_DEADLINE_MS });
    assert.equal(response.isFenced, false);
    assert.equal(frozen.calls(), 0, 'the reported leader answered without a detour to the silent voter');
  } finally {
    client.close();
  }
});

test('a stale leader report does not pin the client to a controller that stopped answering', async () => {
  const frozen = await silentController();
  // The node's quorum member still names voter 1 (its fetch timeout has not fired yet).
  const client = clientFor([{ id: 1, port: frozen.port }, { id: 2, port: await liveController() }], () => 1);
  try {
    const response = await client.call<{ error: number; leaderId: number; isFenced: boolean }>('BrokerHeartbeat', HEARTBEAT, { attemptDeadlineMs: ATTEMPT_DEADLINE_MS });
    assert.equal(response.isFenced, false);
    assert.equal(frozen.calls(), 1, 'an unchanged report is followed once, not after every failed attempt');
  } finally {
    client.close();
  }
});

test('a registration or heartbeat attempt gives up within half the broker session', () => {
  for (const brokerSessionTimeoutMs of [10, 1_500, 9_000]) {
    const deadlineMs = lifecycleAttemptDeadlineMs({ brokerSessionTimeoutMs });
    assert.ok(deadlineMs > 0 && deadlineMs * 2 <= brokerSessionTimeoutMs, `${deadlineMs} ms for a ${brokerSessionTimeoutMs} ms session`);
  }
});
