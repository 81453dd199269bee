import {
  ErrorCode, Fetch,
  type FetchRequest, type FetchRequestPartition, type FetchResponse, type FetchResponsePartition,
} from '@sluice/protocol';
import { OffsetOutOfRange } from '@sluice/storage';
import { waitForAnyAppend, type Partition } from '../log/partition.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import { ledPartition, type BrokerServices } from './broker-services.js';
import { leaderEpochError } from './leader-epoch.js';

interface FetchRound {
  response: FetchResponse;
  bytes: number;
  /** A partition answered with an error: Kafka answers at once rather than waiting for min bytes. */
  hasError: boolean;
}

/**
 * Fetch: whole batches straight from segment bytes, never above the high watermark.
 * Long-polls until `minBytes` are there or `maxWaitMs` has passed (kafkajs times out at max wait + 100 ms).
 * The first batch of the first non-empty partition is returned even above the byte limits (KIP-74).
 * Per-partition codes: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, OFFSET_OUT_OF_RANGE, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH.
 */
export function fetchHandler(services: BrokerServices): ApiHandler {
  return defineHandler<FetchRequest, FetchResponse>(Fetch, async (request) => {
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    for (;;) {
      const round = readRound(services, request);
      const waitMs = deadline - Date.now();
      if (round.bytes >= request.minBytes || round.hasError || waitMs <= 0) return round.response;
      await waitForAnyAppend(requestedPartitions(services, request), waitMs);
    }
  });
}

function readRound(services: BrokerServices, request: FetchRequest): FetchRound {
  let bytesLeft = Math.min(request.maxBytes, services.config.fetchMaxBytes);
  let bytes = 0;
  let hasError = false;
  const responses = request.topics.map((topic) => ({
    topic: topic.topic,
    partitions: topic.partitions.map((p) => {
      const result = readPartition(ledPartition(services, topic.topic, p.partition), p, {
        maxBytes: Math.min(p.partitionMaxBytes, bytesLeft),
        minOneBatch: bytes === 0,
      });
      const size = recordsBytes(result.records);
      bytes += size;
      bytesLeft = Math.max(0, bytesLeft - size);
      hasError ||= result.errorCode !== ErrorCode.NONE;
      return result;
    }),
  }));
  return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses }, bytes, hasError };
}

function readPartition(
  partition: Partition | number,
  request: FetchRequestPartition,
  limits: { maxBytes: number; minOneBatch: boolean },
): FetchResponsePartition {
  if (typeof partition === 'number') return emptyPartition(request.partition, partition, -1n, -1n);
  const highWatermark = partition.highWatermark;
  const logStartOffset = partition.log.logStartOffset;
  const epochError = leaderEpochError(request.currentLeaderEpoch, partition.leaderEpoch);
  if (epochError !== null) return emptyPartition(request.partition, epochError, highWatermark, logStartOffset);
  try {
    const read = partition.log.read(request.fetchOffset, { ...limits, maxOffsetExclusive: highWatermark });
    return {
      ...emptyPartition(request.partition, ErrorCode.NONE, highWatermark, logStartOffset),
      records: read.chunks,
    };
  } catch (err) {
    if (err instanceof OffsetOutOfRange) {
      return emptyPartition(request.partition, ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark, logStartOffset);
    }
    throw err;
  }
}

function emptyPartition(partitionIndex: number, errorCode: number, highWatermark: bigint, logStartOffset: bigint): FetchResponsePartition {
  return {
    partitionIndex,
    errorCode,
    highWatermark,
    // No transactions: the last stable offset is the high watermark (read_committed clients read up to it).
    lastStableOffset: highWatermark,
    logStartOffset,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: [],
  };
}

function recordsBytes(records: FetchResponsePartition['records']): number {
  if (records === null) return 0;
  if (Array.isArray(records)) return records.reduce((sum, b) => sum + b.length, 0);
  return records.length;
}

function requestedPartitions(services: BrokerServices, request: FetchRequest): Partition[] {
  const found: Partition[] = [];
  for (const topic of request.topics) {
    for (const p of topic.partitions) {
      const partition = ledPartition(services, topic.topic, p.partition);
      if (typeof partition !== 'number') found.push(partition);
    }
  }
  return found;
}
