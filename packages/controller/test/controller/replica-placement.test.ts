/**
 * Proves replica placement spreads load and respects racks: with 3 brokers, 30 partitions and
 * RF 3 each broker leads 10 and holds 30 replicas; larger clusters get even leader counts and
 * near-even replica counts for many seeds; replicas of a partition land on distinct racks where
 * there are enough racks; fenced and excluded brokers get nothing; too few brokers is
 * INVALID_REPLICATION_FACTOR; manual assignments are checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assignmentProblem, ErrorCode, initialLeaderAndIsr, placementBrokers, placeReplicas, type PlacementBroker,
} from '../../src/index.js';
import { clusterImage, fenced, randomIntSource } from '../support/fixtures.js';

function brokers(count: number, racks?: (i: number) => string | null): PlacementBroker[] {
  return Array.from({ length: count }, (_, i) => ({ brokerId: i + 1, rack: racks?.(i) ?? null }));
}

function place(list: PlacementBroker[], numPartitions: number, replicationFactor: number, seed: number, startPartitionId = 0): number[][] {
  const result = placeReplicas(list, { startPartitionId, numPartitions, replicationFactor }, randomIntSource(seed));
  assert.ok(result.ok);
  return result.assignments;
}

function counts(assignments: number[][]): { leaders: Map<number, number>; replicas: Map<number, number> } {
  const leaders = new Map<number, number>();
  const replicas = new Map<number, number>();
  for (const list of assignments) {
    leaders.set(list[0]!, (leaders.get(list[0]!) ?? 0) + 1);
    for (const b of list) replicas.set(b, (replicas.get(b) ?? 0) + 1);
  }
  return { leaders, replicas };
}

test('3 brokers, 30 partitions, RF 3: each broker leads 10 and holds 30 replicas', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const assignments = place(brokers(3), 30, 3, seed);
    const { leaders, replicas } = counts(assignments);
    assert.deepEqual([...leaders.values()], [10, 10, 10], `seed ${seed}`);
    assert.deepEqual([...replicas.values()], [30, 30, 30], `seed ${seed}`);
    for (const list of assignments) assert.equal(new Set(list).size, 3);
  }
});

test('6 brokers, 60 partitions, RF 3: leaders even and replicas within one of even', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { leaders, replicas } = counts(place(brokers(6), 60, 3, seed));
    assert.deepEqual([...leaders.values()].sort(), [10, 10, 10, 10, 10, 10], `seed ${seed}`);
    for (const n of replicas.values()) assert.ok(Math.abs(n - 30) <= 1, `seed ${seed}: ${[...replicas]}`);
  }
});

test('each replica of a partition lands on a different rack when there are enough racks', () => {
  const racked = brokers(6, (i) => `rack-${i % 3}`);
  const rackOf = new Map(racked.map((b) => [b.brokerId, b.rack]));
  for (let seed = 1; seed <= 20; seed++) {
    const assignments = place(racked, 24, 3, seed);
    for (const list of assignments) assert.equal(new Set(list.map((b) => rackOf.get(b))).size, 3, `seed ${seed}: ${list}`);
    assert.deepEqual([...counts(assignments).leaders.values()], [4, 4, 4, 4, 4, 4]);
  }
});

test('with fewer racks than replicas every rack is used before any is reused', () => {
  const racked = brokers(4, (i) => (i < 2 ? 'a' : 'b'));
  const rackOf = new Map(racked.map((b) => [b.brokerId, b.rack]));
  for (let seed = 1; seed <= 10; seed++) {
    for (const list of place(racked, 8, 3, seed)) {
      assert.equal(new Set(list).size, 3);
      assert.equal(new Set(list.map((b) => rackOf.get(b))).size, 2, `seed ${seed}: ${list}`);
    }
  }
});

test('the rotation continues from the start partition id', () => {
  const first = place(brokers(3), 6, 2, 7, 0);
  const rest = place(brokers(3), 3, 2, 7, 3);
  assert.deepEqual(rest, first.slice(3));
});

test('a replication factor above the usable brokers is INVALID_REPLICATION_FACTOR', () => {
  const result = placeReplicas(brokers(2), { startPartitionId: 0, numPartitions: 1, replicationFactor: 3 }, randomIntSource(1));
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
  assert.deepEqual(place(brokers(1), 2, 1, 1), [[1], [1]]);
});

test('placement uses only unfenced brokers that are not excluded', () => {
  const image = fenced(clusterImage([1, 2, 3, 4]), 2);
  assert.deepEqual(placementBrokers(image, new Set([4])), [{ brokerId: 1, rack: null }, { brokerId: 3, rack: null }]);
});

test('manual assignments must be non-empty, distinct and registered', () => {
  const image = clusterImage([1, 2, 3]);
  assert.equal(assignmentProblem(image, [3, 1]), null);
  assert.match(assignmentProblem(image, [])!, /empty replica list/);
  assert.match(assignmentProblem(image, [1, 1])!, /broker 1 more than once/);
  assert.match(assignmentProblem(image, [1, 9])!, /broker 9, but no such broker is registered/);
});

test('a new partition’s ISR is its eligible replicas, led by the first of them', () => {
  const image = fenced(clusterImage([1, 2, 3]), 1);
  assert.deepEqual(initialLeaderAndIsr(image, [1, 2, 3]), { leader: 2, isr: [2, 3] });
  assert.deepEqual(initialLeaderAndIsr(image, [1, 2, 3], new Set([2])), { leader: 3, isr: [3] });
  assert.equal(initialLeaderAndIsr(image, [1]), null);
});
