import {
  decodeRecordBatches, ErrorCode, errorInfo, Fetch, ListOffsets, Metadata,
  type FetchResponse, type ListOffsetsResponse, type MetadataResponse,
} from '@sluice/protocol';
import { KafkaConnection } from './connection.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from './group-admin.js';
import type { ConsumedRecord } from './message-formatter.js';
import { UsageError } from './properties.js';

/** Where `--offset` starts: an absolute offset, or the partition's first or next offset. */
export type OffsetSpec = bigint | 'earliest' | 'latest';

/** How long one Fetch waits on the leader for new records. */
const FETCH_WAIT_MS = 500;
/** Bytes one Fetch may return for the partition (at least one whole batch is returned regardless, KIP-74). */
const FETCH_PARTITION_BYTES_MAX = 1024 * 1024;

/** `--offset` as Kafka's console consumer accepts it. */
export function parseOffsetSpec(text: string): OffsetSpec {
  const lower = text.trim().toLowerCase();
  if (lower === 'earliest' || lower === 'latest') return lower;
  if (/^\d+$/.test(lower)) return BigInt(lower);
  throw new UsageError(`The provided offset value '${text}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
}

/**
 * Reads one partition from its leader with plain ListOffsets and Fetch requests, without a
 * consumer group: what `--partition P --offset N` means. kafkajs cannot do this (its consumer
 * always joins a group), so it is done with the project's codec.
 */
export class PartitionReader {
  private constructor(
    private connection: KafkaConnection,
    private readonly where: { bootstrap: string; topic: string; partition: number; timeoutMs: number },
    private position: bigint,
  ) {}

  static async open(where: { bootstrap: string; topic: string; partition: number; timeoutMs: number }, start: OffsetSpec): Promise<PartitionReader> {
    const connection = await connectToLeader(where);
    try {
      const position = typeof start === 'bigint' ? start : await listOffset(connection, where, start === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
      return new PartitionReader(connection, where, position);
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  /** The records at and after the current position that one long-poll Fetch returns (possibly none). */
  async poll(): Promise<ConsumedRecord[]> {
    const { topic, partition } = this.where;
    const response = await this.connection.request<FetchResponse>(Fetch, 4, {
      replicaId: -1, maxWaitMs: FETCH_WAIT_MS, minBytes: 1, maxBytes: 4 * FETCH_PARTITION_BYTES_MAX, isolationLevel: 0,
      topics: [{ topic, partitions: [{ partition, fetchOffset: this.position, partitionMaxBytes: FETCH_PARTITION_BYTES_MAX }] }],
    });
    const p = response.responses[0]?.partitions[0];
    if (!p) throw new Error(`Fetch answered without ${topic}-${partition}`);
    if (p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || p.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) {
      // Leadership moved: find the new leader and try again on the next poll.
      this.connection.close();
      this.connection = await connectToLeader(this.where);
      return [];
    }
    if (p.errorCode !== ErrorCode.NONE) throw new Error(`fetching ${topic}-${partition} at offset ${this.position}: ${errorInfo(p.errorCode)?.message ?? p.errorCode}`);
    const records: ConsumedRecord[] = [];
    for (const batch of decodeRecordBatches((p.records as Buffer | null) ?? Buffer.alloc(0))) {
      if (batch.control) continue;
      for (const r of batch.records) {
        if (r.offset < this.position) continue;
        records.push({ partition, offset: r.offset, timestamp: r.timestamp, timestampType: batch.timestampType, key: r.key, value: r.value, headers: r.headers.map((h) => ({ key: h.key, value: h.value })) });
      }
      const next = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
      if (next > this.position) this.position = next;
    }
    return records;
  }

  close(): void {
    this.connection.close();
  }
}

/** Finds the partition's leader through the bootstrap server and connects to it. */
async function connectToLeader(where: { bootstrap: string; topic: string; partition: number; timeoutMs: number }): Promise<KafkaConnection> {
  const bootstrap = await KafkaConnection.connect(where.bootstrap, where.timeoutMs);
  let leader;
  try {
    const metadata = await bootstrap.request<MetadataResponse>(Metadata, 1, { topics: [{ name: where.topic }] });
    const topic = metadata.topics[0];
    if (!topic || topic.errorCode !== ErrorCode.NONE) throw new Error(`Topic ${where.topic} not present in metadata: ${errorInfo(topic?.errorCode ?? -1)?.message ?? 'no answer'}`);
    const partition = topic.partitions.find((p) => p.partitionIndex === where.partition);
    if (!partition) throw new UsageError(`Partition ${where.partition} does not exist in topic ${where.topic} (it has ${topic.partitions.length} partitions)`);
    leader = metadata.brokers.find((b) => b.nodeId === partition.leaderId);
    if (!leader) throw new Error(`${where.topic}-${where.partition} has no leader`);
  } finally {
    bootstrap.close();
  }
  return KafkaConnection.connect(`${leader.host}:${leader.port}`, where.timeoutMs);
}

async function listOffset(connection: KafkaConnection, where: { topic: string; partition: number }, timestamp: bigint): Promise<bigint> {
  const response = await connection.request<ListOffsetsResponse>(ListOffsets, 1, {
    replicaId: -1, topics: [{ name: where.topic, partitions: [{ partitionIndex: where.partition, timestamp }] }],
  });
  const p = response.topics[0]?.partitions[0];
  if (!p || p.errorCode !== ErrorCode.NONE) throw new Error(`ListOffsets ${where.topic}-${where.partition}: ${errorInfo(p?.errorCode ?? -1)?.message ?? 'no answer'}`);
  return p.offset;
}
