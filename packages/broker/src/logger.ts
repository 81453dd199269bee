import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** pino: JSON lines by default; readable colored lines when stdout is a terminal or `log.format=pretty`. */
export function createLogger(options: { level: string; format: 'json' | 'pretty' | undefined; name?: string }): Logger {
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const base = { level: options.level, ...(options.name ? { name: options.name } : {}) };
  if (format === 'pretty') {
    return pino(base, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
  }
  return pino(base);
}
