import type { Logger } from '../core/config.js';

/** One line of the bounded event trace, formatted only when printed. */
interface TraceLine {
  readonly time: number;
  readonly node: number | null;
  readonly text: string;
  readonly fields: object | null;
}

/**
 * A ring buffer of the latest simulation events and core log lines (STYLE §6: simulation logs
 * go to a buffer, printed only for a failing seed). In verbose mode lines are also printed.
 */
export class Trace {
  private readonly lines: TraceLine[] = [];
  private next = 0;

  constructor(
    private readonly capacity: number,
    private readonly clock: () => number,
    private readonly verbose: boolean,
  ) {}

  /** Records a line. */
  add(node: number | null, text: string, fields: object | null = null): void {
    const line = { time: this.clock(), node, text, fields };
    if (this.verbose) console.log(formatLine(line));
    if (this.lines.length < this.capacity) this.lines.push(line);
    else this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** A logger for node `node`'s core that writes into this trace (debug lines only when verbose). */
  loggerFor(node: number): Logger {
    return {
      debug: (obj, msg) => {
        if (this.verbose) this.add(node, `debug ${msg}`, obj);
      },
      info: (obj, msg) => this.add(node, msg, obj),
      warn: (obj, msg) => this.add(node, `WARN ${msg}`, obj),
      error: (obj, msg) => this.add(node, `ERROR ${msg}`, obj),
    };
  }

  /** The buffered lines, oldest first, formatted. */
  dump(): string {
    const ordered = this.lines.length < this.capacity ? this.lines : [...this.lines.slice(this.next), ...this.lines.slice(0, this.next)];
    return ordered.map(formatLine).join('\n');
  }
}

function formatLine(line: TraceLine): string {
  const who = line.node === null ? 'sim' : `n${line.node}`;
  const fields = line.fields === null ? '' : ` ${JSON.stringify(line.fields, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length}B>` : v))}`;
  return `${String(line.time).padStart(7)}ms ${who.padEnd(4)} ${line.text}${fields}`;
}
