/**
 * The metadata records: every change to cluster metadata is one of these, appended to the
 * replicated metadata log and applied in order by every node (KIP-500, KIP-631). Each record
 * carries `type` and `version`; `METADATA_RECORD_SCHEMAS` holds the current version of each type
 * and the upgrade steps from older ones. In memory a record is always at its current version.
 *
 * To add a record type (group coordinator or feature records later): add its interface to
 * `MetadataRecord`, a schema at version 1, and a case in `image-apply.ts`. To change a layout:
 * bump its version, update the interface, and append an upgrade step from the previous version.
 */
import { RecordCodec, type FieldSpec, type RecordSchema } from './record-codec.js';

/** The leader field of a partition that has no leader (offline). */
export const NO_LEADER = -1;

/** One endpoint a broker listens on, as clients find it in Metadata responses. */
export interface BrokerListener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** The resources configs attach to. A broker resource name is a broker id, or '' for the cluster default. */
export type ConfigResourceType = 'topic' | 'broker';

/**
 * A broker (re-)registers. `brokerEpoch` identifies this registration; it only grows for a broker
 * id, so requests that carry an older epoch are stale. A registration replaces any older one.
 */
export interface RegisterBrokerRecord {
  readonly type: 'RegisterBrokerRecord';
  readonly version: 1;
  readonly brokerId: number;
  /** A random id per broker process start (base64url Uuid). */
  readonly incarnationId: string;
  readonly brokerEpoch: bigint;
  readonly listeners: readonly BrokerListener[];
  readonly rack: string | null;
  readonly fenced: boolean;
}

/** A broker leaves the cluster; its registration with this epoch is removed. */
export interface UnregisterBrokerRecord {
  readonly type: 'UnregisterBrokerRecord';
  readonly version: 1;
  readonly brokerId: number;
  readonly brokerEpoch: bigint;
}

/** The registration with this epoch may no longer lead or join an ISR (session lost or shut down). */
export interface FenceBrokerRecord {
  readonly type: 'FenceBrokerRecord';
  readonly version: 1;
  readonly brokerId: number;
  readonly brokerEpoch: bigint;
}

/** The registration with this epoch has caught up with the metadata log and may serve. */
export interface UnfenceBrokerRecord {
  readonly type: 'UnfenceBrokerRecord';
  readonly version: 1;
  readonly brokerId: number;
  readonly brokerEpoch: bigint;
}

/** A topic is created; its PartitionRecords follow. */
export interface TopicRecord {
  readonly type: 'TopicRecord';
  readonly version: 1;
  readonly name: string;
  readonly topicId: string;
}

/** A partition's full state: written when the partition is created and in snapshots. */
export interface PartitionRecord {
  readonly type: 'PartitionRecord';
  readonly version: 1;
  readonly topicId: string;
  readonly partitionId: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** A broker id in `isr`, or NO_LEADER. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

/**
 * A change to one partition; absent fields keep their value. Applying it always bumps
 * partitionEpoch by one. It bumps leaderEpoch by one exactly when `leader` is present, even if
 * equal to the current leader: that is how a planner forces a leader epoch bump, and it must do
 * so whenever `replicas` drops a broker, so the dropped replica's fetches are fenced
 * (Kafka's PartitionChangeBuilder does the same). An ISR-only change does not bump leaderEpoch.
 */
export interface PartitionChangeRecord {
  readonly type: 'PartitionChangeRecord';
  readonly version: 1;
  readonly topicId: string;
  readonly partitionId: number;
  readonly isr?: readonly number[];
  readonly leader?: number;
  readonly replicas?: readonly number[];
}

/** A topic is deleted, with its partitions and its configs. */
export interface RemoveTopicRecord {
  readonly type: 'RemoveTopicRecord';
  readonly version: 1;
  readonly topicId: string;
}

/** One config key of one resource is set, or deleted when `value` is null (back to the default). */
export interface ConfigRecord {
  readonly type: 'ConfigRecord';
  readonly version: 1;
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
  readonly name: string;
  readonly value: string | null;
}

/** Every metadata record type. Exhaustive switches over `type` end in `assertNever`. */
export type MetadataRecord =
  | RegisterBrokerRecord
  | UnregisterBrokerRecord
  | FenceBrokerRecord
  | UnfenceBrokerRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | RemoveTopicRecord
  | ConfigRecord;

/** The `type` discriminant of every metadata record. */
export type MetadataRecordType = MetadataRecord['type'];

/** The record interface for one `type`. */
export type RecordOfType<K extends MetadataRecordType> = Extract<MetadataRecord, { type: K }>;

/** The fields of a record type other than `type` and `version`. */
export type RecordFields<K extends MetadataRecordType> = Omit<RecordOfType<K>, 'type' | 'version'>;

type SchemaFor<K extends MetadataRecordType> = RecordSchema & {
  readonly version: RecordOfType<K>['version'];
  readonly fields: { readonly [F in keyof Required<RecordFields<K>>]: FieldSpec };
};

const brokerEpochFields = { brokerId: 'int32', brokerEpoch: 'int64' } as const;

/** The current schema of every record type (the compiler checks every field has a spec). */
export const METADATA_RECORD_SCHEMAS: { readonly [K in MetadataRecordType]: SchemaFor<K> } = {
  RegisterBrokerRecord: {
    version: 1,
    fields: {
      brokerId: 'int32', incarnationId: 'uuid', brokerEpoch: 'int64', listeners: 'listeners',
      rack: 'nullableString', fenced: 'boolean',
    },
    upgrades: [],
  },
  UnregisterBrokerRecord: { version: 1, fields: brokerEpochFields, upgrades: [] },
  FenceBrokerRecord: { version: 1, fields: brokerEpochFields, upgrades: [] },
  UnfenceBrokerRecord: { version: 1, fields: brokerEpochFields, upgrades: [] },
  TopicRecord: { version: 1, fields: { name: 'string', topicId: 'uuid' }, upgrades: [] },
  PartitionRecord: {
    version: 1,
    fields: {
      topicId: 'uuid', partitionId: 'int32', replicas: 'int32Array', isr: 'int32Array', leader: 'int32',
      leaderEpoch: 'int32', partitionEpoch: 'int32',
    },
    upgrades: [],
  },
  PartitionChangeRecord: {
    version: 1,
    fields: { topicId: 'uuid', partitionId: 'int32', isr: 'int32Array?', leader: 'int32?', replicas: 'int32Array?' },
    upgrades: [],
  },
  RemoveTopicRecord: { version: 1, fields: { topicId: 'uuid' }, upgrades: [] },
  ConfigRecord: {
    version: 1,
    fields: { resourceType: 'configResourceType', resourceName: 'string', name: 'string', value: 'nullableString' },
    upgrades: [],
  },
};

const codec = new RecordCodec<MetadataRecord>(METADATA_RECORD_SCHEMAS);

/** A record of `type` at its current version. */
export function metadataRecord<K extends MetadataRecordType>(type: K, fields: RecordFields<K>): RecordOfType<K> {
  return { type, version: METADATA_RECORD_SCHEMAS[type].version, ...fields } as unknown as RecordOfType<K>;
}

/** The record as bytes for the metadata log. Throws InvariantError for a record that breaks its schema. */
export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  return codec.encode(record);
}

/**
 * The record in `bytes`, upgraded to the current version. Throws RecordFormatError for corrupt
 * bytes, an unknown type or a version newer than this code supports.
 */
export function decodeMetadataRecord(bytes: Uint8Array): MetadataRecord {
  return codec.decode(bytes);
}
