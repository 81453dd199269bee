import type { ICustomPartitioner } from 'kafkajs';

/** murmur2's multiplier and shift, as in Kafka's `Utils.murmur2` (the Java client's default partitioner). */
const M = 0x5bd1e995;
const R = 24;
/** Kafka's fixed seed for key hashing. */
const SEED = 0x9747b28c;

/**
 * The 32-bit murmur2 hash of `data`, bit for bit what Kafka's Java client computes for a record key
 * (`org.apache.kafka.common.utils.Utils.murmur2`), as a signed 32-bit integer.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) | 0;
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail: up to three bytes, highest first (the Java switch falls through).
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not the absolute value). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * The partition Kafka's default partitioner picks for a keyed record: murmur2 of the key bytes,
 * made positive, modulo the partition count. Same key and count, same partition, in every client
 * that follows the Java rule (kafkajs's DefaultPartitioner, librdkafka's murmur2_random).
 */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new RangeError(`partition count must be a positive integer, got ${partitionCount}`);
  return toPositive(murmur2(key)) % partitionCount;
}

/**
 * A kafkajs partitioner for the console producer: keyed records by `partitionForKey` over all
 * partitions (so a key's partition never depends on which leaders are up), records without a key
 * round-robin over the partitions that have a leader, so lines typed one by one spread over the
 * partitions and every member of a consumer group gets some.
 */
export const consolePartitioner: ICustomPartitioner = () => {
  let next = 0;
  return ({ partitionMetadata, message }) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key !== undefined && message.key !== null) {
      const key = typeof message.key === 'string' ? Buffer.from(message.key) : message.key;
      return partitionForKey(key, partitionMetadata.length);
    }
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const pool = available.length > 0 ? available : partitionMetadata;
    const chosen = pool[next % pool.length]!;
    next = (next + 1) % 0x7fffffff;
    return chosen.partitionId;
  };
};
