/**
 * Proves the replication core stays pure (STYLE §1.1) by reading its sources: no IO or timer
 * modules, no clocks, no randomness, no timers, no async code. The repository's ESLint purity
 * rule matches `packages/*\/src/core/**`, which does not cover `src/replica/core/`, so this test
 * holds the line until that pattern is widened.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

// Compiled to dist/test/replica/; the sources are at src/replica/core/ of the package.
const CORE_DIR = new URL('../../../src/replica/core/', import.meta.url);

/** Checked against the code without comments. */
const FORBIDDEN_IMPORTS: readonly [RegExp, string][] = [
  [/from\s+'(node:)?(fs|net|dgram|child_process|worker_threads|timers)(\/promises)?'/, 'an IO or timer module'],
  [/from\s+'(@grpc\/grpc-js|pino|level|classic-level|@sluice\/(storage|rpc))'/, 'an IO package'],
];

/** Checked against the code without comments and string literals (so 'await-metadata' is fine). */
const FORBIDDEN_CODE: readonly [RegExp, string][] = [
  [/\bDate\.now\b|\bnew Date\b|\bperformance\.now\b|\bprocess\.hrtime\b/, 'a clock'],
  [/\bMath\.random\b/, 'unseeded randomness'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'a timer'],
  [/\basync\b|\bawait\b/, 'async code'],
];

test('every file of src/replica/core is free of IO, clocks, randomness, timers and awaits', () => {
  const files = readdirSync(CORE_DIR).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length >= 7, `expected the core sources, found ${files}`);
  for (const name of files) {
    const code = readFileSync(new URL(name, CORE_DIR), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const [pattern, what] of FORBIDDEN_IMPORTS) assert.doesNotMatch(code, pattern, `${name} imports ${what}`);
    const bare = code.replace(/'[^'\n]*'|`[^`]*`/g, "''");
    for (const [pattern, what] of FORBIDDEN_CODE) assert.doesNotMatch(bare, pattern, `${name} uses ${what}`);
  }
});
