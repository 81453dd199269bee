import { BATCH } from '@sluice/protocol';

/** Storage settings of one partition log. Names follow Kafka topic configs; units come last. */
export interface LogConfig {
  /** segment.bytes: roll the active segment before an append would take it past this size. */
  segmentBytes: number;
  /** segment.ms (log.roll.ms): roll the active segment once it is this old. */
  segmentMs: number;
  /** retention.ms: delete segments whose newest batch is older than this; -1 keeps them forever. */
  retentionMs: number;
  /** retention.bytes: delete the oldest segments while the log is larger than this; -1 means no limit. */
  retentionBytes: number;
  /** flush.messages: fsync after this many appended records (offsets). */
  flushIntervalMessages: number;
  /** flush.ms: fsync when the last fsync is older than this (checked on append and by `flushIfDue`). */
  flushIntervalMs: number;
  /** index.interval.bytes: log bytes between two offset index entries. */
  indexIntervalBytes: number;
  /** segment.index.bytes (log.index.size.max.bytes): a segment rolls when an index would grow past this. */
  segmentIndexBytesMax: number;
  /**
   * Largest batch recovery accepts (message.max.bytes plus overhead). Bounds the length field so a
   * corrupt one cannot claim the rest of a file. Lowering it below a stored batch makes recovery
   * truncate at that batch, so only ever raise it.
   */
  batchBytesMax: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Kafka's defaults. */
export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * DAY_MS,
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  flushIntervalMessages: Number.MAX_SAFE_INTEGER,
  flushIntervalMs: Number.MAX_SAFE_INTEGER,
  indexIntervalBytes: 4096,
  segmentIndexBytesMax: 10 * 1024 * 1024,
  // message.max.bytes (1048588) plus the broker's margin for batch overhead.
  batchBytesMax: 1048588 + 1024,
});

/** Positions in the offset index are int32, so a segment can never pass this size (Kafka's limit too). */
export const SEGMENT_BYTES_LIMIT = 0x7fffffff;

/** Throws a RangeError naming the first setting out of range. */
export function validateLogConfig(config: LogConfig): void {
  const check = (name: keyof LogConfig, ok: boolean, rule: string): void => {
    if (!ok) throw new RangeError(`LogConfig.${name} = ${config[name]}: must be ${rule}`);
  };
  const int = (v: number): boolean => Number.isSafeInteger(v);
  check('segmentBytes', int(config.segmentBytes) && config.segmentBytes >= BATCH.HEADER_BYTES && config.segmentBytes <= SEGMENT_BYTES_LIMIT, `an integer in [${BATCH.HEADER_BYTES}, ${SEGMENT_BYTES_LIMIT}]`);
  check('segmentMs', int(config.segmentMs) && config.segmentMs >= 1, 'an integer >= 1');
  check('retentionMs', int(config.retentionMs) && config.retentionMs >= -1, 'an integer >= -1');
  check('retentionBytes', int(config.retentionBytes) && config.retentionBytes >= -1, 'an integer >= -1');
  check('flushIntervalMessages', int(config.flushIntervalMessages) && config.flushIntervalMessages >= 1, 'an integer >= 1');
  check('flushIntervalMs', int(config.flushIntervalMs) && config.flushIntervalMs >= 0, 'an integer >= 0');
  check('indexIntervalBytes', int(config.indexIntervalBytes) && config.indexIntervalBytes >= 0, 'an integer >= 0');
  check('segmentIndexBytesMax', int(config.segmentIndexBytesMax) && config.segmentIndexBytesMax >= 24, 'an integer >= 24');
  check('batchBytesMax', int(config.batchBytesMax) && config.batchBytesMax >= BATCH.HEADER_BYTES && config.batchBytesMax <= SEGMENT_BYTES_LIMIT, `an integer in [${BATCH.HEADER_BYTES}, ${SEGMENT_BYTES_LIMIT}]`);
}

/** The two logging methods storage uses; a pino logger fits. Fields are structured, messages short and stable. */
export interface StorageLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Discards everything: the default when the caller passes no logger. */
export const SILENT_LOGGER: StorageLogger = { info: () => undefined, warn: () => undefined };
