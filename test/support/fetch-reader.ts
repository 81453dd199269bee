import { BATCH, COMPRESSION_CODECS, COMPRESSION_CODEC_MASK, decodeRecordBatches, Fetch, ListOffsets, readBatchHeader, type FetchResponse, type ListOffsetsResponse } from '@sluice/protocol';
import { WireClient } from '@sluice/testkit';

/** One record as read back through Fetch, with everything a producer set. */
export interface ReadRecord {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/** The high watermark of a partition (ListOffsets latest). */
export async function latestOffset(client: WireClient, topic: string, partition: number): Promise<bigint> {
  const response = await client.request<ListOffsetsResponse>(ListOffsets, 2, {
    replicaId: -1, isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -1n, currentLeaderEpoch: -1 }] }],
  });
  const p = response.topics[0]!.partitions[0]!;
  if (p.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${partition}: error ${p.errorCode}`);
  return p.offset;
}

/**
 * Reads a whole partition from offset 0 to its high watermark with plain Fetch v4 requests and
 * decodes every record: a client-independent check of what the broker stored.
 */
export async function readPartition(port: number, topic: string, partition: number): Promise<ReadRecord[]> {
  const client = await WireClient.connect(port);
  try {
    const end = await latestOffset(client, topic, partition);
    const records: ReadRecord[] = [];
    let offset = 0n;
    while (offset < end) {
      const p = await fetchOnce(client, topic, partition, offset, 1024 * 1024);
      if (p.errorCode !== 0) throw new Error(`Fetch ${topic}-${partition}@${offset}: error ${p.errorCode}`);
      const bytes = p.records;
      if (bytes.length === 0) throw new Error(`Fetch ${topic}-${partition}@${offset} returned nothing below ${end}`);
      for (const batch of decodeRecordBatches(bytes)) {
        for (const r of batch.records) {
          if (r.offset < offset) continue;
          records.push({ partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
          offset = r.offset + 1n;
        }
      }
    }
    return records;
  } finally {
    client.close();
  }
}

/** The compression codec of every batch stored in a partition, in order, read from the batch headers alone. */
export async function batchCodecs(port: number, topic: string, partition: number): Promise<string[]> {
  const client = await WireClient.connect(port);
  try {
    const bytes = (await fetchOnce(client, topic, partition, 0n, 4 * 1024 * 1024)).records;
    const codecs: string[] = [];
    for (let at = 0; at + BATCH.HEADER_BYTES <= bytes.length; ) {
      const header = readBatchHeader(bytes, at);
      codecs.push(COMPRESSION_CODECS[header.attributes & COMPRESSION_CODEC_MASK]!);
      at += header.sizeBytes;
    }
    return codecs;
  } finally {
    client.close();
  }
}

/** One plain Fetch v4 of one partition from `offset`: its error code and its record bytes (empty when none). */
async function fetchOnce(client: WireClient, topic: string, partition: number, offset: bigint, partitionMaxBytes: number): Promise<{ errorCode: number; records: Buffer }> {
  const response = await client.request<FetchResponse>(Fetch, 4, {
    replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 4 * 1024 * 1024, isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes }] }],
  });
  const p = response.responses[0]!.partitions[0]!;
  return { errorCode: p.errorCode, records: (p.records as Buffer | null) ?? Buffer.alloc(0) };
}
