/**
 * Every error code we answer with has the number and retriable flag a client decodes it by: checked
 * against kafkajs's own table (a wrong number, e.g. 73 for FENCED_LEADER_EPOCH, makes clients treat
 * a retriable epoch error as a fatal one).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { ErrorCode, errorInfo } from '../src/index.js';

interface KafkajsError { type: string; code: number; retriable: boolean }
const require = createRequire(import.meta.url);
const { errorCodes } = require('kafkajs/src/protocol/error.js') as { errorCodes: KafkajsError[] };

/** Names kafkajs 2.2.4 still uses from before Kafka renamed them. */
const OLD_NAMES: Record<string, string> = {
  UNKNOWN_SERVER_ERROR: 'UNKNOWN',
  NOT_LEADER_OR_FOLLOWER: 'NOT_LEADER_FOR_PARTITION',
  COORDINATOR_LOAD_IN_PROGRESS: 'GROUP_LOAD_IN_PROGRESS',
  COORDINATOR_NOT_AVAILABLE: 'GROUP_COORDINATOR_NOT_AVAILABLE',
  NOT_COORDINATOR: 'NOT_COORDINATOR_FOR_GROUP',
};
/** Codes newer than kafkajs 2.2.4's table (numbers from Kafka's protocol guide). */
const NEWER = new Set(['UNKNOWN_TOPIC_ID', 'INCONSISTENT_TOPIC_ID']);

test('every error code has the number and retriable flag kafkajs decodes', () => {
  const byCode = new Map(errorCodes.map((e) => [e.code, e]));
  for (const [name, code] of Object.entries(ErrorCode)) {
    if (name === 'NONE' || NEWER.has(name)) continue;
    const theirs = byCode.get(code);
    assert.ok(theirs, `${name} (${code}) is not a code kafkajs knows`);
    assert.equal(theirs.type, OLD_NAMES[name] ?? name, `code ${code}`);
    assert.equal(errorInfo(code)!.retriable, theirs.retriable, `${name} retriable`);
  }
  assert.equal(ErrorCode.UNKNOWN_TOPIC_ID, 100);
  assert.equal(ErrorCode.INCONSISTENT_TOPIC_ID, 103);
});
