import { ConfigError } from './properties.js';

/** One `NAME://host:port` entry of `listeners` or `advertised.listeners`. */
export interface Listener {
  name: string;
  host: string;
  port: number;
}

/** Parses a comma-separated listener list such as `PLAINTEXT://127.0.0.1:9092`. */
export function parseListeners(key: string, text: string): Listener[] {
  const entries = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new ConfigError(`${key}: empty; expected NAME://host:port, e.g. PLAINTEXT://127.0.0.1:9092`);
  return entries.map((entry) => parseListener(key, entry));
}

function parseListener(key: string, entry: string): Listener {
  const match = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(entry);
  if (!match) throw new ConfigError(`${key}: '${entry}' is not NAME://host:port (e.g. PLAINTEXT://127.0.0.1:9092)`);
  const port = Number(match[3]);
  if (port > 65535) throw new ConfigError(`${key}: port ${port} in '${entry}' is above 65535`);
  return { name: match[1]!.toUpperCase(), host: match[2]!.replace(/^\[|\]$/g, ''), port };
}
