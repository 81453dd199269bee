import { ErrorCode } from '@sluice/protocol';

/** The client sends -1 when it does not know or check the leader epoch. */
const EPOCH_UNKNOWN = -1;

/**
 * KIP-320: a request naming an older leader epoch is fenced; one naming a newer epoch than ours
 * means our metadata is behind. Returns the error code, or null when the epoch is acceptable.
 */
export function leaderEpochError(requestEpoch: number, currentEpoch: number): number | null {
  if (requestEpoch === EPOCH_UNKNOWN || requestEpoch === currentEpoch) return null;
  return requestEpoch < currentEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
}
