/**
 * The quorum's messages, mirroring `proto/raft.proto` field for field in camelCase so a gRPC
 * driver converts them one to one. Each interface adds only `kind`, the union's discriminator,
 * which names the proto message. Conventions the driver must keep when converting:
 * - int64 fields (offsets, sizes) are `number` here; the codec converts from/to `bigint`.
 *   Offsets stay below 2^53 for the life of a metadata log.
 * - "no leader" is -1, as on the wire (`NO_LEADER`); the core's own state uses `null`.
 * - Optional sub-messages (`divergingEpoch`, `snapshotId`) are `null` when unset.
 * - `bytes` fields are `Uint8Array`; the core never mutates a received message or its bytes.
 */

/** Why a request was refused (proto enum `RaftError`, same numbers). */
export const RaftError = {
  OK: 0,
  NOT_LEADER: 1,
  FENCED_EPOCH: 2,
  INCONSISTENT_CLUSTER_ID: 3,
  NOT_VOTER: 4,
  SNAPSHOT_NOT_FOUND: 5,
} as const;

/** One of the `RaftError` codes. */
export type RaftError = (typeof RaftError)[keyof typeof RaftError];

/** The wire's "no leader known" (`leader_id = -1`). */
export const NO_LEADER = -1;

/** One log entry (proto `Entry`). An empty `data` is the leader-change entry (see `log.ts`). */
export interface Entry {
  readonly offset: number;
  readonly epoch: number;
  readonly data: Uint8Array;
}

/** Where a follower diverges from the leader: truncate to `endOffset` (KIP-595, KIP-101). */
export interface DivergingEpoch {
  readonly epoch: number;
  readonly endOffset: number;
}

/** A snapshot's identity: offset + 1 of the last entry it includes, and that entry's epoch. */
export interface SnapshotId {
  readonly endOffset: number;
  readonly epoch: number;
}

/** Vote request; with `preVote` it is a KIP-996 pre-vote that changes no epoch or vote. */
export interface VoteRequest {
  readonly kind: 'VoteRequest';
  readonly correlationId: number;
  readonly clusterId: string;
  readonly epoch: number;
  readonly candidateId: number;
  readonly lastEpoch: number;
  readonly logEndOffset: number;
  readonly preVote: boolean;
}

/** Vote response; `epoch` is the responder's epoch, `leaderId` its leader for it or -1. */
export interface VoteResponse {
  readonly kind: 'VoteResponse';
  readonly correlationId: number;
  readonly error: RaftError;
  readonly epoch: number;
  readonly voteGranted: boolean;
  readonly preVote: boolean;
  readonly leaderId: number;
}

/** A new leader announces itself to the other voters. */
export interface BeginQuorumEpochRequest {
  readonly kind: 'BeginQuorumEpochRequest';
  readonly correlationId: number;
  readonly clusterId: string;
  readonly epoch: number;
  readonly leaderId: number;
}

/** Acknowledges BeginQuorumEpoch. */
export interface BeginQuorumEpochResponse {
  readonly kind: 'BeginQuorumEpochResponse';
  readonly correlationId: number;
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
}

/** A resigning leader tells the other voters, naming preferred successors best first. */
export interface EndQuorumEpochRequest {
  readonly kind: 'EndQuorumEpochRequest';
  readonly correlationId: number;
  readonly clusterId: string;
  readonly epoch: number;
  readonly leaderId: number;
  readonly preferredSuccessors: readonly number[];
}

/** Acknowledges EndQuorumEpoch. */
export interface EndQuorumEpochResponse {
  readonly kind: 'EndQuorumEpochResponse';
  readonly correlationId: number;
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
}

/** A follower or observer pulls entries from `fetchOffset` (KIP-595 pull replication). */
export interface FetchRequest {
  readonly kind: 'FetchRequest';
  readonly correlationId: number;
  readonly clusterId: string;
  readonly epoch: number;
  readonly replicaId: number;
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
  readonly maxBytes: number;
}

/** Entries, a truncation order (`divergingEpoch`) or a snapshot to load first (`snapshotId`). */
export interface FetchResponse {
  readonly kind: 'FetchResponse';
  readonly correlationId: number;
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly entries: readonly Entry[];
  readonly divergingEpoch: DivergingEpoch | null;
  readonly snapshotId: SnapshotId | null;
}

/** Asks the leader for `maxBytes` of snapshot `snapshotId` from `position`. */
export interface FetchSnapshotRequest {
  readonly kind: 'FetchSnapshotRequest';
  readonly correlationId: number;
  readonly clusterId: string;
  readonly epoch: number;
  readonly replicaId: number;
  readonly snapshotId: SnapshotId | null;
  readonly position: number;
  readonly maxBytes: number;
}

/** One chunk of a snapshot; `size` is the whole snapshot's size in bytes. */
export interface FetchSnapshotResponse {
  readonly kind: 'FetchSnapshotResponse';
  readonly correlationId: number;
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
  readonly snapshotId: SnapshotId | null;
  readonly size: number;
  readonly position: number;
  readonly chunk: Uint8Array;
}

/** Every message the quorum exchanges. Switch on `kind` and end with `assertNever`. */
export type RaftMessage =
  | VoteRequest
  | VoteResponse
  | BeginQuorumEpochRequest
  | BeginQuorumEpochResponse
  | EndQuorumEpochRequest
  | EndQuorumEpochResponse
  | FetchRequest
  | FetchResponse
  | FetchSnapshotRequest
  | FetchSnapshotResponse;

/** The requests, which carry a cluster id; each has exactly one response kind. */
export type RaftRequest =
  | VoteRequest
  | BeginQuorumEpochRequest
  | EndQuorumEpochRequest
  | FetchRequest
  | FetchSnapshotRequest;

/** A message to send: the driver delivers `message` to node `to`. */
export interface Envelope {
  readonly to: number;
  readonly message: RaftMessage;
}

/** Exhaustiveness check for `switch (message.kind)`; reaching it at run time is a bug. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** True for the five request kinds. */
export function isRequest(message: RaftMessage): message is RaftRequest {
  switch (message.kind) {
    case 'VoteRequest':
    case 'BeginQuorumEpochRequest':
    case 'EndQuorumEpochRequest':
    case 'FetchRequest':
    case 'FetchSnapshotRequest':
      return true;
    case 'VoteResponse':
    case 'BeginQuorumEpochResponse':
    case 'EndQuorumEpochResponse':
    case 'FetchResponse':
    case 'FetchSnapshotResponse':
      return false;
    default:
      return assertNever(message);
  }
}

/** Converts the core's `null` leader to the wire's -1. */
export function leaderIdOnWire(leaderId: number | null): number {
  return leaderId ?? NO_LEADER;
}

/** Converts the wire's -1 leader to the core's `null`. */
export function leaderIdFromWire(leaderId: number): number | null {
  return leaderId < 0 ? null : leaderId;
}
