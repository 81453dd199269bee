/**
 * Proves that every served version of every API survives encode then decode, for requests and
 * responses, through the full envelope (size prefix and header). Messages are generated from the
 * tables themselves (test/support/message-arbitrary.ts), so a field the codec mishandles in any
 * version shows up here. A failure prints fast-check's seed and path for replay.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ALL_APIS, decodeRequest, decodeResponse, encodeRequest, encodeResponse, Fetch, ProtocolDecodeError,
  type ApiSpec,
} from '../../src/index.js';
import { messageArbitrary } from '../support/message-arbitrary.js';

const RUNS_PER_VERSION = 100;

/** Joins framed chunks, checks the size prefix, and returns the frame without it. */
function unframe(chunks: Buffer[]): Buffer {
  const all = Buffer.concat(chunks);
  assert.equal(all.readInt32BE(0), all.length - 4, 'size prefix counts the bytes after it');
  return all.subarray(4);
}

const headerArb = fc.record({
  correlationId: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  clientId: fc.option(fc.string({ unit: 'binary', maxLength: 10 }), { nil: null }),
}, { noNullPrototype: true });

function servedVersions(api: ApiSpec): number[] {
  return Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => api.minVersion + i);
}

for (const api of ALL_APIS) {
  describe(`${api.name} (key ${api.apiKey})`, () => {
    for (const version of servedVersions(api)) {
      test(`v${version} request round-trips`, () => {
        fc.assert(fc.property(headerArb, messageArbitrary(api.request, version), (header, body) => {
          const frame = unframe(encodeRequest(api, { ...header, apiVersion: version }, body));
          const decoded = decodeRequest(api, frame);
          assert.deepEqual(decoded.header, { apiKey: api.apiKey, apiVersion: version, ...header });
          assert.deepEqual(decoded.body, body);
        }), { numRuns: RUNS_PER_VERSION });
      });

      test(`v${version} response round-trips`, () => {
        fc.assert(fc.property(fc.integer(), messageArbitrary(api.response, version), (correlationId, body) => {
          const frame = unframe(encodeResponse(api, version, correlationId, body));
          const decoded = decodeResponse(api, version, frame);
          assert.deepEqual(decoded, { correlationId, body });
        }), { numRuns: RUNS_PER_VERSION });
      });
    }
  });
}

test('Fetch records given as a list of batch buffers decode as their concatenation', () => {
  for (const version of servedVersions(Fetch)) {
    const parts = [Buffer.from('first batch'), Buffer.alloc(2000, 7), Buffer.from('third')];
    const partition = { partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n,
      abortedTransactions: [], preferredReadReplica: -1, records: parts };
    const body = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [partition] }] };
    const chunks = encodeResponse(Fetch, version, 1, body);
    assert.ok(chunks.includes(parts[1]!), 'a large batch buffer is passed through without a copy');
    const decoded = decodeResponse(Fetch, version, unframe(chunks)).body as { responses: { partitions: { records: Buffer }[] }[] };
    assert.deepEqual(decoded.responses[0]!.partitions[0]!.records, Buffer.concat(parts));
  }
});

test('decodeRequest refuses a frame for another API or an unserved version', () => {
  const [api] = ALL_APIS;
  const frame = unframe(encodeRequest(api!, { apiVersion: api!.maxVersion, correlationId: 1, clientId: null }, {}));
  const other = Buffer.from(frame);
  other.writeInt16BE(api!.apiKey + 1, 0);
  assert.throws(() => decodeRequest(api!, other), ProtocolDecodeError);
  const unserved = Buffer.from(frame);
  unserved.writeInt16BE(api!.maxVersion + 1, 2);
  assert.throws(() => decodeRequest(api!, unserved), /not served/);
  assert.throws(() => decodeRequest(api!, frame.subarray(0, 3)), ProtocolDecodeError);
});
