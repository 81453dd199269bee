/**
 * Proves what the generated code puts on the wire and how its values look in TypeScript: hex
 * fixtures worked out by hand from the protobuf encoding rules, proto3 defaults on decode, enums
 * as numbers (unknown values kept), bytes as Buffers, and fields this version does not know
 * skipped (a newer peer's message still decodes; protobufjs discards them by default).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromBigInt, sluice, toBigInt } from '../../src/index.js';

const raft = sluice.raft;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('generated raft messages', () => {
  it('encode an Entry as the protobuf rules say', () => {
    // Field 1 varint 2^40 (08 80 80 80 80 80 20), field 2 varint 3 (10 03), field 3 bytes 01 02 (1a 02 01 02).
    const bytes = raft.Entry.encode({ offset: fromBigInt(1n << 40n), epoch: 3, data: Buffer.from([1, 2]) }).finish();
    assert.equal(hex(bytes), '0880808080802010031a020102');
  });

  it('encode a negative int64 as ten varint bytes', () => {
    // -1 as int64 is 0xffff_ffff_ffff_ffff: nine 0xff groups and a final 0x01.
    const bytes = raft.DivergingEpoch.encode({ epoch: 1, endOffset: fromBigInt(-1n) }).finish();
    assert.equal(hex(bytes), '080110ffffffffffffffffff01');
  });

  it('encode an enum and a nested message', () => {
    // Field 2 enum FENCED_EPOCH = 2 (10 02); field 9 message SnapshotId { end_offset 5, epoch 1 } (4a 04 08 05 10 01).
    const bytes = raft.FetchResponse.encode(
      raft.FetchResponse.create({ error: raft.RaftError.FENCED_EPOCH, snapshotId: { endOffset: fromBigInt(5n), epoch: 1 } }),
    ).finish();
    assert.equal(hex(bytes), '10024a0408051001');
  });

  it('decode an empty message to proto3 defaults', () => {
    const message = raft.FetchResponse.decode(new Uint8Array(0));
    assert.equal(message.error, raft.RaftError.OK);
    assert.equal(message.epoch, 0);
    assert.equal(toBigInt(message.highWatermark), 0n);
    assert.deepEqual(message.entries, []);
    assert.equal(message.divergingEpoch, null);
    assert.equal(message.snapshotId, null);
  });

  it('decode bytes as a Buffer and int64 as a Long', () => {
    const message = raft.Entry.decode(Buffer.from('0880808080802010031a020102', 'hex'));
    assert.ok(Buffer.isBuffer(message.data));
    assert.deepEqual([...message.data], [1, 2]);
    assert.equal(typeof message.offset, 'object');
    assert.equal(toBigInt(message.offset), 1n << 40n);
  });

  it('keep an enum value this version does not know as its number', () => {
    const message = raft.VoteResponse.decode(Buffer.from('1063', 'hex'));
    assert.equal(message.error, 99);
    assert.equal(raft.RaftError[message.error as sluice.raft.RaftError], undefined);
  });

  it('skip fields this version does not declare', () => {
    // An Entry with field 15 (varint 7) and field 14 (bytes 'ab') that this version does not declare.
    const message = raft.Entry.decode(Buffer.from('100378077202abcd', 'hex'));
    assert.equal(message.epoch, 3);
    assert.equal(message.$unknowns, undefined);
    assert.equal(hex(raft.Entry.encode(message).finish()), '1003');
  });
});
