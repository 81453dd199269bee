/**
 * One regression test per bug the simulation found in the core. Each replays a seed (and options)
 * that fails when the bug is put back, plus a direct protocol-rule test of the fix. The seeds are
 * those that expose the bug with the current simulator; any change to the simulator's use of its
 * random stream moves them (re-find with `npm run sim -- --seeds 1000` on the reverted fix), so
 * the rule test is the lasting guard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftError } from '../../src/core/messages.js';
import { runSimulation } from '../../src/sim/index.js';
import { drain, makeNode, ofKind } from '../core/helpers.js';

test('bug 1 (seed 6): an observer whose fetches time out re-attaches to the leader a voter names', () => {
  // The observer used to record a leader it merely stopped hearing from as "ended", then ignored
  // every NOT_LEADER answer naming that (live) leader and never caught up again.
  runSimulation(6);
  const observer = makeNode(9, { random: [0.5], persisted: { hardState: { epoch: 1, votedFor: null, leaderId: 1 }, snapshot: null, entries: [] } });
  drain(observer);
  for (let i = 0; i < 20; i++) observer.tick();
  assert.equal(observer.leaderId, null, 'fetch timeout: back to discovery');
  const fetch = ofKind(drain(observer).messages, 'FetchRequest').at(-1)!;
  observer.step(fetch.to, {
    kind: 'FetchResponse', correlationId: fetch.message.correlationId, error: RaftError.NOT_LEADER, epoch: 1, leaderId: 1,
    highWatermark: 0, logStartOffset: 0, entries: [], divergingEpoch: null, snapshotId: null,
  });
  assert.equal(observer.leaderId, 1);
});

test('bug 2 (seed 1, --voters 1): a leader counts only its fsynced entries towards the high watermark', () => {
  // A single voter used to commit a proposal the moment it was appended; a crash before the fsync
  // then lost an entry that highWatermark and DescribeQuorum had already reported as committed.
  runSimulation(1, { voters: 1 });
  const leader = makeNode(1, { config: { voterIds: [1] } });
  for (let i = 0; i < 10 && leader.role !== 'leader'; i++) leader.tick();
  assert.equal(leader.role, 'leader');
  const first = leader.ready()!;
  assert.equal(leader.highWatermark, 0, 'the leader-change entry is not durable yet');
  leader.advance(first);
  assert.equal(leader.highWatermark, 1);
  leader.propose([new Uint8Array([1])]);
  assert.equal(leader.highWatermark, 1);
  const withEntry = leader.ready()!;
  assert.deepEqual(withEntry.committedEntries.map((e) => e.offset), [0]);
  leader.advance(withEntry);
  assert.equal(leader.highWatermark, 2);
  assert.deepEqual(leader.ready()!.committedEntries.map((e) => e.offset), [1]);
});

test('bug 3 (seed 4): a dead leader named in pre-vote answers does not block the election that replaces it', () => {
  // Found first by the real-process failover test, then by the simulator once its heals began to
  // keep the old leader down: a prospective node re-followed the dead leader that a pre-vote answer
  // named, and a voter that had only started following it (restart) refused pre-votes as if it
  // heard from it. Together they livelocked the failover.
  runSimulation(4);
  const restored = { hardState: { epoch: 1, votedFor: 1, leaderId: 1 }, snapshot: null, entries: [] };
  const prospective = makeNode(2, { persisted: restored });
  const voter = makeNode(3, { persisted: restored });
  drain(prospective);
  drain(voter);
  for (let i = 0; i < 20; i++) prospective.tick();
  assert.equal(prospective.role, 'prospective');
  const preVote = ofKind(drain(prospective).messages, 'VoteRequest').find((r) => r.to === 3)!;
  voter.step(2, preVote.message);
  const answer = ofKind(drain(voter).messages, 'VoteResponse')[0]!.message;
  assert.equal(answer.voteGranted, true, 'a voter that never heard from the leader grants the pre-vote');
  assert.equal(answer.leaderId, 1);
  prospective.step(3, answer);
  assert.equal(prospective.role, 'candidate', 'the answer naming the dead leader does not end the pre-vote');
});
