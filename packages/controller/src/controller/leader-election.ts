/**
 * Leader election and ISR maintenance. One rule throughout (Kafka's PartitionChangeBuilder,
 * ONLINE and UNCLEAN elections): the leader is the first replica, in replica order, that is in
 * the ISR and eligible (registered, unfenced, not shutting down), so the preferred replica wins
 * when it can. With none, the partition goes offline (NO_LEADER) unless unclean election is
 * allowed, which picks the first eligible replica outside the ISR and resets the ISR to it,
 * accepting that committed records may be lost (KIP-106 keeps this off by default).
 *
 * The ISR drops ineligible brokers but never becomes empty: when its last member goes away, that
 * member stays as the sole ISR entry, so it is the one safe leader when it returns (the idea
 * behind KIP-966, without its eligible-leader-replicas field).
 */
import type { MetadataImage } from '../image.js';
import type { PartitionEntry, PartitionRef, PartitionRegistration } from '../image-types.js';
import { metadataRecord, NO_LEADER, type PartitionChangeRecord } from '../records.js';

/** The topic config that allows unclean leader election (Kafka's name and default, false). */
export const UNCLEAN_LEADER_ELECTION_CONFIG = 'unclean.leader.election.enable';

/** How to elect: whether unclean election is allowed, and brokers to treat as ineligible. */
export interface ElectionOptions {
  readonly unclean: boolean;
  /** Brokers that are live but may not lead or join an ISR, e.g. those in controlled shutdown. */
  readonly excluded?: ReadonlySet<number>;
}

/** An election's outcome: the new leader (or NO_LEADER), the ISR to go with it, and whether it was unclean. */
export interface ElectionResult {
  readonly leader: number;
  readonly isr: readonly number[];
  /** True when the leader came from outside the ISR: records may be lost; the caller should log it. */
  readonly unclean: boolean;
}

/** Partition changes a planner proposes, plus what the caller should log. */
export interface PartitionChangePlan {
  readonly records: PartitionChangeRecord[];
  /** Partitions whose new leader came from outside the ISR (possible data loss). */
  readonly uncleanElections: PartitionRef[];
  /** Partitions these changes leave without a leader. */
  readonly offline: PartitionRef[];
}

/** Whether `brokerId` may lead or be in an ISR: registered, unfenced and not excluded. */
export function isEligibleReplica(image: MetadataImage, brokerId: number, excluded?: ReadonlySet<number>): boolean {
  return image.isLive(brokerId) && !(excluded?.has(brokerId) ?? false);
}

/**
 * Elects a leader for `partition` from scratch (ignoring who leads now) by the rule in this
 * file's comment. The returned ISR is the current one without ineligible brokers, never empty;
 * after an unclean election it is just the new leader.
 */
export function electLeader(partition: PartitionRegistration, image: MetadataImage, options: ElectionOptions): ElectionResult {
  const eligible = (b: number): boolean => isEligibleReplica(image, b, options.excluded);
  return electFrom(partition, shrinkIsr(partition, eligible), eligible, options.unclean);
}

/** Whether `topicName` allows unclean election: its own config, else the cluster default, else false. */
export function uncleanLeaderElectionEnabled(image: MetadataImage, topicName: string): boolean {
  const value = image.configs('topic', topicName).get(UNCLEAN_LEADER_ELECTION_CONFIG)
    ?? image.configs('broker', '').get(UNCLEAN_LEADER_ELECTION_CONFIG);
  return value?.toLowerCase() === 'true';
}

/**
 * Changes that take `brokerIds` out of every leadership and ISR they hold, given the image after
 * they became ineligible (fenced) or with them in `excluded` (controlled shutdown). A partition
 * whose leader stays eligible keeps it; the others get a new election. Unclean election follows
 * each topic's config.
 */
export function planBrokerRemoval(
  image: MetadataImage,
  brokerIds: ReadonlySet<number>,
  options: { readonly excluded?: ReadonlySet<number> } = {},
): PartitionChangePlan {
  const excluded = new Set([...(options.excluded ?? []), ...[...brokerIds].filter((b) => image.isLive(b))]);
  const touches = ({ partition }: PartitionEntry): boolean =>
    brokerIds.has(partition.leader) || partition.isr.some((b) => brokerIds.has(b));
  return reconcile(image, [...image.partitions()].filter(touches), excluded);
}

/**
 * Elections for every partition without a leader, e.g. after a broker is unfenced. A partition
 * stays offline when no ISR member is eligible and its topic does not allow unclean election.
 */
export function planOfflineLeaderElection(
  image: MetadataImage,
  options: { readonly excluded?: ReadonlySet<number> } = {},
): PartitionChangePlan {
  const offline = [...image.partitions()].filter(({ partition }) => partition.leader === NO_LEADER);
  return reconcile(image, offline, options.excluded ?? new Set());
}

/**
 * Moves leadership back to each partition's preferred (first) replica where it is in the ISR and
 * eligible and does not lead already: Kafka's preferred leader election, run to rebalance
 * leaders after brokers return. Never unclean, never changes an ISR.
 */
export function planPreferredLeaderElection(
  image: MetadataImage,
  options: { readonly excluded?: ReadonlySet<number> } = {},
): PartitionChangePlan {
  const records: PartitionChangeRecord[] = [];
  for (const { topic, partitionId, partition } of image.partitions()) {
    const preferred = partition.replicas[0]!;
    if (partition.leader === preferred || !partition.isr.includes(preferred)) continue;
    if (!isEligibleReplica(image, preferred, options.excluded)) continue;
    records.push(metadataRecord('PartitionChangeRecord', { topicId: topic.topicId, partitionId, leader: preferred }));
  }
  return { records: sortChanges(records), uncleanElections: [], offline: [] };
}

/** For each entry, the change (if any) that makes its ISR and leader consistent with eligibility. */
function reconcile(image: MetadataImage, entries: readonly PartitionEntry[], excluded: ReadonlySet<number>): PartitionChangePlan {
  const plan: PartitionChangePlan = { records: [], uncleanElections: [], offline: [] };
  const eligible = (b: number): boolean => isEligibleReplica(image, b, excluded);
  for (const { topic, partitionId, partition } of entries) {
    let next: ElectionResult = { leader: partition.leader, isr: shrinkIsr(partition, eligible), unclean: false };
    if (next.leader === NO_LEADER || !next.isr.includes(next.leader) || !eligible(next.leader)) {
      next = electFrom(partition, next.isr, eligible, uncleanLeaderElectionEnabled(image, topic.name));
    }
    const record = changeRecord({ topicId: topic.topicId, partitionId }, partition, next);
    if (record === null) continue;
    plan.records.push(record);
    if (next.unclean) plan.uncleanElections.push({ topicId: topic.topicId, partitionId });
    if (next.leader === NO_LEADER) plan.offline.push({ topicId: topic.topicId, partitionId });
  }
  // Map order differs between a replayed and a snapshot-built image; sorting makes plans equal.
  sortChanges(plan.records);
  plan.uncleanElections.sort(compareRefs);
  plan.offline.sort(compareRefs);
  return plan;
}

/** The ISR without ineligible brokers; if that is empty, the last member stays (see file comment). */
function shrinkIsr(partition: PartitionRegistration, eligible: (b: number) => boolean): readonly number[] {
  const kept = partition.isr.filter(eligible);
  if (kept.length > 0) return kept;
  if (partition.leader !== NO_LEADER && partition.isr.includes(partition.leader)) return [partition.leader];
  return partition.isr;
}

function electFrom(
  partition: PartitionRegistration,
  isr: readonly number[],
  eligible: (b: number) => boolean,
  unclean: boolean,
): ElectionResult {
  const clean = partition.replicas.find((b) => isr.includes(b) && eligible(b));
  if (clean !== undefined) return { leader: clean, isr, unclean: false };
  const fallback = unclean ? partition.replicas.find(eligible) : undefined;
  if (fallback !== undefined) return { leader: fallback, isr: [fallback], unclean: true };
  return { leader: NO_LEADER, isr, unclean: false };
}

/** The PartitionChangeRecord taking `current` to `next`, carrying only what changes; null if nothing does. */
export function changeRecord(
  ref: PartitionRef,
  current: PartitionRegistration,
  next: { readonly leader: number; readonly isr: readonly number[] },
): PartitionChangeRecord | null {
  const isrChanged = !sameList(current.isr, next.isr);
  const leaderChanged = current.leader !== next.leader;
  if (!isrChanged && !leaderChanged) return null;
  return metadataRecord('PartitionChangeRecord', {
    ...ref,
    ...(isrChanged ? { isr: [...next.isr] } : {}),
    ...(leaderChanged ? { leader: next.leader } : {}),
  });
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Orders changes by topic id then partition, so equal images give equal plans on every run. */
function sortChanges(records: PartitionChangeRecord[]): PartitionChangeRecord[] {
  return records.sort(compareRefs);
}

function compareRefs(a: PartitionRef, b: PartitionRef): number {
  return a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : a.partitionId - b.partitionId;
}
