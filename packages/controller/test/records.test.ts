/**
 * Proves the metadata record format: a fixed byte fixture pins the JSON layout, fast-check round
 * trips every record type through encode and decode, and decoding refuses, with a clear
 * RecordFormatError, unknown types, newer versions and malformed fields, while encoding a record
 * that breaks its schema is a bug (InvariantError).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { uuidFromBytes } from '@sluice/protocol';
import {
  decodeMetadataRecord, encodeMetadataRecord, InvariantError, METADATA_RECORD_SCHEMAS, metadataRecord,
  RecordFormatError, type MetadataRecord,
} from '../src/index.js';

const TOPIC_ID = uuidFromBytes(Buffer.alloc(16, 7));

test('a TopicRecord encodes as fixed JSON bytes', () => {
  const bytes = encodeMetadataRecord(metadataRecord('TopicRecord', { name: 'orders', topicId: TOPIC_ID }));
  assert.equal(bytes.toString('utf8'), `{"type":"TopicRecord","version":1,"name":"orders","topicId":"${TOPIC_ID}"}`);
});

test('int64 broker epochs encode as decimal strings and decode as bigint', () => {
  const record = metadataRecord('FenceBrokerRecord', { brokerId: 3, brokerEpoch: 9007199254740993n });
  const bytes = encodeMetadataRecord(record);
  assert.equal(bytes.toString('utf8'), '{"type":"FenceBrokerRecord","version":1,"brokerId":3,"brokerEpoch":"9007199254740993"}');
  assert.deepEqual(decodeMetadataRecord(bytes), record);
});

test('fields encode in schema order whatever order the object has', () => {
  const a = encodeMetadataRecord({ version: 1, topicId: TOPIC_ID, type: 'RemoveTopicRecord' });
  assert.equal(a.toString('utf8'), `{"type":"RemoveTopicRecord","version":1,"topicId":"${TOPIC_ID}"}`);
});

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const id = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const epoch = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => uuidFromBytes(Buffer.from(b)));
const ids = fc.array(id, { maxLength: 5 });
const listener = fc.record({ name: fc.string(), host: fc.string(), port: fc.integer({ min: 0, max: 65535 }) }, { noNullPrototype: true });

const recordArb: fc.Arbitrary<MetadataRecord> = fc.oneof(
  fc.record({ brokerId: id, incarnationId: uuid, brokerEpoch: epoch, listeners: fc.array(listener, { maxLength: 3 }), rack: fc.option(fc.string()), fenced: fc.boolean() })
    .map((f) => metadataRecord('RegisterBrokerRecord', f)),
  fc.record({ brokerId: id, brokerEpoch: epoch }).map((f) => metadataRecord('UnregisterBrokerRecord', f)),
  fc.record({ brokerId: id, brokerEpoch: epoch }).map((f) => metadataRecord('FenceBrokerRecord', f)),
  fc.record({ brokerId: id, brokerEpoch: epoch }).map((f) => metadataRecord('UnfenceBrokerRecord', f)),
  fc.record({ name: fc.string(), topicId: uuid }).map((f) => metadataRecord('TopicRecord', f)),
  fc.record({ topicId: uuid, partitionId: id, replicas: ids, isr: ids, leader: int32, leaderEpoch: int32, partitionEpoch: int32 })
    .map((f) => metadataRecord('PartitionRecord', f)),
  fc.record({ topicId: uuid, partitionId: id, isr: ids, leader: int32, replicas: ids }, { requiredKeys: ['topicId', 'partitionId'] })
    .map((f) => metadataRecord('PartitionChangeRecord', f)),
  fc.record({ topicId: uuid }).map((f) => metadataRecord('RemoveTopicRecord', f)),
  fc.record({ resourceType: fc.constantFrom('topic' as const, 'broker' as const), resourceName: fc.string(), name: fc.string(), value: fc.option(fc.string()) })
    .map((f) => metadataRecord('ConfigRecord', f)),
);

test('every record type round trips through encode and decode', () => {
  fc.assert(fc.property(recordArb, (record) => {
    assert.deepEqual(decodeMetadataRecord(encodeMetadataRecord(record)), record);
  }), { numRuns: 2000 });
});

test('every record type has a schema at version 1 with no upgrades yet', () => {
  for (const [type, schema] of Object.entries(METADATA_RECORD_SCHEMAS)) {
    assert.equal(schema.version, 1, type);
    assert.equal(schema.upgrades.length, 0, type);
  }
});

test('a PartitionChangeRecord keeps absent fields absent', () => {
  const record = metadataRecord('PartitionChangeRecord', { topicId: TOPIC_ID, partitionId: 0, isr: [1, 2] });
  const bytes = encodeMetadataRecord(record);
  assert.equal(bytes.toString('utf8'), `{"type":"PartitionChangeRecord","version":1,"topicId":"${TOPIC_ID}","partitionId":0,"isr":[1,2]}`);
  const decoded = decodeMetadataRecord(bytes);
  assert.deepEqual(decoded, record);
  assert.equal('leader' in decoded, false);
});

function decodeText(text: string): MetadataRecord {
  return decodeMetadataRecord(Buffer.from(text, 'utf8'));
}

test('decoding an unknown record type names it', () => {
  assert.throws(() => decodeText('{"type":"GroupRecord","version":1}'), (err: Error) =>
    err instanceof RecordFormatError && /unknown metadata record type "GroupRecord"/.test(err.message));
  assert.throws(() => decodeText('{"type":"toString","version":1}'), RecordFormatError);
});

test('decoding a version newer than supported says so', () => {
  assert.throws(() => decodeText(`{"type":"TopicRecord","version":2,"name":"a","topicId":"${TOPIC_ID}"}`), (err: Error) =>
    err instanceof RecordFormatError && /v2 is newer than this node supports \(v1\)/.test(err.message));
});

test('decoding refuses malformed envelopes and fields', () => {
  const bad = [
    'not json',
    '[]',
    '{"version":1}',
    '{"type":"TopicRecord","version":0,"name":"a","topicId":"x"}',
    '{"type":"TopicRecord","version":1.5,"name":"a","topicId":"x"}',
    '{"type":"TopicRecord","version":1,"name":"a"}',
    '{"type":"TopicRecord","version":1,"name":"a","topicId":"not-a-uuid"}',
    `{"type":"TopicRecord","version":1,"name":"a","topicId":"${TOPIC_ID.slice(0, 21)}B"}`,
    `{"type":"TopicRecord","version":1,"name":7,"topicId":"${TOPIC_ID}"}`,
    `{"type":"TopicRecord","version":1,"name":"a","topicId":"${TOPIC_ID}","extra":1}`,
    '{"type":"FenceBrokerRecord","version":1,"brokerId":1,"brokerEpoch":5}',
    '{"type":"FenceBrokerRecord","version":1,"brokerId":1,"brokerEpoch":"9223372036854775808"}',
    '{"type":"FenceBrokerRecord","version":1,"brokerId":1,"brokerEpoch":"007"}',
    '{"type":"FenceBrokerRecord","version":1,"brokerId":2147483648,"brokerEpoch":"1"}',
    `{"type":"PartitionChangeRecord","version":1,"topicId":"${TOPIC_ID}","partitionId":0,"isr":[1,"2"]}`,
    '{"type":"ConfigRecord","version":1,"resourceType":"group","resourceName":"g","name":"n","value":null}',
    `{"type":"RegisterBrokerRecord","version":1,"brokerId":1,"incarnationId":"${TOPIC_ID}","brokerEpoch":"1","listeners":[{"name":"a","host":"h","port":70000}],"rack":null,"fenced":false}`,
  ];
  for (const text of bad) assert.throws(() => decodeText(text), RecordFormatError, text);
  assert.throws(() => decodeMetadataRecord(Buffer.from([0x7b, 0xff, 0x7d])), RecordFormatError);
});

test('encoding a record that breaks its schema is a bug', () => {
  const broken = { type: 'FenceBrokerRecord', version: 1, brokerId: 1, brokerEpoch: 1 } as unknown as MetadataRecord;
  assert.throws(() => encodeMetadataRecord(broken), InvariantError);
  const stale = { type: 'TopicRecord', version: 0, name: 'a', topicId: TOPIC_ID } as unknown as MetadataRecord;
  assert.throws(() => encodeMetadataRecord(stale), InvariantError);
  const unknown = { type: 'NopeRecord', version: 1 } as unknown as MetadataRecord;
  assert.throws(() => encodeMetadataRecord(unknown), InvariantError);
});
