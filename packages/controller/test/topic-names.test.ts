/**
 * Proves Kafka's topic name rule (1-249 of [a-zA-Z0-9._-], not '.' or '..') and the '.'/'_'
 * collision key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topicCollisionKey, topicNameProblem } from '../src/index.js';

test('legal names pass', () => {
  for (const name of ['a', 'A-b_c.9', '...', 'x'.repeat(249)]) assert.equal(topicNameProblem(name), null, name);
});

test('illegal names are refused with a reason', () => {
  for (const name of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'ü', 'a\n']) assert.ok(topicNameProblem(name), JSON.stringify(name));
});

test("names equal up to '.' and '_' share a collision key", () => {
  assert.equal(topicCollisionKey('a.b_c'), topicCollisionKey('a_b.c'));
  assert.notEqual(topicCollisionKey('a.b'), topicCollisionKey('ab'));
});
