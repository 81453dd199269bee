/**
 * Bugs and error codes of the group coordinator core. A broken invariant is a bug: `invariant`
 * throws `InvariantError`, which nobody catches (STYLE §5.1). Protocol outcomes are the Kafka
 * error codes below (numbers from Kafka's Errors.java), written into per-request or
 * per-partition `errorCode` fields.
 */

/** A broken invariant inside the group coordinator core: a bug, never a protocol outcome. */
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

/** The Kafka error codes the group coordinator returns. */
export const GroupErrorCode = {
  NONE: 0,
  UNKNOWN_SERVER_ERROR: -1,
  OFFSET_METADATA_TOO_LARGE: 12,
  /** The coordinator is still replaying its __consumer_offsets partition; retry later. */
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  /** kafkajs re-runs FindCoordinator only on this code (also used for a group being deleted). */
  COORDINATOR_NOT_AVAILABLE: 15,
  /** This broker does not own the group's __consumer_offsets partition. */
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  /** KIP-394: JoinGroup v4+ from a member without an id; it must rejoin with the id returned. */
  MEMBER_ID_REQUIRED: 79,
  /** KIP-345: another member took over this group.instance.id. */
  FENCED_INSTANCE_ID: 82,
  /** OffsetDelete on a partition of a topic the (non-empty) group subscribes to. */
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
} as const;

/** One of the codes in `GroupErrorCode`. */
export type GroupErrorCodeValue = (typeof GroupErrorCode)[keyof typeof GroupErrorCode];
