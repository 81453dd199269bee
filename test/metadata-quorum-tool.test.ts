/**
 * `sluice metadata-quorum describe --status|--replication` against a real three-node cluster, asked
 * through a node that is not the quorum leader: the tool follows NOT_LEADER_OR_FOLLOWER to the
 * leader and prints kafka-metadata-quorum.sh's layout with this cluster's numbers (ids, leader,
 * voters; timestamps and offsets masked). Bad invocations name what is wrong.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { LocalCluster, SLUICE_BIN } from '@sluice/testkit';
import { run } from './support/run.js';
import { waitForLeader } from './support/quorum.js';

let cluster: LocalCluster;
after(async () => cluster?.close());

test('describe --status and --replication through a follower', async () => {
  cluster = await LocalCluster.start({ controllers: 3, brokers: 1 });
  const { leaderId, epoch } = await waitForLeader(cluster, [1, 2, 3], 10_000);
  const follower = [1, 2, 3].find((id) => id !== leaderId)!;
  const bootstrap = `127.0.0.1:${cluster.node(follower).port}`;

  const status = await run(process.execPath, [SLUICE_BIN, 'metadata-quorum', '--bootstrap-server', bootstrap, 'describe', '--status']);
  assert.equal(status.code, 0, status.stderr);
  const fields = Object.fromEntries(status.stdout.trim().split('\n').map((line) => {
    const match = /^(\w+):\s+(.*)$/.exec(line)!;
    return [match[1], match[2]];
  }));
  assert.deepEqual(Object.keys(fields), ['ClusterId', 'LeaderId', 'LeaderEpoch', 'HighWatermark', 'MaxFollowerLag', 'MaxFollowerLagTimeMs', 'CurrentVoters', 'CurrentObservers']);
  assert.equal(fields['ClusterId'], cluster.clusterId);
  assert.equal(fields['LeaderId'], String(leaderId));
  assert.equal(fields['LeaderEpoch'], String(epoch));
  assert.match(fields['HighWatermark']!, /^\d+$/);
  assert.equal(fields['CurrentVoters'], '[1,2,3]');
  assert.equal(fields['CurrentObservers'], '[4]');

  const replication = await run(process.execPath, [SLUICE_BIN, 'metadata-quorum', '--bootstrap-server', bootstrap, 'describe', '--replication']);
  assert.equal(replication.code, 0, replication.stderr);
  const rows = replication.stdout.trim().split('\n').map((l) => l.split(/\s+/));
  assert.deepEqual(rows[0], ['NodeId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status']);
  const masked = rows.slice(1).map(([id, , , , , role]) => `${id}:${role}`);
  const followers = [1, 2, 3].filter((id) => id !== leaderId).map((id) => `${id}:Follower`);
  assert.deepEqual(masked, [`${leaderId}:Leader`, ...followers, '4:Observer']);
  for (const row of rows.slice(1)) assert.match(row.slice(1, 5).join(' '), /^\d+ \d+ \d+ \d+$/, `offsets, lag and timestamps are known for every replica: ${row.join(' ')}`);

  const bad = await run(process.execPath, [SLUICE_BIN, 'metadata-quorum', '--bootstrap-server', bootstrap, 'describe']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /describe needs exactly one of --status or --replication/);
  const unreachable = await run(process.execPath, [SLUICE_BIN, 'metadata-quorum', '--bootstrap-server', '127.0.0.1:1', 'describe', '--status']);
  assert.notEqual(unreachable.code, 0);
  assert.match(unreachable.stderr, /could not connect to 127\.0\.0\.1:1/);
});
