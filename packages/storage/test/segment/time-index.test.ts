/**
 * Proves the time index on a real file: entries only when the timestamp grows, floor lookups by
 * timestamp, Kafka's 12-byte entry format, truncation by offset, and the sanity check.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EntryFile } from '../../src/segment/entry-file.js';
import { TIME_INDEX_ENTRY_BYTES, TimeIndex } from '../../src/segment/time-index.js';
import { tempDir } from '../helpers/log.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

function openIndex(truncate: boolean): TimeIndex {
  const { file } = EntryFile.open(join(tmp.path, 'x.timeindex'), TIME_INDEX_ENTRY_BYTES, { truncate });
  return new TimeIndex(file, 100);
}

describe('TimeIndex', () => {
  it('appends only when the timestamp grows', () => {
    const index = openIndex(true);
    index.maybeAppend(100n, 0);
    index.maybeAppend(100n, 5);
    index.maybeAppend(90n, 6);
    index.maybeAppend(200n, 7);
    assert.equal(index.entryCount, 2);
    assert.deepEqual(index.lastEntry(), { timestamp: 200n, relativeOffset: 7 });
  });

  it('looks up the last entry at or below a timestamp, or offset 0 before the first', () => {
    const index = openIndex(true);
    index.maybeAppend(100n, 3);
    index.maybeAppend(200n, 8);
    index.maybeAppend(300n, 20);
    assert.equal(index.lookup(50n), 0);
    assert.equal(index.lookup(100n), 3);
    assert.equal(index.lookup(299n), 8);
    assert.equal(index.lookup(10_000n), 20);
  });

  it('writes Kafka entries (int64 timestamp, int32 relative offset) and reloads them', () => {
    const index = openIndex(true);
    index.maybeAppend(1_700_000_000_000n, 4);
    index.file.writePending();
    index.file.close();
    const bytes = readFileSync(join(tmp.path, 'x.timeindex'));
    assert.deepEqual([bytes.length, bytes.readBigInt64BE(0), bytes.readInt32BE(8)], [12, 1_700_000_000_000n, 4]);
    assert.equal(openIndex(false).lookup(1_800_000_000_000n), 4);
  });

  it('truncates entries pointing at or above an offset and accepts appends after', () => {
    const index = openIndex(true);
    index.maybeAppend(100n, 3);
    index.maybeAppend(200n, 8);
    index.truncateTo(8);
    assert.deepEqual(index.lastEntry(), { timestamp: 100n, relativeOffset: 3 });
    index.maybeAppend(150n, 9);
    assert.equal(index.lookup(160n), 9);
  });

  it('reports entries outside the segment', () => {
    const index = openIndex(true);
    index.maybeAppend(100n, 30);
    assert.equal(index.inconsistency(31), null);
    assert.match(index.inconsistency(30)!, /out of range/);
  });
});
