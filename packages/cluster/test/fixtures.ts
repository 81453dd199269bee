/**
 * Metadata records the cluster tests share: brokers with a client and a replication listener,
 * a topic with two partitions, and a topic config.
 */
import { metadataRecord, type MetadataRecord } from '@sluice/controller';

/** Fixed base64url Uuids (16 bytes each). */
export const TOPIC_ID = Buffer.alloc(16, 7).toString('base64url');
export const INCARNATION_ID = Buffer.alloc(16, 9).toString('base64url');

/** A registration of `brokerId` whose client listener (PLAINTEXT) is not listed first. */
export function registerBroker(brokerId: number, options: { fenced: boolean; epoch?: bigint }): MetadataRecord {
  return metadataRecord('RegisterBrokerRecord', {
    brokerId, incarnationId: INCARNATION_ID, brokerEpoch: options.epoch ?? BigInt(brokerId * 10), rack: brokerId === 1 ? 'rack-a' : null, fenced: options.fenced,
    listeners: [
      { name: 'REPLICATION', host: `10.0.0.${brokerId}`, port: 9093 },
      { name: 'PLAINTEXT', host: `broker-${brokerId}.example`, port: 9092 },
    ],
  });
}

/** Topic "orders" with partitions 0 and 1 on brokers 1 and 2, and a retention override. */
export function ordersTopic(): MetadataRecord[] {
  return [
    metadataRecord('TopicRecord', { name: 'orders', topicId: TOPIC_ID }),
    metadataRecord('PartitionRecord', { topicId: TOPIC_ID, partitionId: 0, replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0 }),
    metadataRecord('PartitionRecord', { topicId: TOPIC_ID, partitionId: 1, replicas: [2, 1], isr: [2, 1], leader: 2, leaderEpoch: 0, partitionEpoch: 0 }),
    metadataRecord('ConfigRecord', { resourceType: 'topic', resourceName: 'orders', name: 'retention.ms', value: '60000' }),
  ];
}
