/**
 * Bad configuration stops the start with a message naming the key and what is allowed; an
 * unknown key is only warned about; a bad command-line flag is named.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SLUICE_BIN, tempDir, NodeProcess } from '@sluice/testkit';
import { run } from './support/run.js';

test('an invalid value names the key and what is allowed', async () => {
  const dir = tempDir();
  try {
    const cases: [string, RegExp][] = [
      ['num.partitions=0', /num\.partitions: 0 is out of range; expected a whole number from 1/],
      ['auto.create.topics.enable=maybe', /auto\.create\.topics\.enable: 'maybe' is not allowed; expected true or false/],
      ['listeners=localhost:9092', /listeners: 'localhost:9092' is not NAME:\/\/host:port/],
      ['message.max.bytes=lots', /message\.max\.bytes: 'lots' is not allowed; expected a whole number/],
    ];
    for (const [override, expected] of cases) {
      const result = await run(process.execPath, [SLUICE_BIN, 'server', 'start', '--override', `log.dirs=${dir.path}`, '--override', override]);
      assert.notEqual(result.code, 0, override);
      assert.match(result.stderr, expected);
    }
  } finally {
    dir.remove();
  }
});

test('a config file with an unknown key starts, warning about the key by name', async () => {
  const dir = tempDir();
  const file = join(dir.path, 'server.properties');
  writeFileSync(file, '# test config\nnum.partitions=2\nsome.unknown.key=1\n');
  const node = await NodeProcess.start({ dataDir: join(dir.path, 'data'), overrides: [], configFile: file });
  try {
    assert.match(node.logs, /unknown config key 'some\.unknown\.key' is ignored/);
  } finally {
    await node.kill();
    dir.remove();
  }
});

test('a config file that does not exist and a bad flag are reported', async () => {
  const missing = await run(process.execPath, [SLUICE_BIN, 'server', 'start', '/nonexistent/server.properties']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /cannot read config file \/nonexistent\/server\.properties/);
  const badFlag = await run(process.execPath, [SLUICE_BIN, 'server', 'start', '--bogus-flag']);
  assert.notEqual(badFlag.code, 0);
  assert.match(badFlag.stderr, /Unknown argument: bogus-flag\n/);
});
