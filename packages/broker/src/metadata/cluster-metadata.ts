/**
 * What the broker needs to know about the cluster, whoever keeps it: in a cluster, the image
 * built from the metadata quorum's committed log. The broker reads it and never changes it; topic
 * administration goes through `TopicAdmin`, which the controller carries out.
 */

/** A live broker's address for clients. */
export interface BrokerEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** One partition's replicas and leadership. Invariant: leader ∈ isr ⊆ replicas, or leader = -1. */
export interface PartitionMetadata {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** A topic; `partitions[i]` is partition i. */
export interface TopicMetadata {
  readonly name: string;
  readonly topicId: string;
  /** Topic-level config overrides (only keys set explicitly). */
  readonly configs: ReadonlyMap<string, string>;
  readonly partitions: readonly PartitionMetadata[];
}

/** The broker's read-only view of cluster metadata. */
export interface ClusterMetadata {
  readonly clusterId: string;
  /** Unfenced brokers, with the listener clients use. */
  brokers(): BrokerEndpoint[];
  /**
   * A live broker for Metadata's controller id: kafkajs and the Java admin send admin requests
   * there, and every broker forwards them to the active controller (client-compat gotcha 5).
   */
  controllerId(): number;
  topics(): readonly TopicMetadata[];
  topic(name: string): TopicMetadata | undefined;
  topicById(topicId: string): TopicMetadata | undefined;
  /** host:port of a registered broker's replication listener (REPLICATION), or null. */
  replicationAddress(brokerId: number): string | null;
  /** Null when `brokerId` is registered with `brokerEpoch` and unfenced; else the Kafka error code to answer. */
  brokerProblem(brokerId: number, brokerEpoch: bigint): number | null;
  /** Calls `listener` after every change; returns the function that unsubscribes. */
  onChange(listener: () => void): () => void;
}

/** A topic to create, as CreateTopics asks for it. */
export interface TopicCreation {
  name: string;
  /** -1: the broker default. */
  numPartitions: number;
  /** -1: the broker default. */
  replicationFactor: number;
  /** Manual assignment, partition i -> replica broker ids; empty when not given. */
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string }[];
}

/** The outcome for one topic of an admin request. */
export interface TopicOutcome {
  name: string;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
  numPartitions: number;
  replicationFactor: number;
}

/** A config change for IncrementalAlterConfigs. */
export interface ConfigChange {
  resourceType: 'topic' | 'broker';
  resourceName: string;
  name: string;
  /** 0 SET, 1 DELETE. */
  operation: number;
  value: string | null;
}

/** The outcome for one resource of a config change. */
export interface ConfigOutcome {
  resourceType: 'topic' | 'broker';
  resourceName: string;
  errorCode: number;
  errorMessage: string | null;
}

/** Topic administration, carried out by the active controller. Every outcome is an error code, never a throw for client mistakes. */
export interface TopicAdmin {
  createTopics(topics: TopicCreation[], validateOnly: boolean): Promise<TopicOutcome[]>;
  deleteTopics(topics: { name: string | null; topicId: string | null }[]): Promise<TopicOutcome[]>;
  createPartitions(topics: { name: string; count: number; assignments: number[][] | null }[], validateOnly: boolean): Promise<TopicOutcome[]>;
  alterConfigs(changes: ConfigChange[], validateOnly: boolean): Promise<ConfigOutcome[]>;
}
