/**
 * How records change image state. `applyRecords` copies each top-level map once per batch and
 * each touched topic's partition list once, then mutates only its own copies, so applying a
 * batch costs O(size of the image + size of the batch) and never changes the input state.
 * Every record is checked against the state it applies to; an impossible sequence (fencing an
 * unknown broker, changing an unknown partition, a leader outside the ISR) throws InvariantError.
 */
import { ZERO_UUID } from '@sluice/protocol';
import { assertNever, invariant } from './errors.js';
import type { BrokerRegistration, PartitionRegistration, TopicImage } from './image-types.js';
import {
  NO_LEADER, type ConfigRecord, type ConfigResourceType, type MetadataRecord, type PartitionChangeRecord,
  type PartitionRecord, type RegisterBrokerRecord, type TopicRecord,
} from './records.js';
import { isUuid } from './record-codec.js';
import { topicNameProblem } from './topic-names.js';

/** Config values of one resource type: resource name → config name → value. */
export type ConfigsByResource = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Everything an image holds. */
export interface ImageState {
  readonly brokers: ReadonlyMap<number, BrokerRegistration>;
  readonly topicsById: ReadonlyMap<string, TopicImage>;
  /** Invariant: the inverse of topicsById's names. */
  readonly topicIdsByName: ReadonlyMap<string, string>;
  readonly configs: ReadonlyMap<ConfigResourceType, ConfigsByResource>;
}

/** An image with nothing in it: the state before the first record. */
export const EMPTY_IMAGE_STATE: ImageState = {
  brokers: new Map(), topicsById: new Map(), topicIdsByName: new Map(), configs: new Map(),
};

const INT32_MAX = 2 ** 31 - 1;
const BROKER_RESOURCE_NAME = /^(0|[1-9][0-9]{0,9})$/;

/** The state after applying `records` in order to `state`. */
export function applyRecords(state: ImageState, records: Iterable<MetadataRecord>): ImageState {
  const writer = new StateWriter(state);
  for (const record of records) writer.apply(record);
  return writer.finish();
}

/** Mutable copies of an image's maps, owned by one `applyRecords` call. */
class StateWriter {
  private readonly brokers: Map<number, BrokerRegistration>;
  private readonly topicsById: Map<string, TopicImage>;
  private readonly topicIdsByName: Map<string, string>;
  private readonly configs: Map<ConfigResourceType, Map<string, Map<string, string>>>;
  /** Topics whose partitions array this writer created and may mutate. */
  private readonly ownedTopics = new Set<string>();
  /** Config maps this writer created and may mutate, as `${type}/${name}`, plus whole types. */
  private readonly ownedConfigs = new Set<string>();

  constructor(state: ImageState) {
    this.brokers = new Map(state.brokers);
    this.topicsById = new Map(state.topicsById);
    this.topicIdsByName = new Map(state.topicIdsByName);
    this.configs = new Map(state.configs as Map<ConfigResourceType, Map<string, Map<string, string>>>);
  }

  finish(): ImageState {
    return { brokers: this.brokers, topicsById: this.topicsById, topicIdsByName: this.topicIdsByName, configs: this.configs };
  }

  apply(record: MetadataRecord): void {
    switch (record.type) {
      case 'RegisterBrokerRecord':
        return this.registerBroker(record);
      case 'UnregisterBrokerRecord':
        this.registered(record.brokerId, record.brokerEpoch, record.type);
        this.brokers.delete(record.brokerId);
        return;
      case 'FenceBrokerRecord':
        return this.setFenced(record.brokerId, record.brokerEpoch, true);
      case 'UnfenceBrokerRecord':
        return this.setFenced(record.brokerId, record.brokerEpoch, false);
      case 'TopicRecord':
        return this.createTopic(record);
      case 'PartitionRecord':
        return this.createPartition(record);
      case 'PartitionChangeRecord':
        return this.changePartition(record);
      case 'RemoveTopicRecord':
        return this.removeTopic(record.topicId);
      case 'ConfigRecord':
        return this.setConfig(record);
      default:
        assertNever(record);
    }
  }

  private registerBroker(r: RegisterBrokerRecord): void {
    invariant(r.brokerId >= 0, `RegisterBrokerRecord: negative broker id ${r.brokerId}`);
    const existing = this.brokers.get(r.brokerId);
    invariant(
      existing === undefined || r.brokerEpoch > existing.brokerEpoch,
      `RegisterBrokerRecord: broker ${r.brokerId} epoch ${r.brokerEpoch} does not exceed ${existing?.brokerEpoch}`,
    );
    const { brokerId, incarnationId, brokerEpoch, listeners, rack, fenced } = r;
    this.brokers.set(brokerId, { brokerId, incarnationId, brokerEpoch, listeners, rack, fenced });
  }

  private registered(brokerId: number, brokerEpoch: bigint, what: string): BrokerRegistration {
    const broker = this.brokers.get(brokerId);
    invariant(broker !== undefined, `${what}: broker ${brokerId} is not registered`);
    invariant(broker.brokerEpoch === brokerEpoch, `${what}: broker ${brokerId} epoch ${brokerEpoch} is not ${broker.brokerEpoch}`);
    return broker;
  }

  private setFenced(brokerId: number, brokerEpoch: bigint, fenced: boolean): void {
    const what = fenced ? 'FenceBrokerRecord' : 'UnfenceBrokerRecord';
    const broker = this.registered(brokerId, brokerEpoch, what);
    invariant(broker.fenced !== fenced, `${what}: broker ${brokerId} is already ${fenced ? 'fenced' : 'unfenced'}`);
    this.brokers.set(brokerId, { ...broker, fenced });
  }

  private createTopic(r: TopicRecord): void {
    const problem = topicNameProblem(r.name);
    invariant(problem === null, `TopicRecord: ${problem}`);
    invariant(isUuid(r.topicId) && r.topicId !== ZERO_UUID, `TopicRecord: topic ${r.name} has an invalid or zero topic id`);
    invariant(!this.topicIdsByName.has(r.name), `TopicRecord: topic ${r.name} already exists`);
    invariant(!this.topicsById.has(r.topicId), `TopicRecord: topic id ${r.topicId} already exists`);
    this.topicsById.set(r.topicId, { name: r.name, topicId: r.topicId, partitions: [] });
    this.ownedTopics.add(r.topicId);
    this.topicIdsByName.set(r.name, r.topicId);
  }

  private createPartition(r: PartitionRecord): void {
    const partitions = this.ownPartitions(r.topicId, r.type);
    invariant(r.partitionId === partitions.length, `PartitionRecord: ${r.topicId}-${r.partitionId} is not the next id (${partitions.length})`);
    invariant(r.leaderEpoch >= 0 && r.partitionEpoch >= 0, `PartitionRecord: ${r.topicId}-${r.partitionId} has a negative epoch`);
    const { replicas, isr, leader, leaderEpoch, partitionEpoch } = r;
    const partition = { replicas, isr, leader, leaderEpoch, partitionEpoch };
    checkPartition(partition, `PartitionRecord ${r.topicId}-${r.partitionId}`);
    partitions.push(partition);
  }

  /** See PartitionChangeRecord's doc comment for exactly which epochs a change bumps. */
  private changePartition(r: PartitionChangeRecord): void {
    const where = `PartitionChangeRecord ${r.topicId}-${r.partitionId}`;
    const partitions = this.ownPartitions(r.topicId, where);
    const current = partitions[r.partitionId];
    invariant(current !== undefined, `${where}: unknown partition`);
    invariant(r.isr !== undefined || r.leader !== undefined || r.replicas !== undefined, `${where}: changes nothing`);
    const replicas = r.replicas ?? current.replicas;
    const dropsReplica = current.replicas.some((b) => !replicas.includes(b));
    invariant(!dropsReplica || r.leader !== undefined, `${where}: drops a replica without a leader epoch bump`);
    invariant(current.partitionEpoch < INT32_MAX && current.leaderEpoch < INT32_MAX, `${where}: epoch overflow`);
    const next: PartitionRegistration = {
      replicas,
      isr: r.isr ?? current.isr,
      leader: r.leader ?? current.leader,
      leaderEpoch: r.leader === undefined ? current.leaderEpoch : current.leaderEpoch + 1,
      partitionEpoch: current.partitionEpoch + 1,
    };
    checkPartition(next, where);
    partitions[r.partitionId] = next;
  }

  private removeTopic(topicId: string): void {
    const topic = this.topicsById.get(topicId);
    invariant(topic !== undefined, `RemoveTopicRecord: unknown topic id ${topicId}`);
    this.topicsById.delete(topicId);
    this.topicIdsByName.delete(topic.name);
    this.ownedTopics.delete(topicId);
    // Kafka drops a deleted topic's configs with it, so a new topic of the same name starts clean.
    const topicConfigs = this.ownConfigType('topic');
    topicConfigs.delete(topic.name);
    if (topicConfigs.size === 0) this.configs.delete('topic');
  }

  private setConfig(r: ConfigRecord): void {
    const where = `ConfigRecord ${r.resourceType}/${r.resourceName}/${r.name}`;
    invariant(r.name.length > 0, `${where}: empty config name`);
    if (r.resourceType === 'topic') invariant(this.topicIdsByName.has(r.resourceName), `${where}: unknown topic`);
    else invariant(r.resourceName === '' || BROKER_RESOURCE_NAME.test(r.resourceName), `${where}: not a broker id`);
    const byResource = this.ownConfigType(r.resourceType);
    const key = `${r.resourceType}/${r.resourceName}`;
    let values = byResource.get(r.resourceName);
    if (values !== undefined && !this.ownedConfigs.has(key)) values = new Map(values);
    values ??= new Map();
    this.ownedConfigs.add(key);
    if (r.value === null) values.delete(r.name);
    else values.set(r.name, r.value);
    if (values.size === 0) byResource.delete(r.resourceName);
    else byResource.set(r.resourceName, values);
    // Invariant: no empty maps are kept, so equal configs mean structurally equal images.
    if (byResource.size === 0) this.configs.delete(r.resourceType);
  }

  private ownConfigType(type: ConfigResourceType): Map<string, Map<string, string>> {
    let byResource = this.configs.get(type);
    if (!this.ownedConfigs.has(type) || byResource === undefined) {
      byResource = new Map(byResource);
      this.configs.set(type, byResource);
      this.ownedConfigs.add(type);
    }
    return byResource;
  }

  private ownPartitions(topicId: string, where: string): PartitionRegistration[] {
    const topic = this.topicsById.get(topicId);
    invariant(topic !== undefined, `${where}: unknown topic id ${topicId}`);
    if (!this.ownedTopics.has(topicId)) {
      this.topicsById.set(topicId, { ...topic, partitions: [...topic.partitions] });
      this.ownedTopics.add(topicId);
    }
    return this.topicsById.get(topicId)!.partitions as PartitionRegistration[];
  }
}

/** Throws InvariantError unless `p` meets PartitionRegistration's invariants. */
function checkPartition(p: PartitionRegistration, where: string): void {
  invariant(p.replicas.length > 0, `${where}: no replicas`);
  invariant(new Set(p.replicas).size === p.replicas.length, `${where}: duplicate replicas ${p.replicas}`);
  invariant(p.replicas.every((b) => b >= 0), `${where}: negative replica id in ${p.replicas}`);
  invariant(p.isr.length > 0, `${where}: empty ISR`);
  invariant(new Set(p.isr).size === p.isr.length, `${where}: duplicate ISR members ${p.isr}`);
  invariant(p.isr.every((b) => p.replicas.includes(b)), `${where}: ISR ${p.isr} is not a subset of replicas ${p.replicas}`);
  invariant(p.leader === NO_LEADER || p.isr.includes(p.leader), `${where}: leader ${p.leader} is not in ISR ${p.isr}`);
}
