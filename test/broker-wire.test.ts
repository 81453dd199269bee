/**
 * The single-node broker's protocol behaviour, driven over a real TCP connection with the
 * project's own codec: topic lifecycle with ids (a re-created topic never serves old data),
 * partition growth, produce validation errors, acks=0, long-poll fetch, offsets by timestamp,
 * the ApiVersions fallback, and data surviving a clean restart.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import {
  ApiVersions, CreatePartitions, CreateTopics, decodeResponse, DeleteTopics, DescribeConfigs, encodeLegacyMessage, encodeRecordBatch, ErrorCode, Fetch,
  ListOffsets, Metadata, Produce,
  type ApiVersionsResponse, type CreatePartitionsResponse, type CreateTopicsResponse, type DeleteTopicsResponse,
  type DescribeConfigsResponse, type FetchResponse, type ListOffsetsResponse, type MetadataResponse, type ProduceResponse,
} from '@sluice/protocol';
import { WireClient } from '@sluice/testkit';
import { latestOffset, readPartition } from './support/fetch-reader.js';
import { startSingleNode } from './support/cluster.js';

function batch(values: string[], timestamp = 1_000n): Buffer {
  return encodeRecordBatch({ baseTimestamp: timestamp, records: values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: timestamp + BigInt(i) })) });
}

async function createTopic(client: WireClient, name: string, partitions: number, configs: Record<string, string> = {}): Promise<CreateTopicsResponse> {
  return client.request<CreateTopicsResponse>(CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 5000, validateOnly: false,
  });
}

async function produce(client: WireClient, topic: string, partition: number, records: Buffer, acks = -1): Promise<{ errorCode: number; baseOffset: bigint; errorMessage: string | null }> {
  const response = await client.request<ProduceResponse>(Produce, 8, {
    transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return response.responses[0]!.partitionResponses[0]!;
}

function fetchBody(topic: string, offset: bigint, options: { maxWaitMs?: number; minBytes?: number } = {}) {
  return {
    replicaId: -1, maxWaitMs: options.maxWaitMs ?? 0, minBytes: options.minBytes ?? 0, maxBytes: 1 << 20, isolationLevel: 0,
    sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '',
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
  };
}

test('topic lifecycle: create, duplicate, grow, delete removes data, re-create never serves old data', async () => {
  const cluster = await startSingleNode();
  const client = await WireClient.connect(cluster.node.port);
  const created = await createTopic(client, 'life', 2, { 'retention.ms': '60000' });
  assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
  const firstId = created.topics[0]!.topicId;
  assert.equal((await createTopic(client, 'life', 2)).topics[0]!.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
  assert.equal((await createTopic(client, 'bad/name', 1)).topics[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  assert.equal((await createTopic(client, 'zero', 0)).topics[0]!.errorCode, ErrorCode.INVALID_PARTITIONS);

  assert.equal((await produce(client, 'life', 1, batch(['old-1', 'old-2']))).errorCode, ErrorCode.NONE);
  const grown = await client.request<CreatePartitionsResponse>(CreatePartitions, 1, { topics: [{ name: 'life', count: 4, assignments: null }], timeoutMs: 5000, validateOnly: false });
  assert.equal(grown.results[0]!.errorCode, ErrorCode.NONE);
  const shrink = await client.request<CreatePartitionsResponse>(CreatePartitions, 1, { topics: [{ name: 'life', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false });
  assert.equal(shrink.results[0]!.errorCode, ErrorCode.INVALID_PARTITIONS);
  const metadata = await client.request<MetadataResponse>(Metadata, 10, { topics: [{ name: 'life', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
  assert.equal(metadata.topics[0]!.partitions.length, 4);
  assert.equal(metadata.topics[0]!.topicId, firstId);

  const configs = await client.request<DescribeConfigsResponse>(DescribeConfigs, 1, { resources: [{ resourceType: 2, resourceName: 'life', configurationKeys: ['retention.ms', 'segment.bytes'] }], includeSynonyms: true });
  const byName = new Map(configs.results[0]!.configs.map((c) => [c.name, c]));
  assert.equal(byName.get('retention.ms')!.value, '60000');
  assert.equal(byName.get('segment.bytes')!.value, '1073741824');

  const deleted = await client.request<DeleteTopicsResponse>(DeleteTopics, 4, { topicNames: ['life'], timeoutMs: 5000 });
  assert.equal(deleted.responses[0]!.errorCode, ErrorCode.NONE);
  assert.equal(existsSync(join(cluster.dataDir, 'life-1')), false, 'partition data is removed');
  const again = await createTopic(client, 'life', 2);
  assert.notEqual(again.topics[0]!.topicId, firstId, 'a re-created topic has a new id');
  assert.equal(await latestOffset(client, 'life', 1), 0n, 'the re-created topic starts empty');
  const missing = await client.request<DeleteTopicsResponse>(DeleteTopics, 4, { topicNames: ['nope'], timeoutMs: 5000 });
  assert.equal(missing.responses[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  client.close();

  // The old data must not come back after a restart either.
  const node = await cluster.restart();
  assert.equal((await readPartition(node.port, 'life', 1)).length, 0);
});

test('produce validation: bad CRC, too large, unknown partition, invalid acks; acks=0 gets no response', async () => {
  const { node } = await startSingleNode(['message.max.bytes=2000', 'auto.create.topics.enable=false']);
  const client = await WireClient.connect(node.port);
  await createTopic(client, 'v', 1);
  const corrupt = batch(['x']);
  corrupt[corrupt.length - 1]! ^= 0xff;
  assert.equal((await produce(client, 'v', 0, corrupt)).errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.equal((await produce(client, 'v', 0, batch(['y'.repeat(5000)]))).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  assert.equal((await produce(client, 'v', 7, batch(['z']))).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal((await produce(client, 'nope', 0, batch(['z']))).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal((await produce(client, 'v', 0, batch(['z']), 2)).errorCode, ErrorCode.INVALID_REQUIRED_ACKS);

  client.send(Produce, 8, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: 'v', partitionData: [{ index: 0, records: batch(['fire-and-forget']) }] }] });
  // The next response on this connection must be the ListOffsets answer, not a produce response.
  assert.equal(await latestOffset(client, 'v', 0), 1n);
  const first = await produce(client, 'v', 0, batch(['acked']));
  assert.equal(first.baseOffset, 1n);
  assert.deepEqual((await readPartition(node.port, 'v', 0)).map((r) => r.value!.toString()), ['fire-and-forget', 'acked']);
  client.close();
});

test('Produce v0-2: legacy message sets are stored as one batch; damaged ones and zstd get an error and the broker stays up', async () => {
  const { node } = await startSingleNode();
  const client = await WireClient.connect(node.port);
  await createTopic(client, 'old', 1);
  const legacy = async (version: number, records: Buffer): Promise<{ errorCode: number; baseOffset: bigint }> =>
    (await client.request<ProduceResponse>(Produce, version, {
      transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'old', partitionData: [{ index: 0, records }] }],
    })).responses[0]!.partitionResponses[0]!;
  const set = Buffer.concat([0, 1].map((i) => encodeLegacyMessage({ magic: 1, timestamp: 1_700_000_000_000n + BigInt(i), key: null, value: Buffer.from(`m${i}`) })));
  const stored = await legacy(2, set);
  assert.deepEqual([stored.errorCode, stored.baseOffset], [ErrorCode.NONE, 0n]);
  assert.equal((await legacy(0, encodeLegacyMessage({ magic: 0, key: Buffer.from('k'), value: Buffer.from('m2') }))).baseOffset, 2n);

  const damaged = Buffer.from(set);
  damaged[damaged.length - 1]! ^= 0xff;
  assert.equal((await legacy(1, damaged)).errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.equal((await legacy(2, encodeLegacyMessage({ magic: 1, codec: 3, key: null, value: Buffer.from('not lz4') }))).errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.equal((await legacy(2, encodeLegacyMessage({ magic: 1, codec: 4, key: null, value: Buffer.from('zstd') }))).errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  assert.equal((await produce(client, 'old', 0, set)).errorCode, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 'v3+ takes magic-2 batches only');
  const tooLarge = encodeLegacyMessage({ magic: 1, key: null, value: Buffer.alloc(1024 * 1024 + 1) });
  assert.equal((await legacy(2, tooLarge)).errorCode, ErrorCode.MESSAGE_TOO_LARGE, 'the wrapper is held to max.message.bytes');
  const bomb = encodeLegacyMessage({ magic: 1, codec: 1, key: null, value: gzipSync(Buffer.alloc(64 * 1024 * 1024)) });
  assert.equal((await legacy(2, bomb)).errorCode, ErrorCode.MESSAGE_TOO_LARGE, 'decompression is bounded');
  assert.deepEqual((await readPartition(node.port, 'old', 0)).map((r) => [r.offset, r.value!.toString()]), [[0n, 'm0'], [1n, 'm1'], [2n, 'm2']]);
  client.close();
});

test('fetch long-polls until data arrives or max wait passes; out-of-range offsets are reported', async () => {
  const { node } = await startSingleNode();
  const client = await WireClient.connect(node.port);
  const producer = await WireClient.connect(node.port);
  await createTopic(client, 'poll', 1);

  const started = Date.now();
  const empty = await client.request<FetchResponse>(Fetch, 11, fetchBody('poll', 0n, { maxWaitMs: 300, minBytes: 1 }));
  const waited = Date.now() - started;
  assert.ok(waited >= 250, `waited ${waited} ms for max wait`);
  assert.equal((empty.responses[0]!.partitions[0]!.records as Buffer | null)?.length ?? 0, 0);

  const pending = client.request<FetchResponse>(Fetch, 11, fetchBody('poll', 0n, { maxWaitMs: 10_000, minBytes: 1 }));
  await new Promise((r) => setTimeout(r, 100));
  const producedAt = Date.now();
  await produce(producer, 'poll', 0, batch(['wake-up']));
  const woke = await pending;
  assert.ok(Date.now() - producedAt < 2000, 'the fetch answered soon after the produce');
  const p = woke.responses[0]!.partitions[0]!;
  assert.equal(p.highWatermark, 1n);
  assert.equal(p.lastStableOffset, 1n);
  assert.equal(p.preferredReadReplica, -1);
  assert.ok((p.records as Buffer).length > 0);

  const out = await client.request<FetchResponse>(Fetch, 11, fetchBody('poll', 5n));
  assert.equal(out.responses[0]!.partitions[0]!.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  client.close();
  producer.close();
});

test('list offsets by timestamp, earliest and latest, and v0 old-style offsets', async () => {
  const { node } = await startSingleNode();
  const client = await WireClient.connect(node.port);
  await createTopic(client, 'ts', 1);
  await produce(client, 'ts', 0, batch(['a', 'b', 'c'], 1000n));
  await produce(client, 'ts', 0, batch(['d', 'e'], 5000n));
  const lookup = async (timestamp: bigint) => {
    const r = await client.request<ListOffsetsResponse>(ListOffsets, 4, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'ts', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] });
    return r.topics[0]!.partitions[0]!;
  };
  assert.equal((await lookup(-2n)).offset, 0n);
  assert.equal((await lookup(-1n)).offset, 5n);
  assert.equal((await lookup(3000n)).offset, 3n);
  assert.equal((await lookup(3000n)).timestamp, 5001n, 'the timestamp reported is the batch max timestamp');
  assert.equal((await lookup(999n)).offset, 0n);
  assert.equal((await lookup(9999n)).offset, -1n);
  const v0 = await client.request<ListOffsetsResponse>(ListOffsets, 0, { replicaId: -1, topics: [{ name: 'ts', partitions: [{ partitionIndex: 0, timestamp: -1n, maxNumOffsets: 1 }] }] });
  assert.deepEqual(v0.topics[0]!.partitions[0]!.oldStyleOffsets, [5n]);
  client.close();
});

test('ApiVersions answers an unsupported version with UNSUPPORTED_VERSION in the v0 format', async () => {
  const { node } = await startSingleNode();
  const client = await WireClient.connect(node.port);
  const ok = await client.request<ApiVersionsResponse>(ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
  assert.equal(ok.errorCode, ErrorCode.NONE);
  const produceRange = ok.apiKeys.find((k) => k.apiKey === Produce.apiKey)!;
  assert.deepEqual([produceRange.minVersion, produceRange.maxVersion], [0, 9]); // from 0: librdkafka up to 2.11 compresses only then
  client.close();

  // Ask for ApiVersions v9 (unserved): the answer must decode as a v0 body with error 35.
  const raw = await WireClient.connect(node.port);
  const frame = Buffer.alloc(4 + 14);
  frame.writeInt32BE(14, 0);
  frame.writeInt16BE(18, 4);
  frame.writeInt16BE(9, 6);
  frame.writeInt32BE(42, 8);
  frame.writeInt16BE(4, 12);
  frame.write('test', 14);
  const answer = await raw.rawRequest(frame);
  const decoded = decodeResponse(ApiVersions, 0, answer);
  assert.equal(decoded.correlationId, 42);
  const body = decoded.body as unknown as ApiVersionsResponse;
  assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION);
  assert.ok(body.apiKeys.some((k) => k.apiKey === ApiVersions.apiKey && k.maxVersion === 3));
  raw.close();
});
