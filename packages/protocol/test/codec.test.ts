/**
 * Proves codec rules the generated round trips do not reach: omitted fields encode as Kafka's
 * defaults (an empty byte string for non-nullable bytes, not null), null is refused on encode
 * wherever the version does not allow it, and unknown tagged fields are skipped on decode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage, encodeMessage, field, JoinGroup, Reader, SyncGroup, Writer, type MessageSpec } from '../src/index.js';

function encode(body: object, version: number, flexible: boolean, spec: MessageSpec = SyncGroup.response): Buffer {
  const writer = new Writer();
  encodeMessage(spec, body, writer, version, flexible);
  return writer.toBuffer();
}

test('an omitted non-nullable bytes field encodes as empty bytes', () => {
  const bytes = encode({ errorCode: 0 }, 0, false);
  assert.equal(bytes.toString('hex'), '0000' + '00000000');
  assert.deepEqual(decodeMessage(SyncGroup.response, new Reader(bytes), 0, false).assignment, Buffer.alloc(0));
});

test('null is refused on encode where the version does not allow it', () => {
  assert.throws(() => encode({ errorCode: 0, assignment: null }, 0, false), TypeError);
  // JoinGroup's protocolName exists from v0 but may be null only from v7.
  assert.throws(() => encode({ protocolName: null }, 6, true, JoinGroup.response), TypeError);
  assert.doesNotThrow(() => encode({ protocolName: null }, 7, true, JoinGroup.response));
});

test('unknown tagged fields are skipped and known ones decoded', () => {
  const spec = { fields: [field('a', 'int8', '0+'), field('t', 'int16', '0+', { tag: 3, tagged: '0+', default: -1 })] };
  // a=7; two tagged fields: tag 1 (unknown, 2 bytes) and tag 3 (int16 5).
  const bytes = Buffer.from('07' + '02' + '01' + '02' + 'abcd' + '03' + '02' + '0005', 'hex');
  assert.deepEqual(decodeMessage(spec, new Reader(bytes), 0, true), { a: 7, t: 5 });
  assert.deepEqual(decodeMessage(spec, new Reader(Buffer.from('0700', 'hex')), 0, true), { a: 7, t: -1 });
});
