/**
 * Committed offsets of one group: a map from topic-partition to the last commit. Pure data;
 * the membership checks that guard a commit live in `ClassicGroup.commitOffsets`.
 */
import type { GroupRecord } from './types.js';

/** One committed offset. Invariant: `offset` ≥ 0 for a stored commit. */
export interface CommittedOffset {
  readonly offset: bigint;
  /** -1 when the client did not send one. */
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
}

/** One partition of an OffsetCommit request. */
export interface OffsetCommitEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  /** Null is stored as the empty string, as Kafka does. */
  readonly metadata: string | null;
}

/** A topic-partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** One partition of an OffsetFetch answer: offset -1, leader epoch -1 and '' when none committed. */
export interface FetchedOffset extends TopicPartition {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly errorCode: number;
}

/** Per-partition outcome of a commit or delete. */
export interface PartitionResult extends TopicPartition {
  readonly errorCode: number;
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * The committed offsets of one group, kept in commit order per partition key, and the commits
 * still being written (pending), which are not visible yet but keep their partition from expiring
 * and their group from being deleted, as Kafka's pending offset commits do.
 */
export class GroupOffsets {
  private readonly byPartition = new Map<string, TopicPartition & CommittedOffset>();
  /** Commits appended and not yet stored, per partition key. A deletion cancels them. */
  private readonly pending = new Map<string, number>();

  /** Number of committed partitions. */
  get size(): number {
    return this.byPartition.size;
  }

  /** Stores a commit (also used by replay). */
  put(entry: TopicPartition & CommittedOffset): void {
    this.byPartition.set(keyOf(entry.topic, entry.partition), { ...entry });
  }

  /** Removes a commit and cancels any pending one; returns whether either existed. */
  remove(topic: string, partition: number): boolean {
    const key = keyOf(topic, partition);
    const cancelled = this.pending.delete(key);
    return this.byPartition.delete(key) || cancelled;
  }

  /** Whether a commit is still being written. */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** A commit was accepted and its record appended: it is pending until `settle`. */
  addPending(topic: string, partition: number): void {
    const key = keyOf(topic, partition);
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /**
   * A pending commit's write ended: stored, it becomes the committed offset, unless a deletion
   * cancelled it meanwhile (its tombstone follows it in the log); not stored, it is dropped.
   */
  settle(entry: TopicPartition & CommittedOffset, stored: boolean): void {
    const key = keyOf(entry.topic, entry.partition);
    const count = this.pending.get(key);
    if (count === undefined) return;
    if (count > 1) this.pending.set(key, count - 1);
    else this.pending.delete(key);
    if (stored) this.put(entry);
  }

  /** The commit for a partition, if any. */
  get(topic: string, partition: number): (TopicPartition & CommittedOffset) | undefined {
    return this.byPartition.get(keyOf(topic, partition));
  }

  /** All commits, sorted by topic then partition (deterministic output). */
  all(): (TopicPartition & CommittedOffset)[] {
    return [...this.byPartition.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** OffsetFetch: `null` asks for every committed partition. */
  fetch(partitions: readonly TopicPartition[] | null): FetchedOffset[] {
    if (partitions === null) {
      return this.all().map((c) => ({ topic: c.topic, partition: c.partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: 0 }));
    }
    return partitions.map(({ topic, partition }) => {
      const c = this.get(topic, partition);
      return c === undefined
        ? { topic, partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0 }
        : { topic, partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: 0 };
    });
  }

  /** Removes the commits `isExpired` picks and returns their tombstones. */
  expire(groupId: string, isExpired: (commit: TopicPartition & CommittedOffset) => boolean): GroupRecord[] {
    const expired = this.all().filter((c) => !this.pending.has(keyOf(c.topic, c.partition)) && isExpired(c));
    for (const c of expired) this.remove(c.topic, c.partition);
    return expired.map((c) => ({ kind: 'offset-tombstone', groupId, topic: c.topic, partition: c.partition }));
  }

  /** Tombstones for every commit (group deletion). Removes them. */
  tombstoneAll(groupId: string): GroupRecord[] {
    const records: GroupRecord[] = this.all().map((c) => ({ kind: 'offset-tombstone', groupId, topic: c.topic, partition: c.partition }));
    this.byPartition.clear();
    this.pending.clear();
    return records;
  }
}

/**
 * Topics named in a consumer-protocol subscription (ConsumerProtocolSubscription: version i16,
 * topics array of i16-length strings, ...). Returns null when the bytes do not parse, so the
 * caller can treat the subscription as unknown.
 */
export function subscribedTopicsOf(metadata: Uint8Array): string[] | null {
  const view = new DataView(metadata.buffer, metadata.byteOffset, metadata.byteLength);
  if (metadata.byteLength < 6) return null;
  const count = view.getInt32(2);
  if (count < 0) return null;
  const topics: string[] = [];
  let at = 6;
  for (let i = 0; i < count; i += 1) {
    if (at + 2 > metadata.byteLength) return null;
    const length = view.getInt16(at);
    at += 2;
    if (length < 0 || at + length > metadata.byteLength) return null;
    topics.push(new TextDecoder().decode(metadata.subarray(at, at + length)));
    at += length;
  }
  return topics;
}
