/**
 * Unit tests of the in-memory log's epoch history (KIP-101 end offset for epoch), compaction
 * and truncation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftLog } from '../../src/core/log.js';

function logWith(epochs: number[], start = { endOffset: 0, epoch: 0 }): RaftLog {
  const log = new RaftLog(start);
  log.append(epochs.map((epoch, i) => ({ offset: start.endOffset + i, epoch, data: new Uint8Array([i]) })));
  return log;
}

test('end offset for epoch is the start of the next epoch, or the log end for the last', () => {
  const log = logWith([1, 1, 3, 3, 4]);
  assert.deepEqual(log.endOffsetForEpoch(1), { epoch: 1, endOffset: 2 });
  assert.deepEqual(log.endOffsetForEpoch(2), { epoch: 1, endOffset: 2 });
  assert.deepEqual(log.endOffsetForEpoch(3), { epoch: 3, endOffset: 4 });
  assert.deepEqual(log.endOffsetForEpoch(9), { epoch: 4, endOffset: 5 });
  assert.deepEqual(log.endOffsetForEpoch(0), { epoch: 0, endOffset: 0 });
});

test('truncation removes whole epochs from the history', () => {
  const log = logWith([1, 1, 3, 3, 4]);
  log.truncateFrom(2);
  assert.equal(log.lastEpoch, 1);
  assert.deepEqual(log.endOffsetForEpoch(4), { epoch: 1, endOffset: 2 });
});

test('compaction keeps the epoch that continues past the snapshot', () => {
  const log = logWith([1, 1, 3, 3, 4]);
  log.compactTo({ endOffset: 3, epoch: 3 });
  assert.equal(log.startOffset, 3);
  assert.deepEqual(log.endOffsetForEpoch(3), { epoch: 3, endOffset: 4 });
  assert.deepEqual(log.endOffsetForEpoch(2), null);
  assert.equal(log.epochAt(2), 3);
  log.compactTo({ endOffset: 5, epoch: 4 });
  assert.deepEqual(log.endOffsetForEpoch(4), { epoch: 4, endOffset: 5 });
  assert.equal(log.lastEpoch, 4);
});

test('slice returns at least one entry and stops at the byte bound', () => {
  const log = logWith([1, 1, 1]);
  assert.equal(log.slice(0, { bytesMax: 1, entriesMax: 10 }).length, 1);
  assert.equal(log.slice(0, { bytesMax: 1000, entriesMax: 2 }).length, 2);
});
