/**
 * Proves the acks=all waiter set: release in offset order once the high watermark reaches each
 * required offset, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below the waiter's
 * min.insync.replicas, expiry at the deadline, failAll on leadership loss, and the bound.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@sluice/protocol';
import { AckWaiters } from '../../../src/replica/core/ack-waiters.js';
import { InvariantError } from '../../../src/replica/core/errors.js';

function waiter(value: string, requiredOffset: number, deadlineMs = 1000, minInsyncReplicas = 2) {
  return { value, requiredOffset: BigInt(requiredOffset), deadlineMs, minInsyncReplicas };
}

test('release: the waiters the high watermark reached, in offset order, each once', () => {
  const w = new AckWaiters<string>({ waitersMax: 10 });
  w.add(waiter('b', 5));
  w.add(waiter('a', 3));
  w.add(waiter('c', 9));
  w.add(waiter('b2', 5));
  assert.deepEqual(w.release(2n, 3), []);
  assert.deepEqual(w.release(5n, 3).map((c) => [c.value, c.errorCode]), [['a', 0], ['b', 0], ['b2', 0]]);
  assert.deepEqual(w.release(5n, 3), []);
  assert.equal(w.size, 1);
  assert.deepEqual(w.release(100n, 3).map((c) => c.value), ['c']);
});

test('release: NOT_ENOUGH_REPLICAS_AFTER_APPEND when the committed ISR is below the waiter\'s min.insync.replicas', () => {
  const w = new AckWaiters<string>({ waitersMax: 10 });
  w.add(waiter('strict', 1, 1000, 3));
  w.add(waiter('lenient', 2, 1000, 1));
  assert.deepEqual(w.release(2n, 2).map((c) => [c.value, c.errorCode]),
    [['strict', ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND], ['lenient', ErrorCode.NONE]]);
  assert.equal(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, 20);
});

test('expire: REQUEST_TIMED_OUT for waiters at or past their deadline; nextDeadlineMs follows', () => {
  const w = new AckWaiters<string>({ waitersMax: 10 });
  w.add(waiter('late', 1, 300));
  w.add(waiter('early', 2, 100));
  assert.equal(w.nextDeadlineMs(), 100);
  assert.deepEqual(w.expire(99), []);
  assert.deepEqual(w.expire(100).map((c) => [c.value, c.errorCode]), [['early', ErrorCode.REQUEST_TIMED_OUT]]);
  assert.equal(w.nextDeadlineMs(), 300);
  w.expire(1000);
  assert.equal(w.nextDeadlineMs(), null);
});

test('failAll: every waiter with the given code (leadership lost)', () => {
  const w = new AckWaiters<string>({ waitersMax: 10 });
  w.add(waiter('a', 1));
  w.add(waiter('b', 2));
  assert.deepEqual(w.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER).map((c) => [c.value, c.errorCode]), [['a', 6], ['b', 6]]);
  assert.equal(w.size, 0);
  assert.throws(() => w.failAll(ErrorCode.NONE), InvariantError);
});

test('bounded: beyond waitersMax, add refuses and changes nothing', () => {
  const w = new AckWaiters<string>({ waitersMax: 2 });
  assert.deepEqual(w.add(waiter('a', 1)), { added: true });
  assert.equal(w.isFull, false);
  assert.deepEqual(w.add(waiter('b', 2)), { added: true });
  assert.equal(w.isFull, true);
  assert.deepEqual(w.add(waiter('c', 3)), { added: false, reason: 'full' });
  assert.deepEqual(w.release(10n, 3).map((c) => c.value), ['a', 'b']);
  assert.throws(() => new AckWaiters({ waitersMax: 0 }), InvariantError);
});
