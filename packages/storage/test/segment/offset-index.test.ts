/**
 * Proves the offset index on a real file: floor lookups by relative offset, Kafka's 8-byte entry
 * format on disk, truncation, lazy loading after reopen, and the sanity check recovery relies on.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InvariantError } from '../../src/index.js';
import { EntryFile } from '../../src/segment/entry-file.js';
import { OFFSET_INDEX_ENTRY_BYTES, OffsetIndex } from '../../src/segment/offset-index.js';
import { tempDir } from '../helpers/log.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

function openIndex(truncate: boolean, entriesMax = 100): OffsetIndex {
  const { file } = EntryFile.open(join(tmp.path, 'x.index'), OFFSET_INDEX_ENTRY_BYTES, { truncate });
  return new OffsetIndex(file, entriesMax);
}

describe('OffsetIndex', () => {
  it('looks up the floor entry, or position 0 below the first', () => {
    const index = openIndex(true);
    index.append({ relativeOffset: 10, position: 1000 });
    index.append({ relativeOffset: 20, position: 2000 });
    index.append({ relativeOffset: 35, position: 3000 });
    assert.equal(index.lookup(0), 0);
    assert.equal(index.lookup(9), 0);
    assert.equal(index.lookup(10), 1000);
    assert.equal(index.lookup(34), 2000);
    assert.equal(index.lookup(1_000_000), 3000);
  });

  it('writes Kafka entries (int32 relative offset, int32 position) and reloads them lazily', () => {
    const index = openIndex(true);
    for (let i = 1; i <= 1000; i++) index.append({ relativeOffset: i * 3, position: i * 100 });
    index.file.writePending();
    index.file.close();
    const bytes = readFileSync(join(tmp.path, 'x.index'));
    assert.equal(bytes.length, 8000);
    assert.deepEqual([bytes.readInt32BE(0), bytes.readInt32BE(4)], [3, 100]);
    const reopened = openIndex(false);
    assert.deepEqual(reopened.lastEntry(), { relativeOffset: 3000, position: 100_000 });
    assert.equal(reopened.lookup(1500), 50_000);
    assert.equal(reopened.lookup(1501), 50_000);
  });

  it('refuses entries that do not increase', () => {
    const index = openIndex(true);
    index.append({ relativeOffset: 5, position: 500 });
    assert.throws(() => index.append({ relativeOffset: 5, position: 600 }), InvariantError);
    assert.throws(() => index.append({ relativeOffset: 6, position: 500 }), InvariantError);
  });

  it('truncates entries at or above a relative offset, on disk too', () => {
    const index = openIndex(true);
    for (const [o, p] of [[10, 100], [20, 200], [30, 300]] as const) index.append({ relativeOffset: o, position: p });
    index.file.writePending();
    index.truncateTo(20);
    assert.equal(index.entryCount, 1);
    assert.equal(index.lookup(25), 100);
    assert.equal(statSync(join(tmp.path, 'x.index')).size, 8);
    index.append({ relativeOffset: 15, position: 150 });
    assert.equal(index.lookup(25), 150);
  });

  it('reports room and inconsistencies', () => {
    const index = openIndex(true, 2);
    assert.ok(index.hasRoomFor(2));
    index.append({ relativeOffset: 1, position: 10 });
    assert.ok(!index.hasRoomFor(2));
    index.append({ relativeOffset: 2, position: 20 });
    index.file.writePending();
    assert.equal(index.inconsistency({ logBytes: 21, relativeOffsetLimit: 100 }), null);
    assert.match(index.inconsistency({ logBytes: 20, relativeOffsetLimit: 100 })!, /past the log end/);
    assert.match(index.inconsistency({ logBytes: 100, relativeOffsetLimit: 2 })!, /out of range/);
  });
});
