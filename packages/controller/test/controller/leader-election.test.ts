/**
 * Proves the election rule, one test per case: the preferred replica wins when it is in the ISR
 * and live; only ISR members are chosen; with every ISR member fenced the partition goes offline
 * unless unclean election is allowed, which is flagged; the ISR loses fenced brokers but never
 * becomes empty. Also proves the plans built on the rule: broker removal, offline elections and
 * preferred leader rebalancing, and that the topic config decides unclean election.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  electLeader, metadataRecord, NO_LEADER, planBrokerRemoval, planOfflineLeaderElection, planPreferredLeaderElection,
  uncleanLeaderElectionEnabled, type MetadataImage, type PartitionRegistration,
} from '../../src/index.js';
import { clusterImage, fenced, withTopic } from '../support/fixtures.js';

function partition(replicas: number[], isr: number[], leader: number): PartitionRegistration {
  return { replicas, isr, leader, leaderEpoch: 3, partitionEpoch: 5 };
}

const clean = { unclean: false };

test('the preferred replica leads when it is in the ISR and unfenced', () => {
  const image = clusterImage([1, 2, 3]);
  assert.deepEqual(electLeader(partition([1, 2, 3], [2, 3, 1], 2), image, clean), { leader: 1, isr: [2, 3, 1], unclean: false });
});

test('the first ISR member in replica order leads when the preferred replica cannot', () => {
  const image = fenced(clusterImage([1, 2, 3]), 1);
  assert.deepEqual(electLeader(partition([1, 2, 3], [3, 2, 1], 1), image, clean), { leader: 2, isr: [3, 2], unclean: false });
  assert.deepEqual(electLeader(partition([1, 2, 3], [1, 3], 1), image, clean), { leader: 3, isr: [3], unclean: false });
});

test('a live replica outside the ISR is never chosen by a clean election', () => {
  const image = fenced(clusterImage([1, 2, 3]), 1);
  assert.deepEqual(electLeader(partition([1, 2, 3], [1], 1), image, clean), { leader: NO_LEADER, isr: [1], unclean: false });
});

test('all ISR members fenced: no leader, and the ISR keeps its last member', () => {
  const image = fenced(clusterImage([1, 2, 3]), 1, 2, 3);
  assert.deepEqual(electLeader(partition([1, 2, 3], [2, 3], 3), image, clean), { leader: NO_LEADER, isr: [3], unclean: false });
  assert.deepEqual(electLeader(partition([1, 2, 3], [2], NO_LEADER), image, clean), { leader: NO_LEADER, isr: [2], unclean: false });
});

test('unclean election picks the first live replica, resets the ISR to it, and says so', () => {
  const image = fenced(clusterImage([1, 2, 3]), 1, 2);
  assert.deepEqual(electLeader(partition([2, 1, 3], [1, 2], 1), image, { unclean: true }), { leader: 3, isr: [3], unclean: true });
  const none = fenced(clusterImage([1, 2, 3]), 1, 2, 3);
  assert.deepEqual(electLeader(partition([1, 2, 3], [1], 1), none, { unclean: true }), { leader: NO_LEADER, isr: [1], unclean: false });
});

test('unclean election is not used while an ISR member can lead', () => {
  const image = fenced(clusterImage([1, 2, 3]), 1);
  assert.deepEqual(electLeader(partition([1, 2, 3], [1, 3], 1), image, { unclean: true }), { leader: 3, isr: [3], unclean: false });
});

test('excluded (shutting down) and unregistered brokers are as ineligible as fenced ones', () => {
  const image = clusterImage([1, 2, 3]);
  const result = electLeader(partition([1, 2, 3, 4], [1, 2, 4], 1), image, { unclean: false, excluded: new Set([1]) });
  assert.deepEqual(result, { leader: 2, isr: [2], unclean: false });
});

function setConfig(image: MetadataImage, resourceType: 'topic' | 'broker', resourceName: string, value: string): MetadataImage {
  return image.apply(metadataRecord('ConfigRecord', { resourceType, resourceName, name: 'unclean.leader.election.enable', value }));
}

test('unclean election follows the topic config, then the cluster default, else off', () => {
  const { image } = withTopic(clusterImage([1]), 't', [[1]]);
  assert.equal(uncleanLeaderElectionEnabled(image, 't'), false);
  assert.equal(uncleanLeaderElectionEnabled(setConfig(image, 'broker', '', 'true'), 't'), true);
  assert.equal(uncleanLeaderElectionEnabled(setConfig(setConfig(image, 'broker', '', 'true'), 'topic', 't', 'false'), 't'), false);
  assert.equal(uncleanLeaderElectionEnabled(setConfig(image, 'topic', 't', 'TRUE'), 't'), true);
});

test('planBrokerRemoval keeps live leaders, moves the removed broker’s, and shrinks ISRs', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2, 3]), 't', [[1, 2, 3], [2, 3, 1], [3, 2], [1]]);
  const plan = planBrokerRemoval(fenced(image, 1), new Set([1]));
  assert.deepEqual(plan.records, [
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, isr: [2, 3], leader: 2 }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 1, isr: [2, 3] }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 3, leader: NO_LEADER }),
  ]);
  assert.deepEqual(plan.offline, [{ topicId, partitionId: 3 }]);
  assert.deepEqual(plan.uncleanElections, []);
});

test('planBrokerRemoval treats a live broker in the set as excluded (controlled shutdown)', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2]), 't', [[1, 2]]);
  const plan = planBrokerRemoval(image, new Set([1]));
  assert.deepEqual(plan.records, [metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, isr: [2], leader: 2 })]);
});

test('planOfflineLeaderElection brings back the last ISR member, and unclean only where allowed', () => {
  const first = withTopic(clusterImage([1, 2]), 'a', [{ replicas: [1, 2], isr: [1], leader: NO_LEADER }]);
  const second = withTopic(first.image, 'b', [{ replicas: [1, 2], isr: [1], leader: NO_LEADER }]);
  const [a, b] = [first.topicId, second.topicId];
  const image = setConfig(fenced(second.image, 1), 'topic', 'b', 'true');
  const plan = planOfflineLeaderElection(image);
  assert.deepEqual(plan.records, [metadataRecord('PartitionChangeRecord', { topicId: b, partitionId: 0, isr: [2], leader: 2 })]);
  assert.deepEqual(plan.uncleanElections, [{ topicId: b, partitionId: 0 }]);
  const back = image.apply(metadataRecord('UnfenceBrokerRecord', { brokerId: 1, brokerEpoch: 10n }));
  assert.deepEqual(planOfflineLeaderElection(back).records.filter((r) => r.topicId === a), [
    metadataRecord('PartitionChangeRecord', { topicId: a, partitionId: 0, leader: 1 }),
  ]);
});

test('planPreferredLeaderElection moves leadership back to the first replica when it can lead', () => {
  const { image, topicId } = withTopic(clusterImage([1, 2, 3]), 't', [
    { replicas: [1, 2, 3], leader: 2 },
    { replicas: [2, 3, 1], isr: [3, 1], leader: 3 },
    { replicas: [3, 1, 2], leader: 1 },
    { replicas: [1, 2], leader: 1 },
  ]);
  assert.deepEqual(planPreferredLeaderElection(image).records, [
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, leader: 1 }),
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 2, leader: 3 }),
  ]);
  assert.deepEqual(planPreferredLeaderElection(fenced(image, 3)).records, [
    metadataRecord('PartitionChangeRecord', { topicId, partitionId: 0, leader: 1 }),
  ]);
  assert.deepEqual(planPreferredLeaderElection(image, { excluded: new Set([1, 3]) }).records, []);
});
