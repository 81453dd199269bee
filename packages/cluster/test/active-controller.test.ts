/**
 * Proves that the active controller plans only against an image that holds everything earlier
 * leaders committed: a node that has just become leader waits until it has applied its own
 * leader-change entry before planning, and an operation fails with NotLeaderError if leadership
 * goes while it waits. The quorum driver is a stand-in that reports a fixed status and "commits" a
 * proposal by applying it to the real MetadataState at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrokerConfig, Logger } from '@sluice/broker';
import type { RegisterBrokerRequest } from '@sluice/controller';
import { NotLeaderError, type QuorumDriver, type QuorumStatus } from '@sluice/quorum';
import { ActiveController } from '../src/active-controller.js';
import { decodeRecords, encodeRecords } from '../src/metadata-entries.js';
import { MetadataState } from '../src/metadata-state.js';
import { registerBroker } from './fixtures.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, fatal: () => undefined };
const logger = { ...silent, child: () => logger } as unknown as Logger;

/** A quorum leader of `epoch` whose proposals commit at once, in that epoch, on `state`. */
function stubDriver(state: MetadataState, status: { role: QuorumStatus['role']; epoch: number }) {
  const proposed: Uint8Array[] = [];
  const driver = {
    status: () => ({ nodeId: 1, leaderId: status.role === 'leader' ? 1 : null, ...status }) as unknown as QuorumStatus,
    propose: async (payloads: Uint8Array[]) => {
      const offset = state.appliedEndOffset;
      proposed.push(...payloads);
      state.applyCommitted(payloads.map((data, i) => ({ offset: offset + i, epoch: status.epoch, data })));
      return offset;
    },
  };
  return { driver: driver as unknown as QuorumDriver, proposed };
}

function newState(): MetadataState {
  return new MetadataState({ clusterId: 'c', clientListenerName: 'PLAINTEXT', snapshotRecordBytes: 1 << 30, onSnapshot: () => undefined });
}

const registration = (brokerId: number): RegisterBrokerRequest => ({
  brokerId, incarnationId: Buffer.alloc(16, brokerId).toString('base64url'), rack: null,
  listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + brokerId }],
});

test('a new leader plans only after applying its leader-change entry (no reused broker epoch)', async () => {
  const state = newState();
  // Applied so far: epoch 1's leader change and broker 1's registration.
  state.applyCommitted([{ offset: 0, epoch: 1, data: new Uint8Array(0) }, { offset: 1, epoch: 1, data: encodeRecords([registerBroker(1, { fenced: false, epoch: 1n })]) }]);
  const status = { role: 'leader' as const, epoch: 2 };
  const { driver, proposed } = stubDriver(state, status);
  const controller = new ActiveController({} as BrokerConfig, state, driver, logger);
  const answer = controller.registerBroker(registration(4));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(proposed.length, 0, 'nothing is planned against an image that may miss committed entries');
  // The previous leader's last committed entry (broker 3 registered with epoch 2), then this leader's leader change.
  state.applyCommitted([
    { offset: 2, epoch: 1, data: encodeRecords([registerBroker(3, { fenced: true, epoch: 2n })]) },
    { offset: 3, epoch: 2, data: new Uint8Array(0) },
  ]);
  const result = await answer;
  assert.equal(result.errorCode, 0);
  assert.equal(result.brokerEpoch, 4n, 'the broker epoch is the offset past everything committed before');
  assert.equal(proposed.length, 1);
  assert.deepEqual(decodeRecords(proposed[0]!).map((r) => r.type), ['RegisterBrokerRecord']);
});

test('an operation waiting for the leader to catch up fails with NotLeaderError when leadership goes', async () => {
  const state = newState();
  state.applyCommitted([{ offset: 0, epoch: 1, data: new Uint8Array(0) }]);
  const status: { role: QuorumStatus['role']; epoch: number } = { role: 'leader', epoch: 2 };
  const { driver, proposed } = stubDriver(state, status);
  const controller = new ActiveController({} as BrokerConfig, state, driver, logger);
  const answer = controller.registerBroker(registration(2));
  await new Promise((r) => setTimeout(r, 30));
  status.role = 'follower';
  status.epoch = 3;
  await assert.rejects(answer, NotLeaderError);
  assert.equal(proposed.length, 0);
});

test('a leader that has applied its epoch plans at once', async () => {
  const state = newState();
  state.applyCommitted([{ offset: 0, epoch: 1, data: new Uint8Array(0) }, { offset: 1, epoch: 2, data: new Uint8Array(0) }]);
  const { driver, proposed } = stubDriver(state, { role: 'leader', epoch: 2 });
  const controller = new ActiveController({} as BrokerConfig, state, driver, logger);
  const result = await controller.registerBroker(registration(2));
  assert.equal(result.brokerEpoch, 2n);
  assert.equal(proposed.length, 1);
  assert.equal(state.image.broker(2)?.brokerEpoch, 2n);
});
