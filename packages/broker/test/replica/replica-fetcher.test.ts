/**
 * The replica fetcher against a real gRPC replication service on 127.0.0.1 (a stand-in leader whose
 * first answer the test writes), following with real partition logs in temp dirs: one partition's
 * answer that its log refuses (a corrupt batch) does not stop the other partitions of the same
 * answer from being appended.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { encodeRecordBatch } from '@sluice/protocol';
import { REPLICATION_SERVICE, RpcServer, fromBigInt, type ReplicationService, type ServiceHandlers } from '@sluice/rpc';
import { DEFAULT_LOG_CONFIG, PartitionLog } from '@sluice/storage';
import { tempDir } from '@sluice/testkit';
import type { Logger } from '../../src/logger.js';
import { Partition } from '../../src/log/partition.js';
import { ReplicaFetcher } from '../../src/replica/replica-fetcher.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, fatal: () => undefined };
const logger = { ...silent, child: () => logger } as unknown as Logger;
const LEADER_EPOCH = 1;
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

/** A follower replica (node 1) of a partition led by node 2. */
function followerPartition(topicId: string): Partition {
  const dir = tempDir('sluice-fetcher-');
  const log = PartitionLog.open({ dir: `${dir.path}/p-0`, topicId, config: DEFAULT_LOG_CONFIG });
  cleanups.push(() => dir.remove(), () => log.close());
  const state = { leader: 2, leaderEpoch: LEADER_EPOCH, partitionEpoch: 0, replicas: [1, 2], isr: [1, 2] };
  return new Partition('t', topicId, 0, log, state, {
    nodeId: 1, replicaLagTimeMaxMs: 30_000, now: () => Date.now(),
    alterPartition: () => Promise.reject(new Error('a follower proposes no ISR change')),
  });
}

function batch(values: string[]): Buffer {
  return encodeRecordBatch({ baseOffset: 0n, partitionLeaderEpoch: LEADER_EPOCH, records: values.map((v) => ({ key: null, value: Buffer.from(v) })) });
}

test('a partition whose answer its log refuses does not hold back the other partitions of the answer', async () => {
  const broken = followerPartition('AAAAAAAAAAAAAAAAAAAAAQ');
  const healthy = followerPartition('AAAAAAAAAAAAAAAAAAAAAg');
  const corrupt = batch(['x']);
  corrupt[corrupt.length - 1]! ^= 1; // the CRC no longer matches: the follower refuses the append
  const good = batch(['a', 'b', 'c']);

  const server = new RpcServer({ shutdownGraceMs: 10 });
  const handlers: ServiceHandlers<ReplicationService> = {
    Fetch: async (request) => ({
      errorCode: 0,
      partitions: request.partitions.map((p) => {
        const records = p.topicId === broken.topicId ? corrupt : p.fetchOffset.toString() === '0' ? good : Buffer.alloc(0);
        return { topicId: p.topicId, partition: p.partition, errorCode: 0, highWatermark: fromBigInt(3n), logStartOffset: fromBigInt(0n), logEndOffset: fromBigInt(3n), records };
      }),
    }) as never,
  };
  server.addService(REPLICATION_SERVICE, handlers);
  const port = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.shutdown());

  const fetcher = new ReplicaFetcher(2, `127.0.0.1:${port}`, { clusterId: 'c', nodeId: 1, brokerEpoch: () => 1n, logger });
  fetcher.add(broken); // answered first: its refusal must not end the handling of the answer
  fetcher.add(healthy);
  try {
    const deadline = Date.now() + 5_000;
    while (healthy.log.logEndOffset < 3n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(healthy.log.logEndOffset, 3n, 'the healthy partition got its batch');
    assert.equal(broken.log.logEndOffset, 0n, 'the corrupt batch was not appended');
  } finally {
    await fetcher.stop();
  }
});
