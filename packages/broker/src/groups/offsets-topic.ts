/**
 * The internal `__consumer_offsets` topic: its name, how it is created (on the first
 * FindCoordinator, as Kafka does), and how its partitions' records are written and read back.
 */
import { decodeRecordBatches, encodeRecordBatch, ErrorCode } from '@sluice/protocol';
import type { BrokerConfig } from '../config/broker-config.js';
import { waitForMetadata } from '../handlers/wait-for-metadata.js';
import type { Logger } from '../logger.js';
import type { Partition } from '../log/partition.js';
import type { ClusterMetadata, TopicAdmin } from '../metadata/cluster-metadata.js';
import type { GroupRecord } from './core/index.js';
import { decodeGroupRecord, encodeGroupRecord } from './offsets-records.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** How long FindCoordinator waits for a topic it asked the controller to create to show up. */
const CREATION_WAIT_MS = 5000;
/** Bytes read at a time while loading a partition. */
const LOAD_READ_BYTES = 4 * 1024 * 1024;

/**
 * Asks the controller to create __consumer_offsets unless it exists, and waits until this
 * broker's metadata shows it. Returns whether it exists. Concurrent callers share one request.
 */
export class OffsetsTopicCreator {
  private inFlight: Promise<boolean> | null = null;

  constructor(private readonly deps: { config: BrokerConfig; metadata: ClusterMetadata; admin: TopicAdmin; logger: Logger }) {}

  ensure(): Promise<boolean> {
    if (this.deps.metadata.topic(OFFSETS_TOPIC)) return Promise.resolve(true);
    this.inFlight ??= this.create().finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  private async create(): Promise<boolean> {
    const { config, metadata, admin, logger } = this.deps;
    const alive = metadata.brokers().length;
    if (alive === 0) return false;
    // Kafka refuses until enough brokers are up; we start with what is alive so a small or partly
    // started cluster can still run groups (the factor is logged so an operator can see it).
    const replicationFactor = Math.min(config.offsetsTopicReplicationFactor, alive);
    const [outcome] = await admin.createTopics([{
      name: OFFSETS_TOPIC,
      numPartitions: config.offsetsTopicNumPartitions,
      replicationFactor,
      assignments: [],
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'segment.bytes', value: String(config.offsetsTopicSegmentBytes) },
      ],
    }], false);
    if (outcome && outcome.errorCode !== ErrorCode.NONE && outcome.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      logger.warn({ errorCode: outcome.errorCode, message: outcome.errorMessage }, `creating ${OFFSETS_TOPIC} failed`);
      return false;
    }
    if (outcome?.errorCode === ErrorCode.NONE) {
      logger.info({ partitions: config.offsetsTopicNumPartitions, replicationFactor }, `created ${OFFSETS_TOPIC}`);
    }
    return waitForMetadata(metadata, () => metadata.topic(OFFSETS_TOPIC), CREATION_WAIT_MS);
  }
}

/** One batch holding `records`, ready for `Partition.append` (the leader stamps offsets and epoch). */
export function groupRecordsBatch(records: readonly GroupRecord[], nowMs: number): Buffer {
  return encodeRecordBatch({
    baseTimestamp: BigInt(nowMs),
    records: records.map((r) => encodeGroupRecord(r)),
  });
}

/**
 * Every coordinator record of a partition below `endOffset`, in log order. Batches and records that
 * do not decode are reported to `onBadRecord` and skipped, so one bad record cannot keep a
 * coordinator from ever loading.
 */
export function readGroupRecords(partition: Partition, endOffset: bigint, onBadRecord: (err: unknown, offset: bigint) => void): GroupRecord[] {
  const records: GroupRecord[] = [];
  let offset = partition.log.logStartOffset;
  while (offset < endOffset) {
    const read = partition.log.read(offset, { maxBytes: LOAD_READ_BYTES, minOneBatch: true, maxOffsetExclusive: endOffset });
    if (read.sizeBytes === 0) break;
    for (const chunk of read.chunks) {
      for (const batch of decodeRecordBatches(chunk)) {
        offset = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
        if (batch.control) continue;
        for (const record of batch.records) {
          if (record.key === null) continue;
          try {
            const decoded = decodeGroupRecord(record.key, record.value);
            if (decoded !== null) records.push(decoded);
          } catch (err) {
            onBadRecord(err, record.offset);
          }
        }
      }
    }
  }
  return records;
}
