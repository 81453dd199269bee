/**
 * Proves the BrokerSessions table: it is immutable, the clock of a session never goes back, a
 * new broker epoch starts a fresh session (not shutting down), and only sessions of a broker's
 * current registration count.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerSessions } from '../../src/index.js';
import { clusterImage, registerRecord } from '../support/fixtures.js';

test('touch records the latest heartbeat and never moves the clock back', () => {
  const a = BrokerSessions.EMPTY.touch({ brokerId: 1, brokerEpoch: 10n, nowMs: 50 });
  const b = a.touch({ brokerId: 1, brokerEpoch: 10n, nowMs: 40 });
  assert.equal(BrokerSessions.EMPTY.get(1), undefined);
  assert.equal(a.get(1)!.lastHeartbeatMs, 50);
  assert.equal(b.get(1)!.lastHeartbeatMs, 50);
});

test('a new epoch starts a fresh session that is not shutting down', () => {
  const s = BrokerSessions.EMPTY.touch({ brokerId: 1, brokerEpoch: 10n, nowMs: 50 }).beginShutdown(1);
  assert.equal(s.get(1)!.shuttingDown, true);
  const fresh = s.touch({ brokerId: 1, brokerEpoch: 11n, nowMs: 20 });
  assert.deepEqual(fresh.get(1), { brokerEpoch: 11n, lastHeartbeatMs: 20, shuttingDown: false });
});

test('only sessions of the current registration count', () => {
  const image = clusterImage([1, 2]);
  const s = BrokerSessions.EMPTY
    .touch({ brokerId: 1, brokerEpoch: 10n, nowMs: 0 }).beginShutdown(1)
    .touch({ brokerId: 2, brokerEpoch: 19n, nowMs: 0 }).beginShutdown(2);
  assert.deepEqual([...s.shuttingDown(image)], [1]);
  assert.equal(s.current(image, 2), undefined);
  assert.equal(s.current(image.apply(registerRecord(1, { brokerEpoch: 12n })), 1), undefined);
  assert.equal(s.remove(1).get(1), undefined);
  assert.equal(BrokerSessions.EMPTY.beginShutdown(3), BrokerSessions.EMPTY);
});
