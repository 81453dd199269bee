import { ErrorCode, KafkaError } from '@sluice/protocol';
import { fromBigInt, PeerChannel, REPLICATION_SERVICE, RpcClient, toBigInt, type ReplicationService, type sluice } from '@sluice/rpc';
import type { Logger } from '../logger.js';
import type { Partition } from '../log/partition.js';

/** How long the leader may hold one fetch when nothing is new. */
const FETCH_MAX_WAIT_MS = 500;
/** Deadline of one fetch call beyond the long-poll wait. */
const FETCH_DEADLINE_EXTRA_MS = 2000;
const RESPONSE_BYTES_MAX = 8 * 1024 * 1024;
const PARTITION_BYTES_MAX = 1024 * 1024;
const BACKOFF_MS = 200;

/** What a fetcher needs from the broker around it. */
export interface FetcherContext {
  clusterId: string;
  nodeId: number;
  /** This broker's current registration epoch, or null before it registered. */
  brokerEpoch(): bigint | null;
  logger: Logger;
}

/**
 * The follower side of replication for every partition this broker follows from one leader
 * broker: one long-poll gRPC fetch at a time carrying each partition's log end and last fetched
 * epoch. Batches come back exactly as the leader stored them and are appended as they are; a
 * divergence answer makes the follower truncate to where its epoch history agrees with the
 * leader's (KIP-279) before fetching again. Errors that mean "metadata moved" are left for the
 * next metadata update, which re-assigns the partition to the right fetcher.
 */
export class ReplicaFetcher {
  private readonly partitions = new Map<string, Partition>();
  private readonly client: RpcClient<ReplicationService>;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(readonly leaderId: number, readonly address: string, private readonly context: FetcherContext) {
    this.client = new RpcClient(new PeerChannel({ address }), REPLICATION_SERVICE);
  }

  get size(): number {
    return this.partitions.size;
  }

  add(partition: Partition): void {
    this.partitions.set(`${partition.topicId}:${partition.index}`, partition);
    this.running ??= this.loop();
  }

  remove(partition: Partition): void {
    this.partitions.delete(`${partition.topicId}:${partition.index}`);
  }

  has(partition: Partition): boolean {
    return this.partitions.get(`${partition.topicId}:${partition.index}`) === partition;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.client.peer.close();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const epoch = this.context.brokerEpoch();
      const partitions = [...this.partitions.values()];
      if (epoch === null || partitions.length === 0) {
        await sleep(BACKOFF_MS);
        continue;
      }
      // Where each partition's log ended when asked: an answer to an older log end is dropped.
      const fetchOffsets = new Map(partitions.map((p) => [p, p.log.logEndOffset]));
      try {
        const response = await this.client.call('Fetch', {
          clusterId: this.context.clusterId, replicaId: this.context.nodeId, brokerEpoch: fromBigInt(epoch),
          maxWaitMs: FETCH_MAX_WAIT_MS, maxBytes: RESPONSE_BYTES_MAX,
          partitions: partitions.map((p) => ({
            topicId: p.topicId, partition: p.index, currentLeaderEpoch: p.leaderEpoch,
            fetchOffset: fromBigInt(fetchOffsets.get(p)!), lastFetchedEpoch: p.log.lastBatchEpoch,
            logStartOffset: fromBigInt(p.log.logStartOffset), maxBytes: PARTITION_BYTES_MAX,
          })),
        }, { deadlineMs: FETCH_MAX_WAIT_MS + FETCH_DEADLINE_EXTRA_MS });
        if (response.errorCode !== 0) {
          this.context.logger.debug({ leaderId: this.leaderId, errorCode: response.errorCode }, 'replica fetch refused');
          await sleep(BACKOFF_MS);
          continue;
        }
        let backOff = false;
        for (const answer of response.partitions) backOff = this.handleOne(answer, fetchOffsets) || backOff;
        if (backOff) await sleep(BACKOFF_MS);
      } catch (err) {
        if (!this.stopped) this.context.logger.debug({ leaderId: this.leaderId, err: String(err) }, 'replica fetch failed');
        await sleep(BACKOFF_MS);
      }
    }
  }

  /** One partition's answer; a refused append is that partition's problem, not its neighbours'. */
  private handleOne(answer: sluice.replication.ReplicaFetchPartitionResponse, fetchOffsets: ReadonlyMap<Partition, bigint>): boolean {
    try {
      return this.handle(answer, fetchOffsets);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      this.context.logger.warn({ topic: answer.topicId, partition: answer.partition, err: String(err) }, 'replica fetch answer not appended');
      return true;
    }
  }

  /** Applies one partition's answer; returns true when the fetcher should pause before the next round. */
  private handle(answer: sluice.replication.ReplicaFetchPartitionResponse, fetchOffsets: ReadonlyMap<Partition, bigint>): boolean {
    const partition = this.partitions.get(`${answer.topicId}:${answer.partition}`);
    if (!partition || partition.isLeader) return false;
    // The partition was replaced, or its log truncated or appended to, while the fetch was out:
    // this answer continues a log end we no longer have (with compaction's gaps, appending it
    // could leave a hole). The next round asks again from the log end as it is now.
    const fetchOffset = fetchOffsets.get(partition);
    if (fetchOffset === undefined || fetchOffset !== partition.log.logEndOffset) return false;
    if (answer.errorCode !== ErrorCode.NONE) {
      this.context.logger.debug({ topic: partition.topicName, partition: partition.index, errorCode: answer.errorCode }, 'replica fetch error');
      return true;
    }
    if (answer.divergingEpoch) return !this.truncate(partition, answer.divergingEpoch.epoch, toBigInt(answer.divergingEpoch.endOffset));
    partition.appendAsFollower(answer.records.length > 0 ? Buffer.from(answer.records.buffer, answer.records.byteOffset, answer.records.byteLength) : null, fetchOffset, toBigInt(answer.highWatermark));
    return false;
  }

  /** KIP-279: truncate to the smaller of the leader's and our own end offset for the diverging epoch; false when nothing changed. */
  private truncate(partition: Partition, epoch: number, leaderEndOffset: bigint): boolean {
    const ours = epoch >= 0 ? partition.log.endOffsetForEpoch(epoch) : { epoch: -1, endOffset: -1n };
    const own = ours.epoch >= 0 ? ours.endOffset : leaderEndOffset;
    const target = own < leaderEndOffset ? own : leaderEndOffset;
    if (target >= partition.log.logEndOffset) return false;
    this.context.logger.warn({ topic: partition.topicName, partition: partition.index, from: String(partition.log.logEndOffset), to: String(target), epoch },
      'truncating the part of the log that diverges from the leader');
    partition.log.truncateTo(target);
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
