/**
 * Proves the metadata-quorum output has kafka-metadata-quorum.sh's layout and numbers: lag and
 * lag time computed from the leader's view, voters and observers listed, leader row first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DescribeQuorumResponsePartition } from '@sluice/protocol';
import { formatReplication, formatStatus } from '../../src/commands/metadata-quorum.js';

const partition: DescribeQuorumResponsePartition = {
  partitionIndex: 0, errorCode: 0, leaderId: 2, leaderEpoch: 7, highWatermark: 120n,
  currentVoters: [
    { replicaId: 1, logEndOffset: 118n, lastFetchTimestamp: 9_900n, lastCaughtUpTimestamp: 9_500n },
    { replicaId: 2, logEndOffset: 121n, lastFetchTimestamp: 10_000n, lastCaughtUpTimestamp: 10_000n },
    { replicaId: 3, logEndOffset: 121n, lastFetchTimestamp: 9_950n, lastCaughtUpTimestamp: 9_950n },
  ],
  observers: [{ replicaId: 4, logEndOffset: 100n, lastFetchTimestamp: 9_000n, lastCaughtUpTimestamp: 8_000n }],
};

test('describe --status prints the summary block', () => {
  assert.equal(formatStatus('MkU3OEVBNTcwNTJENDM2Qg', partition, 10_000), [
    'ClusterId:              MkU3OEVBNTcwNTJENDM2Qg',
    'LeaderId:               2',
    'LeaderEpoch:            7',
    'HighWatermark:          120',
    'MaxFollowerLag:         3',
    'MaxFollowerLagTimeMs:   500',
    'CurrentVoters:          [1,2,3]',
    'CurrentObservers:       [4]',
    '',
  ].join('\n'));
});

test('describe --replication prints leader, followers, then observers', () => {
  const lines = formatReplication(partition).trimEnd().split('\n').map((l) => l.split(/\s+/));
  assert.deepEqual(lines, [
    ['NodeId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'],
    ['2', '121', '0', '10000', '10000', 'Leader'],
    ['1', '118', '3', '9900', '9500', 'Follower'],
    ['3', '121', '0', '9950', '9950', 'Follower'],
    ['4', '100', '21', '9000', '8000', 'Observer'],
  ]);
});
