/**
 * Replica placement for new partitions. Leaders go round-robin over the usable brokers from a
 * random start, and followers follow at a shift that changes every time the partition ids wrap
 * around the broker list, so leaders and replicas spread evenly (Kafka's AdminUtils rack-aware
 * assignment; the striping idea of KRaft's StripedReplicaPlacer). Brokers are taken alternately
 * from each rack, and a replica skips a broker whose rack already holds one while some rack holds
 * none, so replicas land on distinct racks where possible. Brokers without a rack count as one rack.
 */
import { invariant } from '../errors.js';
import { ErrorCode } from '../error-codes.js';
import type { MetadataImage } from '../image.js';
import { isEligibleReplica } from './leader-election.js';

/** A broker placement may use. */
export interface PlacementBroker {
  readonly brokerId: number;
  readonly rack: string | null;
}

/** Which partitions to place and how many replicas each gets. */
export interface PlacementRequest {
  /** The id of the first new partition (0 for a new topic); the rotation continues from it. */
  readonly startPartitionId: number;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

/** An integer in [0, bound), from an injected (in tests, seeded) source of randomness. */
export type RandomInt = (bound: number) => number;

/** Replica lists (preferred leader first) for each new partition, or why there are none. */
export type PlacementResult =
  | { readonly ok: true; readonly assignments: number[][] }
  | { readonly ok: false; readonly errorCode: number; readonly errorMessage: string };

/** Registered, unfenced brokers that are not excluded, by id: those new replicas may go to. */
export function placementBrokers(image: MetadataImage, excluded?: ReadonlySet<number>): PlacementBroker[] {
  return image.liveBrokers()
    .filter((b) => isEligibleReplica(image, b.brokerId, excluded))
    .map(({ brokerId, rack }) => ({ brokerId, rack }));
}

/**
 * Places `request.numPartitions` partitions of `request.replicationFactor` replicas on `brokers`.
 * Returns INVALID_REPLICATION_FACTOR when there are fewer usable brokers than replicas.
 */
export function placeReplicas(brokers: readonly PlacementBroker[], request: PlacementRequest, randomInt: RandomInt): PlacementResult {
  const { startPartitionId, numPartitions, replicationFactor } = request;
  invariant(numPartitions >= 0 && replicationFactor >= 1 && startPartitionId >= 0, `bad placement request ${JSON.stringify(request)}`);
  if (replicationFactor > brokers.length) {
    return {
      ok: false,
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: `Unable to replicate the partition ${replicationFactor} time(s): only ${brokers.length} usable broker(s) are registered and unfenced.`,
    };
  }
  const arranged = rackAlternated(brokers);
  const n = arranged.length;
  const rackCount = new Set(arranged.map((b) => b.rack)).size;
  const startIndex = randomInt(n);
  let shift = randomInt(n);
  const assignments: number[][] = [];
  for (let p = startPartitionId; p < startPartitionId + numPartitions; p++) {
    if (p > 0 && p % n === 0) shift++;
    const first = (p + startIndex) % n;
    assignments.push(placeOne(arranged, { first, shift: shift * rackCount, rackCount, replicationFactor }));
  }
  return { ok: true, assignments };
}

/** One partition's replicas: the leader at `first`, then followers at shifted positions. */
function placeOne(
  arranged: readonly PlacementBroker[],
  at: { first: number; shift: number; rackCount: number; replicationFactor: number },
): number[] {
  const n = arranged.length;
  const leader = arranged[at.first]!;
  const replicas = [leader.brokerId];
  const racksUsed = new Set([leader.rack]);
  let k = 0;
  while (replicas.length < at.replicationFactor) {
    // Bound: each pass of n - 1 positions visits every other broker once, and one of them fits.
    invariant(k < 2 * n, `placement found no broker for replica ${replicas.length}`);
    const candidate = arranged[followerIndex(at.first, at.shift, k, n)]!;
    k++;
    const rackFits = !racksUsed.has(candidate.rack) || racksUsed.size === at.rackCount;
    if (!rackFits || replicas.includes(candidate.brokerId)) continue;
    replicas.push(candidate.brokerId);
    racksUsed.add(candidate.rack);
  }
  return replicas;
}

/** The k-th follower position for a leader at `first`: never `first` itself. */
function followerIndex(first: number, shift: number, k: number, n: number): number {
  invariant(n > 1, 'followers need at least two brokers');
  return (first + 1 + ((shift + k) % (n - 1))) % n;
}

/** Brokers ordered rack by rack in turn (racks sorted, brokers by id within a rack). */
function rackAlternated(brokers: readonly PlacementBroker[]): PlacementBroker[] {
  const byRack = new Map<string | null, PlacementBroker[]>();
  for (const b of [...brokers].sort((x, y) => x.brokerId - y.brokerId)) {
    const list = byRack.get(b.rack) ?? [];
    list.push(b);
    byRack.set(b.rack, list);
  }
  const racks = [...byRack.keys()].sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
  const out: PlacementBroker[] = [];
  for (let i = 0; out.length < brokers.length; i++) {
    for (const rack of racks) {
      const b = byRack.get(rack)![i];
      if (b !== undefined) out.push(b);
    }
  }
  return out;
}

/**
 * Why a manual replica list is unusable (INVALID_REPLICA_ASSIGNMENT), or null: it must be
 * non-empty, name each broker once, and name only registered brokers.
 */
export function assignmentProblem(image: MetadataImage, replicas: readonly number[]): string | null {
  if (replicas.length === 0) return 'The manual partition assignment includes an empty replica list.';
  const seen = new Set<number>();
  for (const b of replicas) {
    if (seen.has(b)) return `The manual partition assignment includes the broker ${b} more than once.`;
    seen.add(b);
    if (image.broker(b) === undefined) {
      return `The manual partition assignment includes broker ${b}, but no such broker is registered.`;
    }
  }
  return null;
}

/**
 * The ISR and leader of a new partition with `replicas`: its eligible replicas, in replica order,
 * led by the first. Null when no replica is eligible (INVALID_REPLICA_ASSIGNMENT).
 */
export function initialLeaderAndIsr(
  image: MetadataImage,
  replicas: readonly number[],
  excluded?: ReadonlySet<number>,
): { leader: number; isr: number[] } | null {
  const isr = replicas.filter((b) => isEligibleReplica(image, b, excluded));
  return isr.length === 0 ? null : { leader: isr[0]!, isr };
}
