/**
 * The records of `__consumer_offsets`, in Kafka's own key/value format, so that the topic reads
 * the same as Kafka's (a consumer of the topic, or a migration tool, sees familiar bytes):
 *
 * - offset commit: key v1 `int16 1, string group, string topic, int32 partition`; value v3
 *   `int16 3, int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestamp`.
 * - group metadata: key v2 `int16 2, string group`; value v3 `int16 3, string protocolType,
 *   int32 generation, nullable string protocol, nullable string leader, int64 stateTimestamp,
 *   [memberId, nullable instanceId, clientId, clientHost, int32 rebalanceTimeout,
 *   int32 sessionTimeout, bytes subscription, bytes assignment]`.
 * - a tombstone is the key with a null value.
 */
import { Reader, Writer } from '@sluice/protocol';
import type { GroupRecord, StoredMember } from './core/index.js';

const OFFSET_KEY_VERSION = 1;
const GROUP_KEY_VERSION = 2;
const OFFSET_VALUE_VERSION = 3;
const GROUP_VALUE_VERSION = 3;

/** A record's key and value bytes (value null for a tombstone). */
export interface EncodedGroupRecord {
  key: Buffer;
  value: Buffer | null;
}

/** Encodes one coordinator record as Kafka stores it in __consumer_offsets. */
export function encodeGroupRecord(record: GroupRecord): EncodedGroupRecord {
  switch (record.kind) {
    case 'offset-commit':
      return {
        key: offsetKey(record.groupId, record.topic, record.partition),
        value: new Writer().int16(OFFSET_VALUE_VERSION).int64(record.offset).int32(record.leaderEpoch)
          .string(record.metadata).int64(BigInt(record.commitTimestampMs)).toBuffer(),
      };
    case 'offset-tombstone':
      return { key: offsetKey(record.groupId, record.topic, record.partition), value: null };
    case 'group-metadata': {
      const w = new Writer().int16(GROUP_VALUE_VERSION).string(record.protocolType ?? '').int32(record.generationId)
        .nullableString(record.protocolName).nullableString(record.leaderId).int64(BigInt(record.stateTimestampMs))
        .int32(record.members.length);
      for (const m of record.members) {
        w.string(m.memberId).nullableString(m.groupInstanceId).string(m.clientId).string(m.clientHost)
          .int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs)
          .nullableBytes(Buffer.from(m.subscription)).nullableBytes(Buffer.from(m.assignment));
      }
      return { key: groupKey(record.groupId), value: w.toBuffer() };
    }
    case 'group-tombstone':
      return { key: groupKey(record.groupId), value: null };
  }
}

/**
 * Decodes a record of __consumer_offsets. Returns null for key versions this coordinator does not
 * write (Kafka's transaction markers and newer coordinator records), which loading skips, and
 * throws `RangeError` for bytes that do not parse.
 */
export function decodeGroupRecord(key: Buffer, value: Buffer | null): GroupRecord | null {
  const k = new Reader(key);
  const keyVersion = k.int16();
  if (keyVersion === 0 || keyVersion === 1) {
    const groupId = k.string();
    const topic = k.string();
    const partition = k.int32();
    if (value === null) return { kind: 'offset-tombstone', groupId, topic, partition };
    return { kind: 'offset-commit', groupId, topic, partition, ...decodeOffsetValue(value) };
  }
  if (keyVersion === GROUP_KEY_VERSION) {
    const groupId = k.string();
    if (value === null) return { kind: 'group-tombstone', groupId };
    return { kind: 'group-metadata', groupId, ...decodeGroupValue(value) };
  }
  return null;
}

function offsetKey(groupId: string, topic: string, partition: number): Buffer {
  return new Writer().int16(OFFSET_KEY_VERSION).string(groupId).string(topic).int32(partition).toBuffer();
}

function groupKey(groupId: string): Buffer {
  return new Writer().int16(GROUP_KEY_VERSION).string(groupId).toBuffer();
}

/** Offset values v0–3 (v1 carries an expire timestamp, v3 the leader epoch). */
function decodeOffsetValue(value: Buffer): { offset: bigint; leaderEpoch: number; metadata: string; commitTimestampMs: number } {
  const r = new Reader(value);
  const version = r.int16();
  if (version < 0 || version > 3) throw new RangeError(`offset commit value version ${version} is not known`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestampMs = Number(r.int64());
  return { offset, leaderEpoch, metadata, commitTimestampMs };
}

/** Group metadata values v0–3 (v1 adds the rebalance timeout, v2 the state timestamp, v3 instance ids). */
function decodeGroupValue(value: Buffer): Omit<Extract<GroupRecord, { kind: 'group-metadata' }>, 'kind' | 'groupId'> {
  const r = new Reader(value);
  const version = r.int16();
  if (version < 0 || version > 3) throw new RangeError(`group metadata value version ${version} is not known`);
  const protocolType = r.string();
  const generationId = r.int32();
  const protocolName = r.nullableString();
  const leaderId = r.nullableString();
  const stateTimestampMs = version >= 2 ? Number(r.int64()) : -1;
  const count = r.int32();
  const members: StoredMember[] = [];
  for (let i = 0; i < count; i += 1) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = r.nullableBytes() ?? Buffer.alloc(0);
    const assignment = r.nullableBytes() ?? Buffer.alloc(0);
    members.push({
      memberId, groupInstanceId, clientId, clientHost, sessionTimeoutMs,
      rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? sessionTimeoutMs : rebalanceTimeoutMs, subscription, assignment,
    });
  }
  return { protocolType: protocolType === '' ? null : protocolType, generationId, protocolName, leaderId, stateTimestampMs, members };
}
