import { randomInt } from 'node:crypto';
import type { RaftConfig, Logger } from '../core/config.js';
import type { Envelope, RaftMessage, RaftRequest } from '../core/messages.js';
import { isRequest } from '../core/messages.js';
import { Raft } from '../core/raft.js';
import type { PersistedState, Ready, Snapshot } from '../core/ready.js';
import { mustSync } from '../core/ready.js';
import type { QuorumStatus } from '../core/status.js';

/** A message that answers a request. */
export type RaftResponse = Exclude<RaftMessage, RaftRequest>;

/** How the driver reaches other quorum members. Implementations put a deadline on every call. */
export interface QuorumTransport {
  /** Sends `request` to node `to` and resolves with its response; rejects on deadline or failure. */
  request(to: number, request: RaftRequest, deadlineMs: number): Promise<RaftResponse>;
}

/** Where Ready batches are made durable. `write` resolves only once the change is fsynced. */
export interface QuorumPersistence {
  write(change: {
    hardState: Ready['hardState'];
    snapshot: Ready['snapshot'];
    logStartOffset: Ready['logStartOffset'];
    truncateFrom: Ready['truncateFrom'];
    entries: Ready['entries'];
  }): Promise<void>;
}

/** The replicated state machine the quorum feeds. */
export interface QuorumApplication {
  /** Replaces the application state with a snapshot. */
  loadSnapshot(snapshot: Snapshot): void;
  /** Applies committed entries in offset order (leader-change entries, with empty data, included). */
  applyCommitted(entries: readonly { offset: number; epoch: number; data: Uint8Array }[]): void;
}

export interface QuorumDriverOptions {
  raft: RaftConfig;
  /** Milliseconds per core tick. */
  tickMs: number;
  /** Deadline of one request (fetches add the long-poll wait on top). */
  requestTimeoutMs: number;
  persisted: PersistedState;
  persistence: QuorumPersistence;
  transport: QuorumTransport;
  application: QuorumApplication;
  logger: Logger;
  /** Called when the driver must stop the process: persistence failed, so nothing on disk can be trusted. */
  onFatal(err: unknown): void;
}

interface PendingInbound {
  resolve(response: RaftResponse): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface CommitWaiter {
  offset: number;
  epoch: number;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Runs one quorum member: ticks the pure core on a timer, feeds it requests from peers and
 * responses to its own requests, and carries out each Ready in the order its doc comment fixes:
 * persist and fsync, then send, then apply, then advance. Inputs reach the core synchronously (one
 * thread), and only one Ready is in flight at a time, so no two updates interleave.
 */
export class QuorumDriver {
  private readonly raft: Raft;
  private readonly inbound = new Map<string, PendingInbound>();
  private timer: NodeJS.Timeout | null = null;
  private processing = false;
  /** The running processReadies loop, if any: stop() waits for it so no write races the store's close. */
  private loop: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private ticks = 0;
  /** Bounded by the core's uncommittedEntriesMax: a waiter leaves on commit, on timeout, or at stop. */
  private readonly commitWaiters: CommitWaiter[] = [];
  private appliedEnd = 0;
  private appliedEpochs = new Map<number, number>();

  constructor(private readonly options: QuorumDriverOptions) {
    this.raft = new Raft(options.raft, { logger: options.logger, random: { next: () => randomInt(0, 2 ** 32) / 2 ** 32 } }, options.persisted);
    this.appliedEnd = options.persisted.snapshot?.endOffset ?? 0;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.ticks++;
      this.raft.tick();
      this.kick();
    }, this.options.tickMs);
    this.kick();
  }

  /**
   * Stops ticking and answering, fails every waiting caller (peers' requests and proposals), and
   * resolves once the Ready being carried out, if any, is finished, so the caller may close the
   * persistence afterwards without a write racing the close.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const pending of this.inbound.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error('quorum stopped'));
    }
    this.inbound.clear();
    for (const waiter of this.commitWaiters.splice(0)) waiter.reject(new Error('quorum stopped'));
    await this.loop;
  }

  /** This node's view of the quorum, with ticks turned into milliseconds ago. */
  status(): QuorumStatus {
    return this.raft.status();
  }

  /** Milliseconds since the driver started, at tick resolution (what status() tick counts mean). */
  ticksToMs(ticks: number): number {
    return ticks * this.options.tickMs;
  }

  get currentTick(): number {
    return this.ticks;
  }

  /**
   * Proposes payloads on the leader and resolves once they are committed and applied here.
   * Rejects with NotLeaderError on a non-leader, or when the proposal was lost to a leader change.
   */
  async propose(payloads: Uint8Array[], timeoutMs: number): Promise<number> {
    if (this.stopped) throw new Error('quorum stopped');
    const result = this.raft.propose(payloads);
    if (!result.ok) {
      if (result.reason === 'not-leader') throw new NotLeaderError(result.leaderId, result.epoch);
      throw new Error(`proposal refused (${result.reason}): ${result.detail}`);
    }
    this.kick();
    const lastOffset = result.firstOffset + payloads.length - 1;
    await new Promise<void>((resolve, reject) => {
      const waiter: CommitWaiter = {
        offset: lastOffset, epoch: result.epoch,
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      };
      const timer = setTimeout(() => {
        // A waiter that gave up must not stay in the list: an isolated leader would collect them.
        const at = this.commitWaiters.indexOf(waiter);
        if (at >= 0) this.commitWaiters.splice(at, 1);
        reject(new Error(`proposal at ${lastOffset} not committed within ${timeoutMs} ms`));
      }, timeoutMs);
      this.commitWaiters.push(waiter);
    });
    return result.firstOffset;
  }

  /** Hands the core a snapshot the application took, so it can compact its log. */
  snapshotTaken(snapshot: Snapshot): void {
    this.raft.snapshotTaken(snapshot);
    this.kick();
  }

  /** Controlled shutdown of a leader: hand leadership to the most caught-up voter. */
  resign(): void {
    this.raft.resign();
    this.kick();
  }

  /** A request from peer `from` (the RPC server calls this); resolves with the core's response. */
  handleRequest(from: number, request: RaftRequest): Promise<RaftResponse> {
    return new Promise((resolve, reject) => {
      if (this.stopped) {
        reject(new Error('quorum stopped'));
        return;
      }
      const key = `${from}:${request.correlationId}`;
      const timer = setTimeout(() => {
        this.inbound.delete(key);
        reject(new Error(`no response to ${request.kind} from ${from}`));
      }, this.options.requestTimeoutMs + this.ticksToMs(this.options.raft.fetchMaxWaitTicks));
      this.inbound.set(key, { resolve, reject, timer });
      this.raft.step(from, request);
      this.kick();
    });
  }

  private kick(): void {
    if (this.processing) {
      this.again = true;
      return;
    }
    this.loop = this.processReadies();
  }

  private async processReadies(): Promise<void> {
    this.processing = true;
    try {
      do {
        this.again = false;
        let ready: Ready | null;
        while (!this.stopped && (ready = this.raft.ready()) !== null) await this.carryOut(ready);
      } while (this.again && !this.stopped);
    } catch (err) {
      this.options.onFatal(err);
    } finally {
      this.processing = false;
    }
  }

  /** Persist (fsync), send, apply, advance: the order Ready's doc comment requires. */
  private async carryOut(ready: Ready): Promise<void> {
    if (mustSync(ready)) {
      await this.options.persistence.write({
        hardState: ready.hardState, snapshot: ready.snapshot, logStartOffset: ready.logStartOffset,
        truncateFrom: ready.truncateFrom, entries: ready.entries,
      });
    }
    for (const envelope of ready.messages) this.send(envelope);
    if (ready.applySnapshot) {
      this.options.application.loadSnapshot(ready.applySnapshot);
      this.appliedEnd = ready.applySnapshot.endOffset;
    }
    if (ready.committedEntries.length > 0) {
      this.options.application.applyCommitted(ready.committedEntries);
      for (const e of ready.committedEntries) this.appliedEpochs.set(e.offset, e.epoch);
      this.appliedEnd = ready.committedEntries[ready.committedEntries.length - 1]!.offset + 1;
    }
    this.raft.advance(ready);
    this.settleCommitWaiters();
  }

  private settleCommitWaiters(): void {
    for (let i = this.commitWaiters.length - 1; i >= 0; i--) {
      const waiter = this.commitWaiters[i]!;
      if (waiter.offset >= this.appliedEnd) continue;
      this.commitWaiters.splice(i, 1);
      // Every entry applied while a waiter waits is remembered, so a missing epoch means a snapshot
      // from the leader replaced the log past the waiter's offset: whether the proposal survived
      // is unknown, and saying it committed could confirm an operation that was truncated.
      const epoch = this.appliedEpochs.get(waiter.offset);
      if (epoch === waiter.epoch) waiter.resolve();
      else if (epoch === undefined) waiter.reject(new Error(`proposal at ${waiter.offset}: outcome unknown, a snapshot replaced the log`));
      else waiter.reject(new NotLeaderError(null, epoch));
    }
    // Only offsets someone may still wait for are worth remembering.
    const lowest = Math.min(...this.commitWaiters.map((w) => w.offset), this.appliedEnd);
    for (const offset of this.appliedEpochs.keys()) if (offset < lowest) this.appliedEpochs.delete(offset);
  }

  private send(envelope: Envelope): void {
    const { to, message } = envelope;
    if (!isRequest(message)) {
      const key = `${to}:${message.correlationId}`;
      const pending = this.inbound.get(key);
      if (!pending) return; // the caller gave up (deadline) or this answers a duplicate: nobody waits for it
      this.inbound.delete(key);
      clearTimeout(pending.timer);
      pending.resolve(message as RaftResponse);
      return;
    }
    const waitMs = message.kind === 'FetchRequest' ? this.ticksToMs(this.options.raft.fetchMaxWaitTicks) : 0;
    this.options.transport.request(to, message as RaftRequest, this.options.requestTimeoutMs + waitMs).then(
      (response) => {
        if (this.stopped) return;
        this.raft.step(to, response);
        this.kick();
      },
      (err: unknown) => {
        // The core notices the missing answer by its own timeouts and retries; a log line is enough.
        this.options.logger.debug({ to, kind: message.kind, err: String(err) }, 'quorum request failed');
      },
    );
  }
}

/** A proposal reached a node that is not the leader (or lost its leadership before committing). */
export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
  constructor(readonly leaderId: number | null, readonly epoch: number) {
    super(leaderId === null ? 'not the quorum leader; leader unknown' : `not the quorum leader; leader is ${leaderId}`);
  }
}
