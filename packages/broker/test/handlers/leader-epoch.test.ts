/**
 * Proves the KIP-320 leader epoch check: -1 from the client means "not checked", an equal epoch
 * passes, an older one is FENCED_LEADER_EPOCH and a newer one is UNKNOWN_LEADER_EPOCH.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@sluice/protocol';
import { leaderEpochError } from '../../src/handlers/leader-epoch.js';

test('-1 is never checked', () => {
  assert.equal(leaderEpochError(-1, 0), null);
  assert.equal(leaderEpochError(-1, 42), null);
});

test('the current epoch passes', () => {
  assert.equal(leaderEpochError(0, 0), null);
  assert.equal(leaderEpochError(7, 7), null);
});

test('an older epoch is FENCED_LEADER_EPOCH (74)', () => {
  assert.equal(leaderEpochError(4, 5), ErrorCode.FENCED_LEADER_EPOCH);
  assert.equal(leaderEpochError(0, 5), ErrorCode.FENCED_LEADER_EPOCH);
  assert.equal(ErrorCode.FENCED_LEADER_EPOCH, 74);
});

test('a newer epoch is UNKNOWN_LEADER_EPOCH (75)', () => {
  assert.equal(leaderEpochError(6, 5), ErrorCode.UNKNOWN_LEADER_EPOCH);
  assert.equal(leaderEpochError(1, 0), ErrorCode.UNKNOWN_LEADER_EPOCH);
  assert.equal(ErrorCode.UNKNOWN_LEADER_EPOCH, 75);
});
