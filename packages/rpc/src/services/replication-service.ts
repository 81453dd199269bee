import { sluice } from '#generated/protos.js';
import { defineService, unary } from '../service.js';

const replication = sluice.replication;

/**
 * `sluice.replication.ReplicationService` (proto/replication.proto): followers fetch record batches
 * from partition leaders, with divergence points for log repair.
 */
export const REPLICATION_SERVICE = defineService('sluice.replication.ReplicationService', {
  Fetch: unary(replication.ReplicaFetchRequest, replication.ReplicaFetchResponse),
});

/** The type of REPLICATION_SERVICE. */
export type ReplicationService = typeof REPLICATION_SERVICE;
