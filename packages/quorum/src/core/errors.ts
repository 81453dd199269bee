/**
 * A broken invariant inside the quorum core: a bug, never a protocol outcome. Nobody catches it;
 * the process exits and restarts from its persisted state (STYLE §5.1).
 */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Throws `InvariantError` unless `condition` holds. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
