/**
 * Proves that topicNameProblem applies Kafka's topic name rule (Topic.validate): 1 to 249
 * characters from ASCII letters, digits, '.', '_' and '-', and never "." or "..".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topicNameProblem } from '../../src/metadata/topic-name.js';

test('names made of the legal characters pass', () => {
  for (const name of ['t', 'orders', 'Orders.v2_final-1', '__consumer_offsets', '...', '.hidden', '-', '0']) {
    assert.equal(topicNameProblem(name), null, name);
  }
});

test('249 characters pass and 250 are refused', () => {
  assert.equal(topicNameProblem('a'.repeat(249)), null);
  assert.match(topicNameProblem('a'.repeat(250)) ?? '', /longer than 249 characters/);
});

test('the empty name is refused', () => {
  assert.match(topicNameProblem('') ?? '', /empty/);
});

test('"." and ".." are refused', () => {
  assert.match(topicNameProblem('.') ?? '', /cannot be "\." or "\.\."/);
  assert.match(topicNameProblem('..') ?? '', /cannot be "\." or "\.\."/);
});

test('any other character is refused, and the message quotes the name', () => {
  for (const name of ['a b', 'a/b', 'a:b', 'a,b', 'café', 'a\nb', 'tab\t', 'a+b', 'a*']) {
    const problem = topicNameProblem(name);
    assert.ok(problem !== null, JSON.stringify(name));
    assert.match(problem, /is illegal/);
    assert.ok(problem.includes(`"${name}"`));
  }
});
