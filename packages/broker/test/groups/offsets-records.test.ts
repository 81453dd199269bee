/**
 * The __consumer_offsets record format: every record kind round-trips, and the bytes are Kafka's
 * (offset key v1, offset value v3, group key v2, group value v3), checked against hand-built
 * encodings; unknown key versions decode to null (skipped on load).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupRecord } from '../../src/groups/core/index.js';
import { decodeGroupRecord, encodeGroupRecord } from '../../src/groups/offsets-records.js';

const str = (s: string) => { const b = Buffer.from(s); const len = Buffer.alloc(2); len.writeInt16BE(b.length); return Buffer.concat([len, b]); };
const i16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b; };

const records: GroupRecord[] = [
  { kind: 'offset-commit', groupId: 'g', topic: 't', partition: 3, offset: 42n, leaderEpoch: 7, metadata: 'meta', commitTimestampMs: 1_700_000_000_000 },
  { kind: 'offset-tombstone', groupId: 'g', topic: 't', partition: 3 },
  {
    kind: 'group-metadata', groupId: 'g', protocolType: 'consumer', generationId: 4, protocolName: 'range', leaderId: 'm-1', stateTimestampMs: 5,
    members: [
      { memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, subscription: Buffer.from([1, 2]), assignment: Buffer.from([3]) },
      { memberId: 'm-2', groupInstanceId: 'i-2', clientId: 'c2', clientHost: '/127.0.0.2', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
    ],
  },
  { kind: 'group-metadata', groupId: 'empty', protocolType: null, generationId: 1, protocolName: null, leaderId: null, stateTimestampMs: 9, members: [] },
  { kind: 'group-tombstone', groupId: 'g' },
];

test('every record kind round-trips', () => {
  for (const record of records) {
    const { key, value } = encodeGroupRecord(record);
    const decoded = decodeGroupRecord(key, value);
    assert.deepEqual(JSON.parse(JSON.stringify(decoded, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? [...v] : v)),
      JSON.parse(JSON.stringify(record, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? [...v] : v)));
  }
});

test('offset commit bytes are Kafka\'s key v1 / value v3', () => {
  const { key, value } = encodeGroupRecord(records[0]!);
  assert.deepEqual(key, Buffer.concat([i16(1), str('g'), str('t'), i32(3)]));
  assert.deepEqual(value, Buffer.concat([i16(3), i64(42n), i32(7), str('meta'), i64(1_700_000_000_000n)]));
  assert.equal(encodeGroupRecord(records[1]!).value, null);
});

test('group metadata bytes are Kafka\'s key v2 / value v3', () => {
  const { key, value } = encodeGroupRecord(records[3]!);
  assert.deepEqual(key, Buffer.concat([i16(2), str('empty')]));
  assert.deepEqual(value, Buffer.concat([i16(3), str(''), i32(1), i16(-1), i16(-1), i64(9n), i32(0)]));
});

test('older value versions decode (offset v1 with an expire timestamp, group v0) and unknown key versions are skipped', () => {
  const v1 = Buffer.concat([i16(1), i64(10n), str(''), i64(111n), i64(999n)]);
  assert.deepEqual(decodeGroupRecord(Buffer.concat([i16(0), str('g'), str('t'), i32(0)]), v1),
    { kind: 'offset-commit', groupId: 'g', topic: 't', partition: 0, offset: 10n, leaderEpoch: -1, metadata: '', commitTimestampMs: 111 });
  const g0 = Buffer.concat([i16(0), str('consumer'), i32(2), str('range'), str('m'), i32(1), str('m'), str('c'), str('/h'), i32(5000), i32(-1), i32(-1)]);
  const decoded = decodeGroupRecord(Buffer.concat([i16(2), str('g')]), g0);
  assert.equal(decoded?.kind, 'group-metadata');
  assert.equal(decoded?.kind === 'group-metadata' && decoded.members[0]?.rebalanceTimeoutMs, 5000);
  assert.equal(decodeGroupRecord(Buffer.concat([i16(5), str('x')]), null), null);
  assert.throws(() => decodeGroupRecord(Buffer.concat([i16(1), str('g')]), null));
});
