/**
 * MetadataImage: the cluster metadata every node derives by applying committed records in order
 * (brokers, topics, partitions, configs). An image is immutable: `apply` returns a new image and
 * leaves the old one untouched, so a controller can plan against one image while it proposes.
 * Applying is deterministic: equal record sequences give equal images on every node.
 */
import { applyRecords, EMPTY_IMAGE_STATE, type ImageState } from './image-apply.js';
import type { BrokerRegistration, PartitionEntry, PartitionRef, PartitionRegistration, TopicImage } from './image-types.js';
import { metadataRecord, type ConfigResourceType, type MetadataRecord } from './records.js';

const NO_CONFIGS: ReadonlyMap<string, string> = new Map();

/** An immutable view of cluster metadata at one point of the metadata log. */
export class MetadataImage {
  /** The image before any record. */
  static readonly EMPTY = new MetadataImage(EMPTY_IMAGE_STATE);

  /** The image `records` build from nothing (a snapshot, or the whole log). */
  static fromRecords(records: Iterable<MetadataRecord>): MetadataImage {
    return MetadataImage.EMPTY.applyAll(records);
  }

  private constructor(private readonly state: ImageState) {}

  /** This image with `record` applied. Throws InvariantError for a record that cannot follow this image. */
  apply(record: MetadataRecord): MetadataImage {
    return this.applyAll([record]);
  }

  /** This image with `records` applied in order; cheaper than one `apply` per record. */
  applyAll(records: Iterable<MetadataRecord>): MetadataImage {
    return new MetadataImage(applyRecords(this.state, records));
  }

  /** The registration of `brokerId`, if registered. */
  broker(brokerId: number): BrokerRegistration | undefined {
    return this.state.brokers.get(brokerId);
  }

  /** Every registered broker, by id. */
  brokers(): BrokerRegistration[] {
    return [...this.state.brokers.values()].sort((a, b) => a.brokerId - b.brokerId);
  }

  /** Registered, unfenced brokers by id: those Metadata responses list and placement may use. */
  liveBrokers(): BrokerRegistration[] {
    return this.brokers().filter((b) => !b.fenced);
  }

  /** Whether `brokerId` is registered and unfenced. */
  isLive(brokerId: number): boolean {
    const broker = this.state.brokers.get(brokerId);
    return broker !== undefined && !broker.fenced;
  }

  /** The topic named `name`, if it exists. */
  topic(name: string): TopicImage | undefined {
    const topicId = this.state.topicIdsByName.get(name);
    return topicId === undefined ? undefined : this.state.topicsById.get(topicId);
  }

  /** The topic with id `topicId`, if it exists. */
  topicById(topicId: string): TopicImage | undefined {
    return this.state.topicsById.get(topicId);
  }

  /** Every topic, by name. */
  topics(): TopicImage[] {
    return [...this.state.topicsById.values()].sort((a, b) => compareStrings(a.name, b.name));
  }

  /** Partition `partitionId` of topic `topicId`, if both exist. */
  partition(topicId: string, partitionId: number): PartitionRegistration | undefined {
    return this.state.topicsById.get(topicId)?.partitions[partitionId];
  }

  /** Every partition of every topic, in no particular order. O(partitions). */
  *partitions(): IterableIterator<PartitionEntry> {
    for (const topic of this.state.topicsById.values()) {
      for (let partitionId = 0; partitionId < topic.partitions.length; partitionId++) {
        yield { topic, partitionId, partition: topic.partitions[partitionId]! };
      }
    }
  }

  /** The partitions `brokerId` leads. O(partitions): a scan, not an index. */
  partitionsLedBy(brokerId: number): PartitionRef[] {
    const led: PartitionRef[] = [];
    for (const { topic, partitionId, partition } of this.partitions()) {
      if (partition.leader === brokerId) led.push({ topicId: topic.topicId, partitionId });
    }
    return led;
  }

  /** The config values set on one resource (defaults are not stored); empty when none. */
  configs(resourceType: ConfigResourceType, resourceName: string): ReadonlyMap<string, string> {
    return this.state.configs.get(resourceType)?.get(resourceName) ?? NO_CONFIGS;
  }

  /** Names of the resources of `resourceType` that have any config set, sorted. */
  configResources(resourceType: ConfigResourceType): string[] {
    return [...(this.state.configs.get(resourceType)?.keys() ?? [])].sort(compareStrings);
  }

  /**
   * The fewest records that rebuild an equal image from nothing, in a canonical order: brokers by
   * id (fenced state inside the registration), then each topic by name followed by its
   * partitions, then broker configs, then topic configs (which need their topic to exist).
   */
  toSnapshotRecords(): MetadataRecord[] {
    const records: MetadataRecord[] = this.brokers().map((b) => metadataRecord('RegisterBrokerRecord', { ...b }));
    for (const topic of this.topics()) {
      records.push(metadataRecord('TopicRecord', { name: topic.name, topicId: topic.topicId }));
      topic.partitions.forEach((p, partitionId) => {
        records.push(metadataRecord('PartitionRecord', { topicId: topic.topicId, partitionId, ...p }));
      });
    }
    for (const resourceType of ['broker', 'topic'] as const) {
      for (const resourceName of this.configResources(resourceType)) {
        const values = this.configs(resourceType, resourceName);
        for (const name of [...values.keys()].sort(compareStrings)) {
          records.push(metadataRecord('ConfigRecord', { resourceType, resourceName, name, value: values.get(name)! }));
        }
      }
    }
    return records;
  }
}

/** Orders strings by UTF-16 code units, the same on every node (no locale). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
