/**
 * Proves the frame splitter handles frames split across reads, several frames in one read,
 * and rejects negative or oversized size prefixes before buffering them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder, frameChunks, ProtocolDecodeError } from '../src/index.js';

function frame(body: string): Buffer {
  return Buffer.concat(frameChunks([Buffer.from(body)]));
}

test('two frames in one read and one frame over three reads', () => {
  const decoder = new FrameDecoder(1024);
  const both = Buffer.concat([frame('hello'), frame('world!')]);
  assert.deepEqual(decoder.push(both).map(String), ['hello', 'world!']);
  const third = frame('split');
  assert.deepEqual(decoder.push(third.subarray(0, 2)), []);
  assert.deepEqual(decoder.push(third.subarray(2, 6)), []);
  assert.deepEqual(decoder.push(third.subarray(6)).map(String), ['split']);
});

test('negative and oversized size prefixes are rejected', () => {
  const negative = Buffer.alloc(4);
  negative.writeInt32BE(-5);
  assert.throws(() => new FrameDecoder(1024).push(negative), ProtocolDecodeError);
  const huge = Buffer.alloc(4);
  huge.writeInt32BE(2048);
  assert.throws(() => new FrameDecoder(1024).push(huge), ProtocolDecodeError);
});
