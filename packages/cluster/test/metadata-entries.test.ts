/**
 * Proves the quorum entry layout of metadata-entries.ts: every record of one operation survives
 * encodeRecords/decodeRecords in order and unchanged, the empty entry (the quorum's leader-change
 * entry) decodes to no records, and an entry that is a view into a larger buffer decodes alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metadataRecord } from '@sluice/controller';
import { decodeRecords, encodeRecords } from '../src/metadata-entries.js';
import { ordersTopic, registerBroker, TOPIC_ID } from './fixtures.js';

test('an operation\'s records round trip in order', () => {
  const records = [
    registerBroker(1, { fenced: false, epoch: 2n ** 40n }),
    ...ordersTopic(),
    metadataRecord('ConfigRecord', { resourceType: 'broker', resourceName: '1', name: 'x', value: null }),
    metadataRecord('PartitionChangeRecord', { topicId: TOPIC_ID, partitionId: 0, isr: [1] }),
  ];
  assert.deepEqual(decodeRecords(encodeRecords(records)), records);
});

test('no records encode to a count of zero, which decodes to no records', () => {
  const bytes = encodeRecords([]);
  assert.deepEqual([...bytes], [0, 0, 0, 0]);
  assert.deepEqual(decodeRecords(bytes), []);
});

test('the empty entry (a leader change) holds no records', () => {
  assert.deepEqual(decodeRecords(new Uint8Array(0)), []);
});

test('an entry that is a view into a larger buffer decodes only its own bytes', () => {
  const entry = encodeRecords(ordersTopic());
  const frame = new Uint8Array(entry.length + 20);
  frame.fill(0xee);
  frame.set(entry, 10);
  assert.deepEqual(decodeRecords(frame.subarray(10, 10 + entry.length)), ordersTopic());
});
