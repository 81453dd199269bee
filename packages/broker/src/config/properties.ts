/**
 * Parses Java-style `.properties` text as Kafka's server.properties uses it: `key=value` or
 * `key: value` lines, `#` and `!` comments, blank lines, backslash line continuations.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.trimStart();
    }
    const sep = line.search(/[=:]/);
    const key = (sep === -1 ? line : line.slice(0, sep)).trim();
    const value = sep === -1 ? '' : line.slice(sep + 1).trim();
    if (key !== '') out.set(key, value);
  }
  return out;
}

/** Parses `--override key=value` arguments. */
export function parseOverride(text: string): [string, string] {
  const sep = text.indexOf('=');
  if (sep <= 0) throw new ConfigError(`--override '${text}' is not of the form key=value`);
  return [text.slice(0, sep).trim(), text.slice(sep + 1).trim()];
}

/** A configuration problem, reported to the operator by key name with what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
