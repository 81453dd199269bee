import { ErrorCode } from '@sluice/protocol';
import { fromBigInt, toBigInt, type ReplicationService, type ServiceHandlers, type sluice } from '@sluice/rpc';
import { OffsetOutOfRange } from '@sluice/storage';
import type { Logger } from '../logger.js';
import { waitForAnyAppend, type Partition } from '../log/partition.js';

type FetchPartition = sluice.replication.ReplicaFetchPartition;
type PartitionAnswer = sluice.replication.IReplicaFetchPartitionResponse;

/** The longest a follower's fetch may be held when nothing is new. */
const FETCH_WAIT_MS_MAX = 1000;

/** What the leader side needs: hosted partitions by topic id, and whether the caller is a live broker. */
export interface ReplicationServerContext {
  partitionById(topicId: string, index: number): Partition | undefined;
  /** Null when `brokerId` with `brokerEpoch` is a current, unfenced registration; else the Kafka error code. */
  brokerProblem(brokerId: number, brokerEpoch: bigint): number | null;
  logger: Logger;
}

/**
 * The leader side of partition replication (ReplicationService.Fetch): for each partition a
 * follower asks about, it checks leadership and epoch, compares the follower's last fetched epoch
 * with this leader's epoch history and answers with the divergence point when they disagree
 * (KIP-101/279: the follower truncates there, never by high watermark alone), else with whole
 * batches from the follower's offset. The fetch offset is the follower's log end, which advances
 * the high watermark and the ISR. The call is held up to max_wait_ms when nothing is new.
 */
export function replicationServiceHandlers(context: ReplicationServerContext): ServiceHandlers<ReplicationService> {
  return {
    Fetch: async (request, call) => {
      const problem = context.brokerProblem(request.replicaId, toBigInt(request.brokerEpoch));
      if (problem !== null) return { errorCode: problem, partitions: [] };
      const deadline = Date.now() + Math.min(Math.max(0, request.maxWaitMs), FETCH_WAIT_MS_MAX);
      for (;;) {
        const answers = request.partitions.map((p) => answer(context, request.replicaId, p));
        const hasData = answers.some((a) => (a.records?.length ?? 0) > 0 || a.errorCode !== 0 || a.divergingEpoch);
        const waitMs = deadline - Date.now();
        if (hasData || waitMs <= 0 || call.signal.aborted) return { errorCode: 0, partitions: answers } as never;
        await waitForAnyAppend(request.partitions.map((p) => context.partitionById(p.topicId, p.partition)), waitMs, call.signal);
      }
    },
  };
}

function answer(context: ReplicationServerContext, followerId: number, p: FetchPartition): PartitionAnswer {
  const partition = context.partitionById(p.topicId, p.partition);
  const base = { topicId: p.topicId, partition: p.partition };
  if (!partition) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  const epochProblem = partition.checkFetchEpoch(p.currentLeaderEpoch);
  if (epochProblem !== null) return { ...base, errorCode: epochProblem };
  const { log } = partition;
  const fetchOffset = toBigInt(p.fetchOffset);
  const positions = { highWatermark: fromBigInt(partition.highWatermark), logStartOffset: fromBigInt(log.logStartOffset), logEndOffset: fromBigInt(log.logEndOffset) };
  if (p.lastFetchedEpoch >= 0) {
    const ours = log.endOffsetForEpoch(p.lastFetchedEpoch);
    if (ours.epoch !== p.lastFetchedEpoch || ours.endOffset < fetchOffset) {
      const endOffset = ours.epoch < 0 ? log.logStartOffset : ours.endOffset;
      return { ...base, ...positions, errorCode: 0, divergingEpoch: { epoch: ours.epoch, endOffset: fromBigInt(endOffset) } };
    }
  }
  const code = partition.onFollowerFetch(followerId, fetchOffset);
  if (code !== ErrorCode.NONE) return { ...base, errorCode: code };
  try {
    const read = log.read(fetchOffset, { maxBytes: p.maxBytes, minOneBatch: true });
    return {
      ...base, errorCode: 0,
      highWatermark: fromBigInt(partition.highWatermark), logStartOffset: positions.logStartOffset, logEndOffset: fromBigInt(log.logEndOffset),
      records: read.chunks.length === 1 ? read.chunks[0]! : Buffer.concat(read.chunks),
    };
  } catch (err) {
    if (err instanceof OffsetOutOfRange) return { ...base, ...positions, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
    throw err;
  }
}
