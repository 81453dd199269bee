import type { ClusterMetadata } from '../metadata/cluster-metadata.js';

/**
 * Resolves once `condition` holds for this broker's metadata (checked now and after every change),
 * or after `timeoutMs`; returns whether it held. Admin requests use it so that a client's next
 * request to this broker already sees what the controller committed.
 */
export function waitForMetadata(metadata: ClusterMetadata, condition: () => unknown, timeoutMs: number): Promise<boolean> {
  if (condition()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (held: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(held);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const unsubscribe = metadata.onChange(() => {
      if (condition()) finish(true);
    });
  });
}
