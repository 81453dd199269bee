/**
 * Proves that parseProperties reads server.properties text the way Kafka's Java loader does for
 * the forms operators write (`#` and `!` comments, blank lines, `=` or `:` separators, trimmed
 * keys and values, backslash continuations, the last duplicate winning), and that parseOverride
 * splits `key=value` and refuses anything without a key before the first '='.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseOverride, parseProperties } from '../../src/config/properties.js';

function parsed(text: string): Record<string, string> {
  return Object.fromEntries(parseProperties(text));
}

test('comments starting with # or ! and blank lines are skipped', () => {
  const text = '# a comment\n! another\n\n   \n  # indented comment\nnode.id=3\n';
  assert.deepEqual(parsed(text), { 'node.id': '3' });
});

test('key=value and key: value both separate at the first = or :', () => {
  assert.deepEqual(parsed('a=1\nb: 2\nc:3\nlisteners=PLAINTEXT://h:9092'), {
    a: '1', b: '2', c: '3', listeners: 'PLAINTEXT://h:9092',
  });
});

test('whitespace around keys and values is trimmed, and CRLF line ends are accepted', () => {
  assert.deepEqual(parsed('  log.dir =  /tmp/x  \r\nnum.partitions\t=\t4\r\n'), { 'log.dir': '/tmp/x', 'num.partitions': '4' });
});

test('a key with no separator has an empty value', () => {
  assert.deepEqual(parsed('lonely\nempty='), { lonely: '', empty: '' });
});

test('a trailing backslash joins the next line, whose leading whitespace is dropped', () => {
  const text = 'listeners=PLAINTEXT://a:1,\\\n    PLAINTEXT://b:2\nnext=x';
  assert.deepEqual(parsed(text), { listeners: 'PLAINTEXT://a:1,PLAINTEXT://b:2', next: 'x' });
});

test('a continuation can span several lines', () => {
  assert.deepEqual(parsed('k=a\\\n b\\\n c'), { k: 'abc' });
});

test('an escaped backslash (an even run) at a line end does not continue the line', () => {
  assert.deepEqual(parsed('dir=C:\\\\\nnode.id=2'), { dir: 'C:\\', 'node.id': '2' });
});

test('the last occurrence of a key wins', () => {
  assert.deepEqual(parsed('node.id=1\nnode.id=2\nnode.id=7'), { 'node.id': '7' });
});

test('parseOverride splits at the first = and trims both sides', () => {
  assert.deepEqual(parseOverride('node.id=5'), ['node.id', '5']);
  assert.deepEqual(parseOverride(' log.dir = /a=b '), ['log.dir', '/a=b']);
  assert.deepEqual(parseOverride('advertised.listeners='), ['advertised.listeners', '']);
});

test('parseOverride refuses text without = or with nothing before it', () => {
  for (const bad of ['node.id', '=5', '']) {
    assert.throws(() => parseOverride(bad), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /key=value/);
      assert.ok(err.message.includes(`'${bad}'`));
      return true;
    });
  }
});

test('parseOverride refuses a key that is only whitespace', () => {
  assert.throws(() => parseOverride(' =5'), ConfigError);
});
