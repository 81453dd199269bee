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
    // Only an odd run of trailing backslashes continues the line; "\\" is an escaped backslash.
    while (endsWithOddBackslashes(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.trimStart();
    }
    const sep = findSeparator(line);
    const key = unescape((sep === -1 ? line : line.slice(0, sep)).trim());
    const value = sep === -1 ? '' : unescape(line.slice(sep + 1).trim());
    if (key !== '') out.set(key, value);
  }
  return out;
}

function endsWithOddBackslashes(line: string): boolean {
  const run = /\\*$/.exec(line)![0].length;
  return run % 2 === 1;
}

/** The first unescaped '=' or ':'. */
function findSeparator(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '=' || line[i] === ':') return i;
  }
  return -1;
}

/** Java's escapes: \t \n \r \f, and a backslash before any other character stands for that character. */
function unescape(text: string): string {
  const named: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };
  return text.replace(/\\(.)/g, (_, c: string) => named[c] ?? c);
}

/** Parses `--override key=value` arguments. */
export function parseOverride(text: string): [string, string] {
  const sep = text.indexOf('=');
  const key = sep === -1 ? '' : text.slice(0, sep).trim();
  if (key === '') throw new ConfigError(`--override '${text}' is not of the form key=value`);
  return [key, text.slice(sep + 1).trim()];
}

/** A configuration problem, reported to the operator by key name with what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
