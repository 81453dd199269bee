import { COMPRESSION_CODECS, WRITABLE_CODECS, type WritableCompression } from '@sluice/protocol';
import { booleanProperty, UsageError, unescapeSeparator } from './properties.js';

/** How kafka-console-producer.sh turns a line into a record (its LineMessageReader properties). */
export interface LineFormat {
  /** `parse.key`: the text before the first `keySeparator` is the key. */
  parseKey: boolean;
  /** `key.separator` (default a tab). */
  keySeparator: string;
  /** `ignore.error`: a keyed line without the separator becomes a record with no key instead of an error. */
  ignoreError: boolean;
  /** `null.marker`: a key or value equal to it is sent as null. */
  nullMarker: string | null;
}

/** The producer `--property` keys this reader understands. */
export const LINE_FORMAT_PROPERTIES = ['parse.key', 'key.separator', 'ignore.error', 'null.marker'] as const;

/** The line format from `--property` values, with Kafka's defaults. */
export function lineFormat(props: ReadonlyMap<string, string>): LineFormat {
  return {
    parseKey: booleanProperty(props, 'parse.key', false),
    keySeparator: unescapeSeparator(props.get('key.separator') ?? '\t'),
    ignoreError: booleanProperty(props, 'ignore.error', false),
    nullMarker: props.get('null.marker') ?? null,
  };
}

/** A record read from one input line. */
export interface LineRecord {
  key: string | null;
  value: string | null;
}

/**
 * One input line as a record, as kafka-console-producer.sh reads it. A keyed line without the
 * separator is an error naming the line, as in Kafka, unless `ignore.error` is set.
 */
export function parseLine(line: string, format: LineFormat, lineNumber: number): LineRecord {
  const orNull = (s: string): string | null => (format.nullMarker !== null && s === format.nullMarker ? null : s);
  if (!format.parseKey) return { key: null, value: orNull(line) };
  const at = line.indexOf(format.keySeparator);
  if (at < 0) {
    if (format.ignoreError) return { key: null, value: orNull(line) };
    throw new Error(`No key separator found on line number ${lineNumber}: '${line}'`);
  }
  return { key: orNull(line.slice(0, at)), value: orNull(line.slice(at + format.keySeparator.length)) };
}

/** Producer acknowledgements from Kafka's spellings: `all` or `-1`, `1`, `0`. */
export function parseAcks(text: string): -1 | 0 | 1 {
  switch (text.trim().toLowerCase()) {
    case 'all':
    case '-1':
      return -1;
    case '1':
      return 1;
    case '0':
      return 0;
    default:
      throw new UsageError(`acks '${text}' is not allowed: use all, -1, 1 or 0`);
  }
}

/**
 * `--compression-codec [codec]`: no value means gzip, as in Kafka. The producer writes what the
 * protocol package writes (its codecs are registered with kafkajs); zstd is refused by name.
 */
export function parseCompression(text: string | undefined): WritableCompression {
  if (text === undefined) return 'none';
  const codec = text === '' ? 'gzip' : text.trim().toLowerCase();
  if ((WRITABLE_CODECS as readonly string[]).includes(codec)) return codec as WritableCompression;
  const allowed = `${WRITABLE_CODECS.slice(0, -1).join(', ')} or ${WRITABLE_CODECS[WRITABLE_CODECS.length - 1]}`;
  if ((COMPRESSION_CODECS as readonly string[]).includes(codec)) throw new UsageError(`compression codec '${codec}' is not available in this producer: use ${allowed}`);
  throw new UsageError(`compression codec '${text}' is unknown: use ${allowed}`);
}
