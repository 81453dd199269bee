/**
 * Proves the codec writes the bytes Kafka's protocol guide describes, using frames written out by
 * hand from the spec (size prefix, request header v1/v2, classic vs compact strings, arrays and
 * the tagged-field byte), and that decoding those bytes gives the message back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ApiVersions, decodeRequest, decodeResponse, encodeRecordBatch, encodeRequest, encodeResponse, Metadata, Produce,
  type MetadataRequest,
} from '../../src/index.js';

/** Removes spaces and the comments after '#' on each line, so fixtures can be annotated. */
function hex(annotated: string): string {
  return annotated.split('\n').map((line) => line.replace(/#.*$/, '').replace(/\s+/g, '')).join('');
}

function bytesOf(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('hex');
}

test('ApiVersions v0 request: header v1 and an empty body', () => {
  const expected = hex(`
    0000000b   # size 11
    0012       # api key 18
    0000       # api version 0
    00000001   # correlation id 1
    0001 63    # client id "c" (INT16 length)
  `);
  const chunks = encodeRequest(ApiVersions, { apiVersion: 0, correlationId: 1, clientId: 'c' }, {});
  assert.equal(bytesOf(chunks), expected);
  const decoded = decodeRequest(ApiVersions, Buffer.from(expected, 'hex').subarray(4));
  assert.deepEqual(decoded.header, { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'c' });
});

test('Metadata v1 request with one topic: INT32 array length, INT16 string length, null client id', () => {
  const expected = hex(`
    00000011   # size 17
    0003 0001  # Metadata v1
    00000007   # correlation id 7
    ffff       # client id null
    00000001   # topics: 1 (INT32)
    0001 74    # name "t"
  `);
  const body: MetadataRequest = {
    topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 't' }],
    allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
  };
  const chunks = encodeRequest(Metadata, { apiVersion: 1, correlationId: 7, clientId: null }, body);
  assert.equal(bytesOf(chunks), expected);
  assert.deepEqual(decodeRequest(Metadata, Buffer.from(expected, 'hex').subarray(4)).body, body);
});

test('Metadata v9 request (flexible): compact array and string, header and body tagged-field bytes', () => {
  const expected = hex(`
    00000015   # size 21
    0003 0009  # Metadata v9
    0000002a   # correlation id 42
    0002 6369  # client id "ci": still an INT16-length string in header v2
    00         # header tagged fields: none
    02         # topics: compact array, 1 + 1
    02 74      # name "t": compact string, length 1 + 1
    00         # topic tagged fields: none
    01         # allowAutoTopicCreation true
    00         # includeClusterAuthorizedOperations false
    00         # includeTopicAuthorizedOperations false
    00         # body tagged fields: none
  `);
  const body = { topics: [{ name: 't' }], allowAutoTopicCreation: true };
  assert.equal(bytesOf(encodeRequest(Metadata, { apiVersion: 9, correlationId: 42, clientId: 'ci' }, body)), expected);
  const nullTopics = bytesOf(encodeRequest(Metadata, { apiVersion: 9, correlationId: 42, clientId: 'ci' }, { topics: null }));
  assert.equal(nullTopics.slice(8 + 26, 8 + 28), '00', 'a null compact array is a single 0 byte');
  const decoded = decodeRequest(Metadata, Buffer.from(expected, 'hex').subarray(4)).body;
  assert.deepEqual(decoded.topics, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 't' }]);
});

test('Produce v3 request: header, null transactional id, acks, and records as INT32-length bytes', () => {
  const batch = encodeRecordBatch({ baseTimestamp: 0n, records: [{ key: null, value: Buffer.from('v') }] });
  const body = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 2, records: batch }] }] };
  const frame = Buffer.concat(encodeRequest(Produce, { apiVersion: 3, correlationId: 9, clientId: 'p' }, body));
  const expectedHead = hex(`
    0000 0003  # Produce v3
    00000009   # correlation id 9
    0001 70    # client id "p"
    ffff       # transactional id null
    ffff       # acks -1
    00007530   # timeout 30000 ms
    00000001   # topics: 1
    0001 74    # name "t"
    00000001   # partitions: 1
    00000002   # index 2
  `);
  const head = frame.subarray(4, 4 + expectedHead.length / 2);
  assert.equal(head.toString('hex'), expectedHead);
  const rest = frame.subarray(4 + expectedHead.length / 2);
  assert.equal(rest.readInt32BE(0), batch.length);
  assert.deepEqual(rest.subarray(4), batch);
  assert.equal(frame.readInt32BE(0), frame.length - 4);
  assert.deepEqual(decodeRequest(Produce, frame.subarray(4)).body, body);
});

test('ApiVersions v3 response: flexible body but response header v0 (no tagged-field byte, KIP-511)', () => {
  const expected = hex(`
    00000013   # size 19
    00000005   # correlation id 5, and no header tagged fields
    0000       # error code 0
    02         # api keys: compact array of 1
    0012 0000 0003 00  # ApiVersions 0..3, element tagged fields
    00000000   # throttle time
    00         # body tagged fields: none
  `);
  const body = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 };
  assert.equal(bytesOf(encodeResponse(ApiVersions, 3, 5, body)), expected);
  const decoded = decodeResponse(ApiVersions, 3, Buffer.from(expected, 'hex').subarray(4));
  assert.equal(decoded.correlationId, 5);
  assert.deepEqual(decoded.body.apiKeys, body.apiKeys);
});
