import {
  ErrorCode, ListOffsets,
  type ListOffsetsRequest, type ListOffsetsRequestPartition, type ListOffsetsResponse, type ListOffsetsResponsePartition,
} from '@sluice/protocol';
import type { Partition } from '../log/partition.js';
import { defineHandler, type ApiHandler, type RequestContext } from '../server/request-router.js';
import { ledPartition, type BrokerServices } from './broker-services.js';
import { leaderEpochError } from './leader-epoch.js';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;

/**
 * ListOffsets: latest (-1, the high watermark, which is also the last stable offset without transactions),
 * earliest (-2, the log start offset), max timestamp (-3), or the first offset whose timestamp is at or after
 * the one asked for (-1/-1 when there is none). v0 answers in the old list form.
 * Per-partition codes: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH.
 */
export function listOffsetsHandler(services: BrokerServices): ApiHandler {
  return defineHandler<ListOffsetsRequest, ListOffsetsResponse>(ListOffsets, (request, ctx) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => lookUp(ledPartition(services, topic.name, p.partitionIndex), p, ctx)),
    })),
  }));
}

function lookUp(partition: Partition | number, request: ListOffsetsRequestPartition, ctx: RequestContext): ListOffsetsResponsePartition {
  if (typeof partition === 'number') return answer(request.partitionIndex, partition, null, ctx);
  const epochError = leaderEpochError(request.currentLeaderEpoch, partition.leaderEpoch);
  if (epochError !== null) return answer(request.partitionIndex, epochError, null, ctx);
  return answer(request.partitionIndex, ErrorCode.NONE, { ...offsetFor(partition, request.timestamp), leaderEpoch: partition.leaderEpoch }, ctx);
}

function offsetFor(partition: Partition, timestamp: bigint): { offset: bigint; timestamp: bigint } {
  if (timestamp === LATEST) return { offset: partition.highWatermark, timestamp: -1n };
  if (timestamp === EARLIEST) return { offset: partition.log.logStartOffset, timestamp: -1n };
  if (timestamp === MAX_TIMESTAMP) return partition.log.offsetOfMaxTimestamp() ?? { offset: -1n, timestamp: -1n };
  const found = partition.log.offsetForTimestamp(timestamp);
  if (!found || found.offset >= partition.highWatermark) return { offset: -1n, timestamp: -1n };
  return found;
}

function answer(
  partitionIndex: number,
  errorCode: number,
  found: { offset: bigint; timestamp: bigint; leaderEpoch: number } | null,
  ctx: RequestContext,
): ListOffsetsResponsePartition {
  const offset = found?.offset ?? -1n;
  return {
    partitionIndex,
    errorCode,
    // v0 lists offsets; -1 (no offset for that timestamp) is an empty list there.
    oldStyleOffsets: ctx.apiVersion === 0 && found && offset >= 0n ? [offset] : [],
    timestamp: found?.timestamp ?? -1n,
    offset,
    leaderEpoch: found?.leaderEpoch ?? -1,
  };
}
