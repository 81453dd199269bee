/**
 * Small pure calculations used by `ClassicGroup`: protocol choice, protocol comparison and the
 * member state it keeps.
 */
import { subscribedTopicsOf } from './group-offsets.js';
import type { ProtocolEntry, RequestHandle, StoredMember } from './types.js';

/** Mutable state of one member, owned by its `ClassicGroup`. */
export interface MemberState {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: readonly ProtocolEntry[];
  /** Invariant: empty while the group is PreparingRebalance or CompletingRebalance before the leader's sync. */
  assignment: Uint8Array;
  /** The JoinGroup waiting for the rebalance to complete; null when not awaiting join. */
  joinHandle: RequestHandle | null;
  /** The SyncGroup waiting for the leader's assignment; null when not awaiting sync. */
  syncHandle: RequestHandle | null;
  /** The member is removed when a tick reaches this time and it is not waiting in a join or sync. */
  sessionDeadlineMs: number;
}

/**
 * Kafka's vote (GroupMetadata.selectProtocol): candidates are the protocols every member
 * supports; each member votes for the first candidate in its own list; the most votes win, and
 * a tie goes to the candidate the first member lists first (deterministic, unlike Kafka's maxBy).
 * Returns null when no protocol is common to all members.
 */
export function selectedProtocolOf(members: readonly (readonly ProtocolEntry[])[]): string | null {
  const first = members[0];
  if (first === undefined) return null;
  const candidates = first.map((p) => p.name).filter((name) => members.every((ps) => ps.some((p) => p.name === name)));
  if (candidates.length === 0) return null;
  const votes = new Map<string, number>(candidates.map((name) => [name, 0]));
  for (const ps of members) {
    const choice = ps.find((p) => votes.has(p.name));
    if (choice !== undefined) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
  }
  let best = candidates[0] as string;
  for (const name of candidates) {
    if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
  }
  return best;
}

/** Whether two protocol lists are the same names with byte-equal metadata, in the same order. */
export function sameProtocols(a: readonly ProtocolEntry[], b: readonly ProtocolEntry[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i] as ProtocolEntry;
    return p.name === q.name && bytesEqual(p.metadata, q.metadata);
  });
}

/** Byte equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

/** The metadata a member sent for `protocolName` (empty when it has none). */
export function metadataFor(member: MemberState, protocolName: string | null): Uint8Array {
  return member.protocols.find((p) => p.name === protocolName)?.metadata ?? new Uint8Array(0);
}

/** An empty byte array (no assignment yet). */
export const NO_BYTES = new Uint8Array(0);

/** A member as written in a group metadata record. */
export function storedMemberOf(m: MemberState, protocolName: string | null): StoredMember {
  return {
    memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs, rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    subscription: metadataFor(m, protocolName), assignment: m.assignment,
  };
}

/** A member loaded from a group metadata record, with a fresh session starting at `nowMs`. */
export function memberStateOf(s: StoredMember, protocolName: string | null, nowMs: number): MemberState {
  return {
    memberId: s.memberId, groupInstanceId: s.groupInstanceId, clientId: s.clientId, clientHost: s.clientHost,
    sessionTimeoutMs: s.sessionTimeoutMs, rebalanceTimeoutMs: s.rebalanceTimeoutMs,
    protocols: [{ name: protocolName ?? '', metadata: s.subscription }], assignment: s.assignment,
    joinHandle: null, syncHandle: null, sessionDeadlineMs: nowMs + s.sessionTimeoutMs,
  };
}

/**
 * The topics a group's members subscribe to, or 'all' when that cannot be known (a protocol type
 * other than "consumer", or a subscription that does not parse). An empty group subscribes to none.
 */
export function subscribedTopicsOfMembers(members: Iterable<MemberState>, protocolType: string | null): Set<string> | 'all' {
  const topics = new Set<string>();
  const list = [...members];
  if (list.length === 0) return topics;
  if (protocolType !== 'consumer') return 'all';
  for (const m of list) {
    for (const p of m.protocols) {
      const parsed = subscribedTopicsOf(p.metadata);
      if (parsed === null) return 'all';
      parsed.forEach((t) => topics.add(t));
    }
  }
  return topics;
}
