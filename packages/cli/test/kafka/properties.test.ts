/**
 * Proves --command-config is read as Kafka's admin tools read it: a PLAINTEXT file passes (unused
 * keys are warned about), a file asking for TLS or SASL is refused by name, a missing file is named.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@sluice/testkit';
import { checkCommandConfig } from '../../src/kafka/properties.js';

test('--command-config: PLAINTEXT passes, TLS and SASL settings are refused by name, a missing file is named', () => {
  const dir = tempDir('command-config-');
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir.path, name), text);
    return join(dir.path, name);
  };
  try {
    assert.doesNotThrow(() => checkCommandConfig(undefined));
    assert.doesNotThrow(() => checkCommandConfig(file('plain.properties', 'security.protocol=plaintext\n')));
    assert.throws(() => checkCommandConfig(file('sasl.properties', 'security.protocol: SASL_SSL\n')), /security\.protocol=SASL_SSL is not supported; Sluice listeners speak PLAINTEXT only/);
    assert.throws(() => checkCommandConfig(file('tls.properties', 'ssl.truststore.location=/x\n')), /ssl\.truststore\.location is not supported; Sluice has no TLS or SASL/);
    assert.throws(() => checkCommandConfig(join(dir.path, 'missing.properties')), /--command-config .*missing\.properties cannot be read: ENOENT/);
  } finally {
    dir.remove();
  }
});
