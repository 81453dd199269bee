/**
 * Seeded random schedules against one group: clients join (KIP-394), heartbeat, rejoin when
 * told to, sync, commit, leave and crash while time advances. After every input it checks:
 *  - at most one leader per generation;
 *  - the generation only increases;
 *  - in a Stable group every member last received the group's current generation;
 *  - a SyncGroup assignment is only delivered for the current generation (the leader writes the
 *    generation into each assignment, and delivery compares it with the group's generation).
 * A failure names the seed; rerun with SEED=<n>.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '@sluice/testkit';
import { GroupErrorCode as E, type Completion, type GroupCoordinatorState, type GroupOutput } from '../../src/groups/core/index.js';
import { bytes, commitStored, joinReq, newCoordinator, text } from './helpers.js';

type Phase = 'new' | 'joining' | 'syncing' | 'stable' | 'gone';
interface Client { name: string; memberId: string; phase: Phase; generation: number; lastSentMs: number }

function runSchedule(seed: number, steps: number): { generations: number; commits: number } {
  const rand = seededRandom(seed);
  const coord: GroupCoordinatorState = newCoordinator(seed % 2 === 0 ? 0 : 1000);
  const clients: Client[] = [];
  const byHandle = new Map<number, Client>();
  const leaders = new Map<number, string>();
  let nextHandle = 1;
  let nowMs = 0;
  let lastGeneration = 0;
  let commits = 0;
  const queue: Completion[] = [];
  // A response counts as delivered when the core returns it; the client reacts to it later.
  const accept = (out: GroupOutput) => {
    for (const d of out.completions) {
      const c = byHandle.get(d.handle);
      if (d.kind === 'join' && d.result.errorCode === E.NONE && c !== undefined) c.generation = d.result.generationId;
      queue.push(d);
    }
  };
  const send = (c: Client, fn: (h: number) => GroupOutput) => {
    const h = nextHandle++;
    byHandle.set(h, c);
    c.lastSentMs = nowMs;
    accept(fn(h));
  };
  const join = (c: Client) => {
    c.phase = 'joining';
    send(c, (h) => coord.join(joinReq({ memberId: c.memberId, clientId: c.name, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000 }), h, nowMs));
  };
  const check = () => {
    const g = coord.group('g');
    if (g === undefined) return;
    assert.ok(g.generationId >= lastGeneration, `seed ${seed}: generation went back`);
    lastGeneration = g.generationId;
    if (g.state === 'Stable') {
      for (const id of g.memberIds()) {
        const c = clients.find((x) => x.memberId === id);
        assert.equal(c?.generation, g.generationId, `seed ${seed}: member ${id} of a Stable group is not on generation ${g.generationId}`);
      }
    }
  };
  const handle = (done: Completion) => {
    const c = byHandle.get(done.handle) as Client;
    byHandle.delete(done.handle);
    if (c.phase === 'gone') return;
    const g = coord.group('g');
    switch (done.kind) {
      case 'join': {
        const r = done.result;
        if (r.errorCode === E.MEMBER_ID_REQUIRED) { c.memberId = r.memberId; join(c); return; }
        if (r.errorCode !== E.NONE) { if (r.errorCode === E.UNKNOWN_MEMBER_ID) c.memberId = ''; c.phase = 'new'; return; }
        const prev = leaders.get(r.generationId);
        assert.ok(prev === undefined || prev === r.leader, `seed ${seed}: two leaders in generation ${r.generationId}`);
        leaders.set(r.generationId, r.leader);
        c.generation = r.generationId;
        c.phase = 'syncing';
        const assignments = r.members.map((m) => ({ memberId: m.memberId, assignment: bytes(`gen:${r.generationId}`) }));
        send(c, (h) => coord.sync({ groupId: 'g', generationId: r.generationId, memberId: c.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: r.protocolName, assignments }, h, nowMs));
        return;
      }
      case 'sync':
        if (done.result.errorCode !== E.NONE) { if (done.result.errorCode === E.UNKNOWN_MEMBER_ID) c.memberId = ''; c.phase = 'new'; return; }
        assert.equal(text(done.result.assignment), `gen:${g?.generationId}`, `seed ${seed}: assignment for a stale generation`);
        c.phase = 'stable';
        return;
      case 'heartbeat':
        if (done.result.errorCode === E.UNKNOWN_MEMBER_ID) { c.memberId = ''; c.phase = 'new'; }
        else if (done.result.errorCode !== E.NONE) c.phase = 'new';
        return;
      case 'leave':
        return;
    }
  };
  const pump = () => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) { handle(d); check(); }
  };
  for (let step = 0; step < steps; step += 1) {
    nowMs += Math.floor(rand() * 1500);
    accept(coord.tick(nowMs));
    pump();
    const live = clients.filter((c) => c.phase !== 'gone');
    for (const c of live) {
      if (c.phase === 'new') join(c);
      else if (c.phase === 'stable' && nowMs - c.lastSentMs >= 3000) send(c, (h) => coord.heartbeat({ groupId: 'g', memberId: c.memberId, generationId: c.generation, groupInstanceId: null }, h, nowMs));
      pump();
    }
    const x = rand();
    const victim = live[Math.floor(rand() * live.length)];
    if (x < 0.08 && clients.length < 12) {
      const c: Client = { name: `c${clients.length}`, memberId: '', phase: 'new', generation: -1, lastSentMs: nowMs };
      clients.push(c);
      join(c);
    } else if (x < 0.12 && victim !== undefined) {
      victim.phase = 'gone'; // crash: silence until the session expires
    } else if (x < 0.16 && victim !== undefined && victim.memberId !== '') {
      victim.phase = 'gone';
      send(victim, (h) => coord.leave({ groupId: 'g', members: [{ memberId: victim.memberId, groupInstanceId: null }] }, h, nowMs));
    } else if (x < 0.4 && victim !== undefined && victim.phase === 'stable') {
      const out = commitStored(coord, 'g', { generationId: victim.generation, memberId: victim.memberId, offsets: [{ topic: 't', partition: 0, offset: BigInt(step), leaderEpoch: -1, metadata: null }] }, nowMs);
      if (out.results[0]?.errorCode === E.NONE) commits += 1;
    }
    pump();
  }
  return { generations: lastGeneration, commits };
}

const seeds = process.env.SEED !== undefined ? [Number(process.env.SEED)] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

test('seeded random schedules keep the group invariants and make progress', () => {
  for (const seed of seeds) {
    const { generations, commits } = runSchedule(seed, 600);
    assert.ok(generations >= 2, `seed ${seed}: only ${generations} generations`);
    assert.ok(commits > 0, `seed ${seed}: no commit succeeded`);
  }
});

/** Floats in [0, 1) from testkit's seeded PRNG (mulberry32), so a seed replays exactly. */
function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}
