/**
 * Inputs, outputs and durable records of the classic group coordinator core. Requests carry a
 * caller-chosen `RequestHandle`; every input returns the responses it completed (its own and
 * any that were waiting) as `Completion`s, plus the `GroupRecord`s that must reach the group's
 * __consumer_offsets partition before those responses are sent.
 */

/** Caller-chosen id of one waiting request (for example a connection and correlation id). */
export type RequestHandle = number;

/** Classic group states, as in Kafka's GroupMetadata.scala. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** One protocol a member supports, with its subscription metadata (opaque to the coordinator). */
export interface ProtocolEntry {
  readonly name: string;
  readonly metadata: Uint8Array;
}

/** JoinGroup, any version 0–5 (fields missing in old versions take Kafka's defaults). */
export interface JoinGroupRequest {
  readonly groupId: string;
  /** Decides KIP-394: v4+ unknown members get MEMBER_ID_REQUIRED first. */
  readonly apiVersion: number;
  readonly sessionTimeoutMs: number;
  /** v0 has none: pass the session timeout, as Kafka does. */
  readonly rebalanceTimeoutMs: number;
  /** Empty for a member joining for the first time. */
  readonly memberId: string;
  /** KIP-345 static membership; null for dynamic members. */
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly ProtocolEntry[];
  readonly clientId: string;
  readonly clientHost: string;
}

/** One member as the leader sees it in its JoinGroup response. */
export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Uint8Array;
}

/** JoinGroup response. `members` is non-empty only for the leader. */
export interface JoinGroupResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  readonly members: readonly JoinGroupMember[];
}

/** SyncGroup, versions 0–5. Only the leader sends assignments. */
export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** v5+; null when the client did not send it. */
  readonly protocolType: string | null;
  /** v5+; null when the client did not send it. */
  readonly protocolName: string | null;
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Uint8Array }[];
}

/** SyncGroup response. */
export interface SyncGroupResult {
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Uint8Array;
}

/** Heartbeat, versions 0–4. */
export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** Heartbeat response. */
export interface HeartbeatResult {
  readonly errorCode: number;
}

/** One leaving member. v0–2 carry exactly one, with a null instance id. */
export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** LeaveGroup, versions 0–4 (v3+ carries a batch of members, KIP-345). */
export interface LeaveGroupRequest {
  readonly groupId: string;
  readonly members: readonly LeavingMember[];
}

/** LeaveGroup response: a top-level code and one code per member (v0–2 use the first). */
export interface LeaveGroupResult {
  readonly errorCode: number;
  readonly members: readonly (LeavingMember & { readonly errorCode: number })[];
}

/** A response that is ready to send, for the request the caller tagged with `handle`. */
export type Completion =
  | { readonly kind: 'join'; readonly handle: RequestHandle; readonly result: JoinGroupResult }
  | { readonly kind: 'sync'; readonly handle: RequestHandle; readonly result: SyncGroupResult }
  | { readonly kind: 'heartbeat'; readonly handle: RequestHandle; readonly result: HeartbeatResult }
  | { readonly kind: 'leave'; readonly handle: RequestHandle; readonly result: LeaveGroupResult };

/** A member as stored in a group metadata record. */
export interface StoredMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  /** The metadata for the chosen protocol. */
  readonly subscription: Uint8Array;
  readonly assignment: Uint8Array;
}

/**
 * A state change that must survive a coordinator move, in the shape of Kafka's
 * __consumer_offsets records (key: group, or group + topic + partition; a tombstone has no value).
 */
export type GroupRecord =
  | {
      readonly kind: 'group-metadata';
      readonly groupId: string;
      readonly protocolType: string | null;
      readonly generationId: number;
      readonly protocolName: string | null;
      readonly leaderId: string | null;
      readonly stateTimestampMs: number;
      readonly members: readonly StoredMember[];
    }
  | { readonly kind: 'group-tombstone'; readonly groupId: string }
  | {
      readonly kind: 'offset-commit';
      readonly groupId: string;
      readonly topic: string;
      readonly partition: number;
      readonly offset: bigint;
      readonly leaderEpoch: number;
      readonly metadata: string;
      readonly commitTimestampMs: number;
    }
  | { readonly kind: 'offset-tombstone'; readonly groupId: string; readonly topic: string; readonly partition: number };

/**
 * What one input produced. The driver appends `records` to the group's __consumer_offsets
 * partition first, and sends `completions` only once that append is durable.
 */
export interface GroupOutput {
  readonly completions: readonly Completion[];
  readonly records: readonly GroupRecord[];
}

/** Coordinator settings (Kafka broker config names in the comments). */
export interface GroupConfig {
  /** group.min.session.timeout.ms (Kafka 6000; keep at most 10 s for kafka-python). */
  readonly sessionTimeoutMsMin: number;
  /** group.max.session.timeout.ms (Kafka 1800000). */
  readonly sessionTimeoutMsMax: number;
  /** group.initial.rebalance.delay.ms (Kafka 3000); 0 disables the delay (KIP-134). */
  readonly initialRebalanceDelayMs: number;
  /** offset.metadata.max.bytes (Kafka 4096). */
  readonly offsetMetadataBytesMax: number;
}

/** Kafka's defaults. */
export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  sessionTimeoutMsMin: 6000,
  sessionTimeoutMsMax: 1_800_000,
  initialRebalanceDelayMs: 3000,
  offsetMetadataBytesMax: 4096,
};

/** Makes a fresh member id; Kafka uses `${clientId}-${uuid}`. Injected so the core stays pure. */
export type NewMemberId = (clientId: string) => string;
