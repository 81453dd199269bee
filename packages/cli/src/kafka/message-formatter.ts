import { booleanProperty, unescapeSeparator } from './properties.js';

/** What kafka-console-consumer.sh's default formatter prints, from its `--property` keys. */
export interface PrintOptions {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: string;
  lineSeparator: string;
  headersSeparator: string;
  nullLiteral: string;
}

/** The consumer `--property` keys the formatter understands. */
export const PRINT_PROPERTIES = [
  'print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key', 'print.value',
  'key.separator', 'line.separator', 'headers.separator', 'null.literal',
] as const;

/** Print options from `--property` values, with Kafka's defaults (value only, tab between fields). */
export function printOptions(props: ReadonlyMap<string, string>): PrintOptions {
  return {
    printTimestamp: booleanProperty(props, 'print.timestamp', false),
    printPartition: booleanProperty(props, 'print.partition', false),
    printOffset: booleanProperty(props, 'print.offset', false),
    printHeaders: booleanProperty(props, 'print.headers', false),
    printKey: booleanProperty(props, 'print.key', false),
    printValue: booleanProperty(props, 'print.value', true),
    keySeparator: unescapeSeparator(props.get('key.separator') ?? '\t'),
    lineSeparator: unescapeSeparator(props.get('line.separator') ?? '\n'),
    headersSeparator: unescapeSeparator(props.get('headers.separator') ?? ','),
    nullLiteral: props.get('null.literal') ?? 'null',
  };
}

/** A consumed record, whichever client read it. */
export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/**
 * One record in the default formatter's layout: the chosen fields in Kafka's order (timestamp as
 * `CreateTime:<ms>`, `Partition:<n>`, `Offset:<n>`, headers as `k:v` or `NO_HEADERS`, key, value),
 * `key.separator` between fields and `line.separator` after the last; a missing key or value prints
 * `null.literal`.
 */
export function formatRecord(record: ConsumedRecord, o: PrintOptions): string {
  const text = (b: Buffer | null): string => (b === null ? o.nullLiteral : b.toString('utf8'));
  const fields: string[] = [];
  if (o.printTimestamp) fields.push(`${record.timestampType}:${record.timestamp}`);
  if (o.printPartition) fields.push(`Partition:${record.partition}`);
  if (o.printOffset) fields.push(`Offset:${record.offset}`);
  if (o.printHeaders) {
    fields.push(record.headers.length === 0 ? 'NO_HEADERS' : record.headers.map((h) => `${h.key}:${text(h.value)}`).join(o.headersSeparator));
  }
  if (o.printKey) fields.push(text(record.key));
  if (o.printValue) fields.push(text(record.value));
  return fields.length === 0 ? '' : fields.join(o.keySeparator) + o.lineSeparator;
}
