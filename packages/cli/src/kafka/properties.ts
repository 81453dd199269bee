/**
 * `key=value` flags as Kafka's tools take them (`--property`, `--producer-property`,
 * `--consumer-property`, `--config`): parsed into a map, with an error naming the flag and the
 * offending text when one is not `key=value`.
 */
import { readFileSync } from 'node:fs';
import { parsePropertiesText } from '@sluice/broker';
import type { Argv } from 'yargs';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses repeated `key=value` arguments of `flag`; the last value of a repeated key wins. */
export function parseProperties(flag: string, values: readonly string[] | string | undefined): Map<string, string> {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const result = new Map<string, string>();
  for (const text of list) {
    const at = text.indexOf('=');
    if (at <= 0) throw new UsageError(`--${flag} '${text}' is not key=value`);
    result.set(text.slice(0, at).trim(), text.slice(at + 1).trim());
  }
  return result;
}

/**
 * Client properties from a `--producer.config` / `--consumer.config` file, with the `--*-property`
 * flags over them, as in Kafka's tools (the command line takes precedence over the file).
 */
export function clientProperties(fileFlag: string, file: string | undefined, flag: string, values: readonly string[] | string | undefined): Map<string, string> {
  const fromFile = file === undefined ? new Map<string, string>() : parsePropertiesText(readFlagFile(fileFlag, file));
  return new Map([...fromFile, ...parseProperties(flag, values)]);
}

/** The text of a file a flag names, or a UsageError naming the flag, the file and why it cannot be read. */
export function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A boolean property (`true`/`false`, any case), or `fallback` when absent. */
export function booleanProperty(props: ReadonlyMap<string, string>, key: string, fallback: boolean): boolean {
  const value = props.get(key);
  if (value === undefined) return fallback;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new UsageError(`property ${key}='${value}' must be true or false`);
}

/** Kafka's escapes in separator properties (`key.separator=\t`), as its console tools read them. */
export function unescapeSeparator(text: string): string {
  return text.replace(/\\([tnr\\])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!);
}

/** An integer flag value within bounds, or a UsageError naming the flag and the allowed range. */
export function integerArg(flag: string, value: unknown, bounds: { min: number; max?: number }): number {
  const n = typeof value === 'number' ? value : Number(value);
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(n) || n < bounds.min || n > max) {
    throw new UsageError(`--${flag} must be an integer ${bounds.max === undefined ? `>= ${bounds.min}` : `from ${bounds.min} to ${max}`}, got '${String(value)}'`);
  }
  return n;
}

/** Warns (on stderr) about properties a tool does not use, as Kafka's clients warn about unknown configs. */
export function warnUnknownProperties(props: ReadonlyMap<string, string>, known: readonly string[]): void {
  for (const key of props.keys()) {
    if (!known.includes(key)) process.stderr.write(`WARN The configuration '${key}' was supplied but isn't a known config (known: ${known.join(', ')}).\n`);
  }
}

/**
 * `--command-config FILE` of Kafka's admin tools: client properties, which for Kafka are mostly
 * security settings. Sluice listeners speak PLAINTEXT only, so a file asking for TLS or SASL is
 * refused by name (connecting without it would fail less clearly); anything else is not used.
 */
export function checkCommandConfig(file: string | undefined): void {
  if (file === undefined) return;
  const props = parsePropertiesText(readFlagFile('command-config', file));
  const protocol = props.get('security.protocol');
  if (protocol !== undefined && protocol.toUpperCase() !== 'PLAINTEXT') {
    throw new UsageError(`--command-config ${file}: security.protocol=${protocol} is not supported; Sluice listeners speak PLAINTEXT only`);
  }
  const security = [...props.keys()].find((k) => k.startsWith('ssl.') || k.startsWith('sasl.'));
  if (security !== undefined) throw new UsageError(`--command-config ${file}: ${security} is not supported; Sluice has no TLS or SASL`);
  for (const key of props.keys()) {
    if (key !== 'security.protocol') process.stderr.write(`WARN The configuration '${key}' was supplied but isn't used by this tool.\n`);
  }
}

/** Adds Kafka's `--command-config FILE` to an admin tool, checked before the tool runs. */
export function withCommandConfig<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('command-config', { type: 'string', describe: 'A properties file of admin client settings, as Kafka\'s tools take (Sluice speaks PLAINTEXT only)' })
    .check((a) => {
      checkCommandConfig(a['command-config'] as string | undefined);
      return true;
    }) as unknown as Argv<T>;
}
