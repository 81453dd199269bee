import {
  CreateTopics, DescribeQuorum, Metadata,
  type CreateTopicsResponse, type DescribeQuorumResponse, type DescribeQuorumResponsePartition, type MetadataResponse,
} from '@sluice/protocol';
import { WireClient, type LocalCluster } from '@sluice/testkit';

/** One node's DescribeQuorum answer for the metadata partition, or null when it cannot be asked. */
export async function quorumView(port: number): Promise<DescribeQuorumResponsePartition | null> {
  let client: WireClient | null = null;
  try {
    client = await WireClient.connect(port);
    const response = await client.request<DescribeQuorumResponse>(DescribeQuorum, 0, {
      topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }],
    });
    return response.topics[0]!.partitions[0]!;
  } catch {
    return null;
  } finally {
    client?.close();
  }
}

/** Polls the given nodes until one reports itself the quorum leader; returns its id and epoch. */
export async function waitForLeader(cluster: LocalCluster, nodeIds: number[], timeoutMs: number, notEpoch = -1): Promise<{ leaderId: number; epoch: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const id of nodeIds) {
      const view = await quorumView(cluster.node(id).port);
      if (view && view.errorCode === 0 && view.leaderEpoch !== notEpoch) return { leaderId: view.leaderId, epoch: view.leaderEpoch };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no quorum leader among ${nodeIds.join(',')} within ${timeoutMs} ms`);
}

/** Topic names a node reports in Metadata (all topics). */
export async function topicNames(port: number): Promise<string[]> {
  const client = await WireClient.connect(port);
  try {
    const response = await client.request<MetadataResponse>(Metadata, 1, { topics: null });
    return response.topics.map((t) => t.name!).sort();
  } finally {
    client.close();
  }
}

/** Creates topics through one node; returns the error code per topic. */
export async function createTopics(port: number, names: string[], partitions = 1): Promise<number[]> {
  const client = await WireClient.connect(port);
  try {
    const response = await client.request<CreateTopicsResponse>(CreateTopics, 4, {
      topics: names.map((name) => ({ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 30_000, validateOnly: false,
    });
    return response.topics.map((t) => t.errorCode);
  } finally {
    client.close();
  }
}

/** Polls until `fn` returns true, or fails after `timeoutMs` with `what`. */
export async function eventually(what: string, timeoutMs: number, fn: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
