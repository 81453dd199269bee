import {
  DescribeCluster, DescribeQuorum, ErrorCode, errorInfo, Metadata,
  type DescribeClusterResponse, type MetadataResponse, type DescribeQuorumResponse, type DescribeQuorumResponsePartition, type DescribeQuorumResponseReplicaState,
} from '@sluice/protocol';
import type { Argv, CommandModule } from 'yargs';
import { KafkaConnection } from '../kafka/connection.js';
import { UsageError, withCommandConfig } from '../kafka/properties.js';

/** The metadata log's name in DescribeQuorum (as in KRaft). */
export const METADATA_TOPIC = '__cluster_metadata';

interface QuorumArgs {
  'bootstrap-server': string;
  status?: boolean;
  replication?: boolean;
  'timeout-ms': number;
}

/** The `describe --status` block, in kafka-metadata-quorum.sh's layout. */
export function formatStatus(clusterId: string, p: DescribeQuorumResponsePartition, nowMs: number): string {
  const leader = p.currentVoters.find((v) => v.replicaId === p.leaderId);
  const followers = p.currentVoters.filter((v) => v.replicaId !== p.leaderId);
  const leaderEnd = leader?.logEndOffset ?? p.highWatermark;
  const maxLag = followers.reduce((max, v) => (leaderEnd - v.logEndOffset > max ? leaderEnd - v.logEndOffset : max), 0n);
  const caughtUp = followers.map((v) => v.lastCaughtUpTimestamp).filter((t) => t >= 0n);
  const maxLagTimeMs = followers.length === 0 ? 0n
    : caughtUp.length < followers.length ? -1n : BigInt(nowMs) - caughtUp.reduce((a, b) => (b < a ? b : a));
  const rows: [string, string][] = [
    ['ClusterId', clusterId],
    ['LeaderId', String(p.leaderId)],
    ['LeaderEpoch', String(p.leaderEpoch)],
    ['HighWatermark', String(p.highWatermark)],
    ['MaxFollowerLag', String(maxLag)],
    ['MaxFollowerLagTimeMs', String(maxLagTimeMs < 0n ? -1n : maxLagTimeMs)],
    ['CurrentVoters', `[${p.currentVoters.map((v) => v.replicaId).join(',')}]`],
    ['CurrentObservers', `[${p.observers.map((v) => v.replicaId).join(',')}]`],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(24)}${v}`).join('\n') + '\n';
}

/** The `describe --replication` table: leader first, then followers, then observers. */
export function formatReplication(p: DescribeQuorumResponsePartition): string {
  const leaderEnd = p.currentVoters.find((v) => v.replicaId === p.leaderId)?.logEndOffset ?? p.highWatermark;
  const row = (v: DescribeQuorumResponseReplicaState, status: string): string[] =>
    [String(v.replicaId), String(v.logEndOffset), String(leaderEnd - v.logEndOffset), String(v.lastFetchTimestamp), String(v.lastCaughtUpTimestamp), status];
  const leader = p.currentVoters.filter((v) => v.replicaId === p.leaderId);
  const rows = [
    ['NodeId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'],
    ...leader.map((v) => row(v, 'Leader')),
    ...p.currentVoters.filter((v) => v.replicaId !== p.leaderId).map((v) => row(v, 'Follower')),
    ...p.observers.map((v) => row(v, 'Observer')),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)) + 2);
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('')).join('\n') + '\n';
}

/** Asks one node for the quorum; a node that is not the leader answers NOT_LEADER_OR_FOLLOWER naming it. */
async function askQuorum(connection: KafkaConnection): Promise<DescribeQuorumResponsePartition> {
  const quorum = await connection.request<DescribeQuorumResponse>(DescribeQuorum, 1, {
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }],
  });
  const partition = quorum.topics[0]?.partitions[0];
  if (!partition) throw new Error('DescribeQuorum answered without the metadata partition');
  if (quorum.errorCode !== ErrorCode.NONE) partition.errorCode = quorum.errorCode;
  return partition;
}

/** The leader's answer: asks the bootstrap server, and if it is not the leader, the leader's broker address. */
async function leaderView(args: QuorumArgs): Promise<{ partition: DescribeQuorumResponsePartition; connection: KafkaConnection }> {
  const first = await KafkaConnection.connect(args['bootstrap-server'], args['timeout-ms']);
  const partition = await askQuorum(first);
  if (partition.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER || partition.leaderId < 0) return { partition, connection: first };
  const metadata = await first.request<MetadataResponse>(Metadata, 1, { topics: [] });
  const leader = metadata.brokers.find((b) => b.nodeId === partition.leaderId);
  if (!leader) return { partition, connection: first };
  first.close();
  const connection = await KafkaConnection.connect(`${leader.host}:${leader.port}`, args['timeout-ms']);
  return { partition: await askQuorum(connection), connection };
}

async function describe(args: QuorumArgs): Promise<void> {
  const { partition, connection } = await leaderView(args);
  try {
    if (partition.errorCode !== ErrorCode.NONE) throw new Error(`DescribeQuorum failed: ${errorInfo(partition.errorCode)?.name ?? partition.errorCode}`);
    if (args.replication) {
      process.stdout.write(formatReplication(partition));
      return;
    }
    const cluster = await connection.request<DescribeClusterResponse>(DescribeCluster, 0, { includeClusterAuthorizedOperations: false });
    process.stdout.write(formatStatus(cluster.clusterId, partition, Date.now()));
  } finally {
    connection.close();
  }
}

/** `describe --status|--replication` under metadata-quorum. */
const describeCommand: CommandModule<object, QuorumArgs> = {
  command: 'describe',
  describe: 'Describe the quorum',
  builder: (y: Argv) => y
    .option('status', { type: 'boolean', describe: 'Leader, epoch, high watermark, lag, voters and observers' })
    .option('replication', { type: 'boolean', describe: 'One row per voter and observer' })
    .check((a) => {
      if (Boolean(a['status']) === Boolean(a['replication'])) throw new UsageError('describe needs exactly one of --status or --replication');
      return true;
    }) as unknown as Argv<QuorumArgs>,
  handler: async (args) => {
    try {
      await describe(args);
    } catch (err) {
      process.stderr.write(`sluice metadata-quorum: ${(err as Error).message}\n`);
      process.exit(1);
    }
  },
};

/** `sluice metadata-quorum --bootstrap-server HOST:PORT describe --status|--replication`, as kafka-metadata-quorum.sh. */
export const metadataQuorumCommand: CommandModule = {
  command: 'metadata-quorum',
  describe: 'Describe the metadata quorum (like kafka-metadata-quorum.sh)',
  builder: (yargs: Argv) => withCommandConfig(yargs)
    .option('bootstrap-server', { type: 'string', demandOption: true, describe: 'A broker or controller to ask, HOST:PORT' })
    .option('timeout-ms', { type: 'number', default: 10_000, describe: 'Give up after this long' })
    .command(describeCommand)
    .demandCommand(1, 'name a metadata-quorum command: describe')
    .example('$0 metadata-quorum --bootstrap-server 127.0.0.1:9092 describe --status', 'leader and lag summary')
    .example('$0 metadata-quorum --bootstrap-server 127.0.0.1:9092 describe --replication', 'one row per replica'),
  handler: () => undefined,
};
