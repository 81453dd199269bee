import { defineHandler, type ApiHandler } from '@sluice/broker';
import {
  DescribeQuorum, ErrorCode,
  type DescribeQuorumRequest, type DescribeQuorumResponse, type DescribeQuorumResponseReplicaState,
} from '@sluice/protocol';
import type { QuorumDriver } from '@sluice/quorum';
import { QUORUM_TICK_MS } from './quorum-settings.js';

/** The metadata log's topic name, as KRaft reports it. */
export const METADATA_TOPIC = '__cluster_metadata';

/**
 * DescribeQuorum (KIP-595) from this node's view of the metadata quorum: the leader reports every
 * voter's and observer's progress; other nodes answer NOT_LEADER_OR_FOLLOWER, as Kafka does, so
 * tools retry at the leader. Tick counts become wall-clock timestamps here.
 */
export function describeQuorumHandler(driver: QuorumDriver): ApiHandler {
  return defineHandler<DescribeQuorumRequest, DescribeQuorumResponse>(DescribeQuorum, (request) => {
    const status = driver.status();
    const now = Date.now();
    const at = (tick: number): bigint => (tick < 0 ? -1n : BigInt(now - (driver.currentTick - tick) * QUORUM_TICK_MS));
    // The leader is always caught up with itself: Kafka reports the current time for it.
    const replica = (r: { id: number; logEndOffset: number; lastFetchTick: number; lastCaughtUpTick: number }): DescribeQuorumResponseReplicaState => ({
      replicaId: r.id, logEndOffset: BigInt(r.logEndOffset),
      lastFetchTimestamp: r.id === status.nodeId ? BigInt(now) : at(r.lastFetchTick),
      lastCaughtUpTimestamp: r.id === status.nodeId ? BigInt(now) : at(r.lastCaughtUpTick),
    });
    return {
      errorCode: ErrorCode.NONE,
      topics: request.topics.map((t) => ({
        topicName: t.topicName,
        partitions: t.partitions.map((p) => {
          if (t.topicName !== METADATA_TOPIC || p.partitionIndex !== 0) {
            return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, leaderId: -1, leaderEpoch: -1, highWatermark: -1n, currentVoters: [], observers: [] };
          }
          const leader = status.role === 'leader';
          return {
            partitionIndex: 0,
            errorCode: leader ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER,
            leaderId: status.leaderId ?? -1,
            leaderEpoch: status.epoch,
            highWatermark: BigInt(status.highWatermark),
            currentVoters: leader ? status.voters.map(replica) : [],
            observers: leader ? status.observers.map(replica) : [],
          };
        }),
      })),
    };
  });
}
