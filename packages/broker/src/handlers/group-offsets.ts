import {
  ErrorCode, OffsetCommit, OffsetDelete, OffsetFetch,
  type OffsetCommitRequest, type OffsetCommitResponse, type OffsetDeleteRequest, type OffsetDeleteResponse,
  type OffsetFetchRequest, type OffsetFetchResponse, type OffsetFetchResponseTopic,
} from '@sluice/protocol';
import type { FetchedOffset, PartitionResult, TopicPartition } from '../groups/core/index.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import type { BrokerServices } from './broker-services.js';

/**
 * OffsetCommit: stores the offsets once replicated. Generation -1 with an empty member id is a
 * commit from a consumer that manages partitions itself (accepted for an Empty group).
 */
export function offsetCommitHandler(services: BrokerServices): ApiHandler {
  return defineHandler<OffsetCommitRequest, OffsetCommitResponse>(OffsetCommit, async (request) => {
    const offsets = request.topics.flatMap((t) => t.partitions.map((p) => ({
      topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata,
    })));
    const results = request.groupId === ''
      ? offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode: ErrorCode.INVALID_GROUP_ID }))
      : await services.groups.commitOffsets(request.groupId, {
        generationId: request.generationIdOrMemberEpoch, memberId: request.memberId, groupInstanceId: request.groupInstanceId, offsets,
      });
    return { throttleTimeMs: 0, topics: byTopic(results).map(([name, parts]) => ({ name, partitions: parts.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })) })) };
  });
}

/**
 * OffsetFetch: -1 for partitions without a commit. v0-7 ask for one group (null topics: every
 * committed partition, v2+); v8 batches groups. Before v2 there is no top-level error code, so a
 * coordinator error is given per partition.
 */
export function offsetFetchHandler(services: BrokerServices): ApiHandler {
  return defineHandler<OffsetFetchRequest, OffsetFetchResponse>(OffsetFetch, (request, ctx) => {
    const fetchGroup = (groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null): { errorCode: number; topics: OffsetFetchResponseTopic[] } => {
      const asked: TopicPartition[] | null = topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
      const fetched = services.groups.fetchOffsets(groupId, asked);
      const partitions: FetchedOffset[] = fetched.errorCode === ErrorCode.NONE || ctx.apiVersion >= 2
        ? fetched.partitions
        : (asked ?? []).map((p) => ({ ...p, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: fetched.errorCode }));
      return { errorCode: fetched.errorCode, topics: byTopic(partitions).map(([name, parts]) => ({ name, partitions: parts.map(toWire) })) };
    };
    if (ctx.apiVersion >= 8) {
      return { throttleTimeMs: 0, topics: [], errorCode: 0, groups: request.groups.map((g) => ({ groupId: g.groupId, ...fetchGroup(g.groupId, g.topics) })) };
    }
    const one = fetchGroup(request.groupId, request.topics);
    return { throttleTimeMs: 0, topics: one.topics, errorCode: one.errorCode, groups: [] };
  });
}

/** OffsetDelete (KIP-496): removes a group's offsets of topics it no longer subscribes to. */
export function offsetDeleteHandler(services: BrokerServices): ApiHandler {
  return defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>(OffsetDelete, async (request) => {
    const asked = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const { errorCode, results } = await services.groups.deleteOffsets(request.groupId, asked);
    return { errorCode, throttleTimeMs: 0, topics: byTopic(results).map(([name, parts]) => ({ name, partitions: parts.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })) })) };
  });
}

function toWire(p: FetchedOffset): { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number } {
  return { partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: p.leaderEpoch, metadata: p.metadata, errorCode: p.errorCode };
}

/** Groups per-partition entries by topic, keeping first-seen topic order. */
function byTopic<T extends TopicPartition | PartitionResult>(entries: readonly T[]): [string, T[]][] {
  const topics = new Map<string, T[]>();
  for (const e of entries) topics.set(e.topic, [...(topics.get(e.topic) ?? []), e]);
  return [...topics];
}
