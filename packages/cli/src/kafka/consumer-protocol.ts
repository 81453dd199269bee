import { Reader } from '@sluice/protocol';

/** One topic partition. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Decodes the partitions in a member's assignment bytes, in the consumer protocol's
 * ConsumerProtocolAssignment layout (all versions share this prefix): int16 version, then an array
 * of (string topic, int32 array of partitions), then user data we ignore. Empty bytes (a member
 * that has not been assigned yet) give no partitions. Bytes that do not parse also give none: a
 * group with another protocol type may put anything there, and the tool only displays it.
 */
export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return [];
  try {
    const reader = new Reader(bytes);
    reader.int16();
    const out: TopicPartition[] = [];
    const topics = reader.arrayLength(false);
    for (let t = 0; t < topics; t++) {
      const topic = reader.string();
      const partitions = reader.arrayLength(false);
      for (let p = 0; p < partitions; p++) out.push({ topic, partition: reader.int32() });
    }
    return out;
  } catch {
    // Not the consumer protocol: shown as no assignment (see above), never fatal for a display tool.
    return [];
  }
}

/** Orders topic partitions by topic, then partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** A map key for one topic partition. */
export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/** Groups items by topic name, keeping first-seen order (requests carry partitions per topic). */
export function byTopic<T extends { topic: string }, P>(items: readonly T[], toPartition: (item: T) => P): { name: string; partitions: P[] }[] {
  const topics = new Map<string, P[]>();
  for (const item of items) topics.set(item.topic, [...(topics.get(item.topic) ?? []), toPartition(item)]);
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}
