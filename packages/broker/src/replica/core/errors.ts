/**
 * Bugs and error codes of the replication core. A broken invariant is a bug: `invariant` throws
 * `InvariantError`, which nobody catches (STYLE §5.1). Protocol outcomes are Kafka error codes.
 */
import { ErrorCode } from '@sluice/protocol';

/** A broken invariant inside the replication core: a bug, never a protocol outcome. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Throws `InvariantError` unless `condition` holds. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new InvariantError(`Unexpected value ${JSON.stringify(value)}.`);
}

/**
 * The Kafka error codes this core reads or returns: the protocol table plus the KRaft codes an
 * AlterPartition answer may carry that the table does not list yet (numbers from Kafka's
 * Errors.java, the same values the controller package uses).
 */
export const ReplicaErrorCode = {
  ...ErrorCode,
  /** The controller did not try the change; the leader may propose again (KIP-497). */
  OPERATION_NOT_ATTEMPTED: 55,
  /** The sender's broker epoch is not its current registration. */
  STALE_BROKER_EPOCH: 77,
  /** The proposal's partition epoch is not the controller's current one (KIP-704). */
  INVALID_UPDATE_VERSION: 95,
  /** A proposed ISR member is fenced, unregistered or shutting down (KIP-903). */
  INELIGIBLE_REPLICA: 107,
} as const;
