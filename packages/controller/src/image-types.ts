/**
 * The shapes a MetadataImage is made of. All are read-only views: an image never changes after
 * it is built, so planners can hold one while they compute what to propose.
 */
import type { BrokerListener } from './records.js';

/** A broker's current registration. */
export interface BrokerRegistration {
  readonly brokerId: number;
  readonly incarnationId: string;
  /** Identifies this registration; requests with any other epoch are stale. */
  readonly brokerEpoch: bigint;
  readonly listeners: readonly BrokerListener[];
  readonly rack: string | null;
  /** Invariant: a fenced broker is never chosen as a new leader or added to an ISR. */
  readonly fenced: boolean;
}

/**
 * One partition's replica set, ISR and leadership.
 * Invariants: replicas is non-empty and distinct; isr is non-empty, distinct and ⊆ replicas;
 * leader ∈ isr or leader = NO_LEADER; leaderEpoch and partitionEpoch never decrease.
 */
export interface PartitionRegistration {
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

/** A topic and its partitions; `partitions[i]` is partition i (ids are dense from 0). */
export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: readonly PartitionRegistration[];
}

/** Names one partition. */
export interface PartitionRef {
  readonly topicId: string;
  readonly partitionId: number;
}

/** One partition with its topic, as partition iteration yields it. */
export interface PartitionEntry {
  readonly topic: TopicImage;
  readonly partitionId: number;
  readonly partition: PartitionRegistration;
}
