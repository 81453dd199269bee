import type { BrokerConfig } from '@sluice/broker';
import { defaultRaftConfig, type RaftConfig } from '@sluice/quorum';

/** Milliseconds per quorum tick: the resolution of every quorum timeout. */
export const QUORUM_TICK_MS = 50;

/** The quorum core's configuration from the node's config, timeouts turned into ticks. */
export function raftConfigFor(config: BrokerConfig, clusterId: string): RaftConfig {
  const ticks = (ms: number): number => Math.max(1, Math.round(ms / QUORUM_TICK_MS));
  const electionTimeoutTicks = ticks(config.quorumElectionTimeoutMs);
  const fetchTimeoutTicks = ticks(config.quorumFetchTimeoutMs);
  return {
    ...defaultRaftConfig,
    nodeId: config.nodeId,
    clusterId,
    voterIds: config.quorumVoters.map((v) => v.id),
    electionTimeoutTicks,
    fetchTimeoutTicks,
    // A leader steps down when a majority has not fetched for longer than a follower waits before an election.
    checkQuorumTicks: Math.max(defaultRaftConfig.checkQuorumTicks, fetchTimeoutTicks + electionTimeoutTicks),
  };
}
