/**
 * A broken invariant: a bug, or a metadata log that no correct controller could have written.
 * Nobody catches it; the process exits and restarts (STYLE.md §5).
 */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Throws `InvariantError` unless `condition` holds. */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Marks the end of an exhaustive `switch` over a discriminated union. */
export function assertNever(value: never): never {
  throw new InvariantError(`unexpected value ${JSON.stringify(value)}`);
}
