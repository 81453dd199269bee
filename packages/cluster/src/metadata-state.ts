import type { BrokerEndpoint, ClusterMetadata, TopicMetadata } from '@sluice/broker';
import { MetadataImage, type TopicImage } from '@sluice/controller';
import { decodeRecords, encodeRecords } from './metadata-entries.js';

/** Kafka's STALE_BROKER_EPOCH: a request from an earlier registration of the broker. */
const STALE_BROKER_EPOCH = 77;

/** The quorum's committed entries and snapshots as the driver hands them over. */
interface CommittedEntry {
  offset: number;
  epoch: number;
  data: Uint8Array;
}

export interface MetadataStateOptions {
  clusterId: string;
  /** The listener name whose address clients get (the broker listener, e.g. PLAINTEXT). */
  clientListenerName: string;
  /** Take a snapshot after this many bytes of new entries (metadata.log.max.record.bytes.between.snapshots). */
  snapshotRecordBytes: number;
  /** Called with a snapshot's bytes and position when one is due; the quorum then compacts its log. */
  onSnapshot(snapshot: { endOffset: number; epoch: number; data: Uint8Array }): void;
  /** Called after a snapshot replaced the image (installed from the leader, or found at start). */
  onSnapshotLoaded?(snapshot: { endOffset: number; data: Uint8Array }): void;
}

/**
 * The metadata image this node builds from the quorum's committed log, offered to the broker as
 * ClusterMetadata and to the active controller for planning. Applies entries in offset order and
 * snapshots itself every `snapshotRecordBytes`.
 * Invariant: `image` reflects exactly the entries below `appliedEndOffset`.
 */
export class MetadataState implements ClusterMetadata {
  image: MetadataImage = MetadataImage.EMPTY;
  appliedEndOffset = 0;
  private lastEpoch = 0;
  private bytesSinceSnapshot = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: MetadataStateOptions) {}

  get clusterId(): string {
    return this.options.clusterId;
  }

  /** The epoch of the last entry applied (or of the loaded snapshot's last entry); 0 before any. */
  get appliedEpoch(): number {
    return this.lastEpoch;
  }

  /** Replaces the image with a snapshot's (the quorum installed one, or found one at start). */
  loadSnapshot(snapshot: { endOffset: number; epoch: number; data: Uint8Array }): void {
    this.image = MetadataImage.fromRecords(decodeRecords(snapshot.data));
    this.appliedEndOffset = snapshot.endOffset;
    this.lastEpoch = snapshot.epoch;
    this.bytesSinceSnapshot = 0;
    this.options.onSnapshotLoaded?.(snapshot);
    this.notify();
  }

  /** Applies committed entries in order, then snapshots if enough has accumulated. */
  applyCommitted(entries: readonly CommittedEntry[]): void {
    const records = entries.flatMap((e) => decodeRecords(e.data));
    this.image = this.image.applyAll(records);
    const last = entries[entries.length - 1]!;
    this.appliedEndOffset = last.offset + 1;
    this.lastEpoch = last.epoch;
    this.bytesSinceSnapshot += entries.reduce((sum, e) => sum + e.data.length, 0);
    if (this.bytesSinceSnapshot >= this.options.snapshotRecordBytes) this.takeSnapshot();
    if (records.length > 0) this.notify();
  }

  /** The whole image as a snapshot at the applied position. */
  takeSnapshot(): void {
    this.bytesSinceSnapshot = 0;
    this.options.onSnapshot({ endOffset: this.appliedEndOffset, epoch: this.lastEpoch, data: encodeRecords(this.image.toSnapshotRecords()) });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  brokers(): BrokerEndpoint[] {
    return this.image.liveBrokers().flatMap((b) => {
      // A broker without the client listener is left out rather than shown with an internal address.
      const listener = b.listeners.find((l) => l.name === this.options.clientListenerName);
      return listener ? [{ nodeId: b.brokerId, host: listener.host, port: listener.port, rack: b.rack }] : [];
    });
  }

  replicationAddress(brokerId: number): string | null {
    const listener = this.image.broker(brokerId)?.listeners.find((l) => l.name === 'REPLICATION');
    return listener ? `${listener.host}:${listener.port}` : null;
  }

  /** Fenced brokers may fetch (a starting broker catches up while fenced); a stale epoch may not. */
  brokerProblem(brokerId: number, brokerEpoch: bigint): number | null {
    return this.image.broker(brokerId)?.brokerEpoch === brokerEpoch ? null : STALE_BROKER_EPOCH;
  }

  controllerId(): number {
    const live = this.image.liveBrokers().map((b) => b.brokerId).sort((a, b) => a - b);
    return live[0] ?? -1;
  }

  topics(): TopicMetadata[] {
    return this.image.topics().map((t) => this.toTopicMetadata(t));
  }

  topic(name: string): TopicMetadata | undefined {
    const topic = this.image.topic(name);
    return topic ? this.toTopicMetadata(topic) : undefined;
  }

  topicById(topicId: string): TopicMetadata | undefined {
    const topic = this.image.topicById(topicId);
    return topic ? this.toTopicMetadata(topic) : undefined;
  }

  private toTopicMetadata(topic: TopicImage): TopicMetadata {
    return {
      name: topic.name,
      topicId: topic.topicId,
      configs: this.image.configs('topic', topic.name),
      partitions: topic.partitions,
    };
  }
}
