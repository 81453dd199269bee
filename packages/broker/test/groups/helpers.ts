/**
 * Test helpers for the group coordinator core: a deterministic member id source, request
 * builders, and lookups into the completions an input returned.
 */
import { GroupCoordinatorState, type Completion, type GroupOutput, type JoinGroupResult, type SyncGroupResult } from '../../src/groups/core/index.js';

/** A coordinator with ids `${clientId}-1`, `${clientId}-2`, ... and no initial delay unless given. */
export function newCoordinator(initialRebalanceDelayMs = 0): GroupCoordinatorState {
  let next = 0;
  return new GroupCoordinatorState({
    newMemberId: (clientId) => `${clientId}-${(next += 1)}`,
    config: { sessionTimeoutMsMin: 6000, sessionTimeoutMsMax: 1_800_000, initialRebalanceDelayMs, offsetMetadataBytesMax: 4096 },
  });
}

/** Consumer-protocol subscription bytes for topics (version 0, topics, null user data). */
export function subscription(...topics: string[]): Uint8Array {
  const parts: number[] = [0, 0, 0, 0, 0, topics.length];
  for (const t of topics) {
    const bytes = new TextEncoder().encode(t);
    parts.push(bytes.length >> 8, bytes.length & 0xff, ...bytes);
  }
  parts.push(0xff, 0xff, 0xff, 0xff);
  return new Uint8Array(parts);
}

/** Options of a test JoinGroup. */
export interface JoinOptions {
  memberId?: string;
  groupInstanceId?: string | null;
  apiVersion?: number;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  protocols?: { name: string; metadata: Uint8Array }[];
  protocolType?: string;
  clientId?: string;
  groupId?: string;
}

/** A JoinGroup request with kafkajs-like defaults (v5, 30 s session, 60 s rebalance, range). */
export function joinReq(o: JoinOptions = {}) {
  return {
    groupId: o.groupId ?? 'g', apiVersion: o.apiVersion ?? 5, sessionTimeoutMs: o.sessionTimeoutMs ?? 30_000,
    rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 60_000, memberId: o.memberId ?? '', groupInstanceId: o.groupInstanceId ?? null,
    protocolType: o.protocolType ?? 'consumer', protocols: o.protocols ?? [{ name: 'range', metadata: subscription('t') }],
    clientId: o.clientId ?? 'c', clientHost: '/127.0.0.1',
  };
}

/** The join result for `handle`, failing when it is absent. */
export function joinOf(out: GroupOutput, handle: number): JoinGroupResult {
  const c = out.completions.find((x): x is Extract<Completion, { kind: 'join' }> => x.kind === 'join' && x.handle === handle);
  if (c === undefined) throw new Error(`no join completion for handle ${handle}: ${JSON.stringify(out.completions.map((x) => [x.kind, x.handle]))}`);
  return c.result;
}

/** The sync result for `handle`, failing when it is absent. */
export function syncOf(out: GroupOutput, handle: number): SyncGroupResult {
  const c = out.completions.find((x): x is Extract<Completion, { kind: 'sync' }> => x.kind === 'sync' && x.handle === handle);
  if (c === undefined) throw new Error(`no sync completion for handle ${handle}`);
  return c.result;
}

/** The heartbeat error code of the single completion. */
export function hbCode(out: GroupOutput): number {
  const c = out.completions[0];
  if (c === undefined || c.kind !== 'heartbeat') throw new Error('no heartbeat completion');
  return c.result.errorCode;
}

/** Bytes from a string. */
export function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Text from bytes. */
export function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

/**
 * Drives one dynamic member through KIP-394 and a join, returning its id (the join result may
 * still be waiting for other members).
 */
export function joinNew(coord: GroupCoordinatorState, handle: number, nowMs: number, o: JoinOptions = {}): { memberId: string; out: GroupOutput } {
  const first = joinOf(coord.join(joinReq(o), handle, nowMs), handle);
  if (first.errorCode !== 79) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  const out = coord.join(joinReq({ ...o, memberId: first.memberId }), handle, nowMs);
  return { memberId: first.memberId, out };
}

/** OffsetCommit as the driver completes it when the records are stored: the offsets become visible. */
export function commitStored(coord: GroupCoordinatorState, ...args: Parameters<GroupCoordinatorState['commitOffsets']>): ReturnType<GroupCoordinatorState['commitOffsets']> {
  const out = coord.commitOffsets(...args);
  coord.offsetsSettled(out.records, true);
  return out;
}
