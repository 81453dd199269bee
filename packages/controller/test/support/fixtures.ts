/**
 * Small builders shared by the controller tests: seeded uuids and integers, broker registrations,
 * topics with given replica lists, and images assembled from them.
 */
import { uuidFromBytes } from '@sluice/protocol';
import { Prng } from '@sluice/testkit';
import {
  MetadataImage, metadataRecord, type ConfigValidator, type MetadataRecord, type PartitionRegistration,
} from '../../src/index.js';

/** A seeded source of 22-character base64url ids, never zero and never starting with '-'. */
export function uuidSource(seed: number): () => string {
  const prng = new Prng(seed);
  return () => {
    let id: string;
    do id = prng.bytes(16).toString('base64url'); while (id.startsWith('-') || id === 'AAAAAAAAAAAAAAAAAAAAAA');
    return id;
  };
}

/** A seeded `randomInt` for placement. */
export function randomIntSource(seed: number): (bound: number) => number {
  const prng = new Prng(seed);
  return (bound) => prng.int(bound);
}

/** Accepts every config value. */
export const acceptAll: ConfigValidator = () => null;

const ids = uuidSource(424242);

/** The incarnation id tests give broker `brokerId` (fixed per id, so re-registering is a retry). */
export function incarnation(brokerId: number): string {
  return uuidFromBytes(Buffer.alloc(16, (brokerId % 255) + 1));
}

/** A RegisterBrokerRecord for `brokerId` with epoch 10 * brokerId unless given. */
export function registerRecord(
  brokerId: number,
  options: { brokerEpoch?: bigint; rack?: string | null; fenced?: boolean; incarnationId?: string } = {},
): MetadataRecord {
  return metadataRecord('RegisterBrokerRecord', {
    brokerId,
    incarnationId: options.incarnationId ?? incarnation(brokerId),
    brokerEpoch: options.brokerEpoch ?? BigInt(10 * brokerId),
    listeners: [{ name: 'PLAINTEXT', host: `node${brokerId}`, port: 9092 }],
    rack: options.rack ?? null,
    fenced: options.fenced ?? false,
  });
}

/** An image with unfenced brokers `brokerIds` (racks by position when given). */
export function clusterImage(brokerIds: readonly number[], racks?: readonly string[]): MetadataImage {
  return MetadataImage.fromRecords(brokerIds.map((id, i) => registerRecord(id, { rack: racks?.[i] ?? null })));
}

/**
 * `image` plus a topic `name` whose partition i has `partitions[i]` (replicas; ISR and leader
 * default to all replicas and the first). Returns the image and the topic id.
 */
export function withTopic(
  image: MetadataImage,
  name: string,
  partitions: readonly (readonly number[] | Partial<PartitionRegistration> & { replicas: readonly number[] })[],
): { image: MetadataImage; topicId: string } {
  const topicId = ids();
  const records: MetadataRecord[] = [metadataRecord('TopicRecord', { name, topicId })];
  partitions.forEach((p, partitionId) => {
    const spec = Array.isArray(p) ? { replicas: p as readonly number[] } : (p as Partial<PartitionRegistration> & { replicas: readonly number[] });
    records.push(metadataRecord('PartitionRecord', {
      topicId, partitionId, replicas: spec.replicas, isr: spec.isr ?? spec.replicas,
      leader: spec.leader ?? (spec.isr ?? spec.replicas)[0]!, leaderEpoch: spec.leaderEpoch ?? 0, partitionEpoch: spec.partitionEpoch ?? 0,
    }));
  });
  return { image: image.applyAll(records), topicId };
}

/** `image` with `brokerIds` fenced. */
export function fenced(image: MetadataImage, ...brokerIds: number[]): MetadataImage {
  return image.applyAll(brokerIds.map((brokerId) =>
    metadataRecord('FenceBrokerRecord', { brokerId, brokerEpoch: image.broker(brokerId)!.brokerEpoch })));
}
