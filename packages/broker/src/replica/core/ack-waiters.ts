/**
 * Produce requests with acks=all waiting for the high watermark (Kafka's DelayedProduce in the
 * produce purgatory), for one partition and one leader epoch. Bounded: a full set refuses more.
 */
import { ReplicaErrorCode, invariant } from './errors.js';

/** One acks=all produce waiting for replication. `value` is whatever the handler needs to answer. */
export interface AckWaiter<T> {
  /** The batch's last offset + 1: satisfied once the high watermark reaches it. */
  readonly requiredOffset: bigint;
  /** Answered REQUEST_TIMED_OUT at this time if still waiting (the request's timeoutMs from its arrival). */
  readonly deadlineMs: number;
  /** The topic's min.insync.replicas when the batch was accepted. */
  readonly minInsyncReplicas: number;
  readonly value: T;
}

/** A waiter taken out, with the error code to answer it with (0 for success). */
export interface AckCompletion<T> {
  readonly value: T;
  readonly requiredOffset: bigint;
  readonly errorCode: number;
}

/** `add` either took the waiter or refused it because the set is full. */
export type AckAddResult = { readonly added: true } | { readonly added: false; readonly reason: 'full' };

/** Options for `AckWaiters`. */
export interface AckWaitersOptions {
  /** The most waiters held at once (STYLE §1.5); `add` refuses beyond it. */
  readonly waitersMax: number;
}

/**
 * The waiting acks=all produces of one partition, ordered by required offset (then arrival).
 * The driver answers what `release`, `expire` and `failAll` return, and nothing else.
 */
export class AckWaiters<T> {
  private readonly waitersMax: number;
  /** Invariant: sorted by requiredOffset, ties in arrival order; length <= waitersMax. */
  private waiters: AckWaiter<T>[] = [];

  constructor(options: AckWaitersOptions) {
    invariant(Number.isInteger(options.waitersMax) && options.waitersMax > 0, `waitersMax ${options.waitersMax} must be a positive integer.`);
    this.waitersMax = options.waitersMax;
  }

  get size(): number {
    return this.waiters.length;
  }

  /**
   * True when `add` would refuse. The produce handler checks this before appending and answers
   * REQUEST_TIMED_OUT (retriable, nothing written) instead of appending a batch it could not track.
   */
  get isFull(): boolean {
    return this.waiters.length >= this.waitersMax;
  }

  /** The earliest deadline, for the driver's timer; null when empty. */
  nextDeadlineMs(): number | null {
    let earliest: number | null = null;
    for (const w of this.waiters) if (earliest === null || w.deadlineMs < earliest) earliest = w.deadlineMs;
    return earliest;
  }

  /** Adds a waiter, or refuses it when `waitersMax` are already waiting. */
  add(waiter: AckWaiter<T>): AckAddResult {
    if (this.isFull) return { added: false, reason: 'full' };
    let at = this.waiters.length;
    while (at > 0 && this.waiters[at - 1]!.requiredOffset > waiter.requiredOffset) at--;
    this.waiters.splice(at, 0, waiter);
    return { added: true };
  }

  /**
   * Takes out, in offset order, every waiter the high watermark has reached. Each is answered NONE,
   * or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the committed ISR (`isrSize`) is now smaller than its
   * min.insync.replicas: the data is committed, but on fewer replicas than the producer asked for
   * (Kafka's Partition.checkEnoughReplicasReachOffset: no lonely ack).
   */
  release(highWatermark: bigint, isrSize: number): AckCompletion<T>[] {
    let count = 0;
    while (count < this.waiters.length && this.waiters[count]!.requiredOffset <= highWatermark) count++;
    return this.waiters.splice(0, count).map((w) => completion(w,
      isrSize < w.minInsyncReplicas ? ReplicaErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ReplicaErrorCode.NONE));
  }

  /** Takes out every waiter whose deadline is at or before `nowMs`, answered REQUEST_TIMED_OUT. */
  expire(nowMs: number): AckCompletion<T>[] {
    const expired = this.waiters.filter((w) => w.deadlineMs <= nowMs);
    if (expired.length === 0) return [];
    this.waiters = this.waiters.filter((w) => w.deadlineMs > nowMs);
    return expired.map((w) => completion(w, ReplicaErrorCode.REQUEST_TIMED_OUT));
  }

  /** Takes out every waiter, answered `errorCode` (NOT_LEADER_OR_FOLLOWER when leadership is lost). */
  failAll(errorCode: number): AckCompletion<T>[] {
    invariant(errorCode !== ReplicaErrorCode.NONE, 'failAll needs an error code.');
    const all = this.waiters;
    this.waiters = [];
    return all.map((w) => completion(w, errorCode));
  }
}

function completion<T>(waiter: AckWaiter<T>, errorCode: number): AckCompletion<T> {
  return { value: waiter.value, requiredOffset: waiter.requiredOffset, errorCode };
}
