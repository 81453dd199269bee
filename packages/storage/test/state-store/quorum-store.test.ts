/**
 * Proves the quorum store keeps vote state, entries and snapshots across reopen: appends,
 * truncation of a suffix, a snapshot dropping the prefix, and that non-dense appends are refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { QuorumStore, type QuorumEntry } from '../../src/index.js';

function entry(offset: number, epoch: number): QuorumEntry {
  return { offset, epoch, data: new TextEncoder().encode(`entry-${offset}`) };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-store-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an empty store opens with nothing', () => withDir(async (dir) => {
  const { store, state } = await QuorumStore.open(dir);
  assert.deepEqual(state, { hardState: null, snapshot: null, entries: [] });
  await store.close();
}));

test('hard state, entries and truncation survive reopen', () => withDir(async (dir) => {
  const { store } = await QuorumStore.open(dir);
  await store.write({ hardState: { epoch: 3, votedFor: 2, leaderId: null }, entries: [entry(0, 1), entry(1, 1), entry(2, 2), entry(3, 2)] });
  await store.write({ truncateFrom: 2, entries: [entry(2, 3)] });
  await store.close();
  const reopened = await QuorumStore.open(dir);
  assert.deepEqual(reopened.state.hardState, { epoch: 3, votedFor: 2, leaderId: null });
  assert.deepEqual(reopened.state.entries.map((e) => [e.offset, e.epoch]), [[0, 1], [1, 1], [2, 3]]);
  assert.equal(new TextDecoder().decode(reopened.state.entries[2]!.data), 'entry-2');
  await reopened.store.close();
}));

test('a snapshot with a new log start offset drops the entries below it and survives reopen', () => withDir(async (dir) => {
  const { store } = await QuorumStore.open(dir);
  await store.write({ entries: [0, 1, 2, 3, 4].map((o) => entry(o, 1)) });
  await store.write({ snapshot: { endOffset: 3, epoch: 1, data: new Uint8Array([9, 9]) }, logStartOffset: 3 });
  await store.write({ entries: [entry(5, 2)] });
  await store.close();
  const reopened = await QuorumStore.open(dir);
  assert.deepEqual(reopened.state.snapshot, { endOffset: 3, epoch: 1, data: new Uint8Array([9, 9]) });
  assert.deepEqual(reopened.state.entries.map((e) => e.offset), [3, 4, 5]);
  await reopened.store.close();
}));

test('a snapshot beyond the log end replaces the whole log (a follower installing it)', () => withDir(async (dir) => {
  const { store } = await QuorumStore.open(dir);
  await store.write({ entries: [entry(0, 1), entry(1, 1)] });
  await store.write({ snapshot: { endOffset: 10, epoch: 4, data: new Uint8Array([1]) }, logStartOffset: 10, truncateFrom: 10 });
  await store.write({ entries: [entry(10, 4)] });
  await store.close();
  const reopened = await QuorumStore.open(dir);
  assert.deepEqual(reopened.state.entries.map((e) => e.offset), [10]);
  await reopened.store.close();
}));

test('an entry that does not follow the log end is refused', () => withDir(async (dir) => {
  const { store } = await QuorumStore.open(dir);
  await store.write({ entries: [entry(0, 1)] });
  await assert.rejects(store.write({ entries: [entry(2, 1)] }), /does not follow log end 1/);
  await store.close();
}));
