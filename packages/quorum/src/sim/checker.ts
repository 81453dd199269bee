import type { Raft } from '../core/raft.js';
import type { Entry } from '../core/messages.js';
import { fingerprint } from './app.js';

/** A broken safety or liveness property found by the simulation. */
export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

function violated(message: string): never {
  throw new PropertyViolation(message);
}

/** A committed entry's identity, and the lowest epoch in which any node saw it committed. */
interface CommittedPrint {
  readonly epoch: number;
  readonly fingerprint: number;
  commitEpoch: number;
}

/** Per-node state the checker compares against, reset on restart. */
interface NodeWatch {
  highWatermark: number;
  epoch: number;
  ledEpoch: number;
}

/** Epochs stay far below this, so (offset, epoch) packs into one safe integer key. */
const EPOCH_KEY_RANGE = 1_000_000;

/**
 * The quorum invariants (15–17 in the README) and the Raft safety properties, checked after every event:
 * at most one leader per epoch; log matching (same offset and epoch means the same data and the
 * same epoch just below, hence by induction the same prefix); committed entries never change and
 * are in every later leader's log (leader completeness); every node applies the same entry at
 * each offset; one vote per voter per epoch; high watermark and epoch never go back on a node
 * within one process lifetime.
 */
export class Checker {
  private readonly leaderOfEpoch = new Map<number, number>();
  /** (offset, epoch) → the data's fingerprint and the epoch of the entry below, as first persisted. */
  private readonly persisted = new Map<number, { fingerprint: number; previousEpoch: number }>();
  /** Committed entries by offset, as first seen below some node's high watermark. */
  private readonly committed: Array<CommittedPrint | undefined> = [];
  /** One past the highest committed offset seen. */
  committedEnd = 0;
  /** The application state (hash chain) after applying each offset. */
  private readonly chainAt: number[] = [];
  private readonly votes = new Map<number, number>();
  private readonly watches = new Map<number, NodeWatch>();
  /** Fingerprints of committed payloads, for the liveness check. */
  readonly committedPayloads = new Set<number>();

  /** A node (re)started: its high watermark and epoch may begin lower than before the crash. */
  onStart(nodeId: number, raft: Raft): void {
    this.watches.set(nodeId, { highWatermark: raft.highWatermark, epoch: raft.epoch, ledEpoch: -1 });
  }

  /** An entry became durable on `nodeId`, right after an entry (or snapshot) of `previousEpoch`. */
  onPersisted(nodeId: number, entry: Entry, previousEpoch: number): void {
    const key = entry.offset * EPOCH_KEY_RANGE + entry.epoch;
    const print = fingerprint(entry.data);
    const known = this.persisted.get(key);
    if (known === undefined) {
      this.persisted.set(key, { fingerprint: print, previousEpoch });
      return;
    }
    if (known.fingerprint !== print || known.previousEpoch !== previousEpoch) {
      violated(`log matching: node ${nodeId} persisted a different entry at offset ${entry.offset} epoch ${entry.epoch}`);
    }
  }

  /** A vote was sent (after its fsync). Quorum invariant 16: one vote per voter per epoch. */
  onVoteSent(voterId: number, epoch: number, candidateId: number): void {
    const key = voterId * EPOCH_KEY_RANGE + epoch;
    const earlier = this.votes.get(key);
    if (earlier !== undefined && earlier !== candidateId) {
      violated(`node ${voterId} voted for ${earlier} and ${candidateId} in epoch ${epoch}`);
    }
    this.votes.set(key, candidateId);
  }

  /** `nodeId` applied `entry`, reaching application state `chain`. */
  onApplied(nodeId: number, entry: Entry, chain: number, highWatermark: number): void {
    if (entry.offset >= highWatermark) violated(`node ${nodeId} applied ${entry.offset} at or above its high watermark ${highWatermark}`);
    this.checkChain(nodeId, entry.offset, chain);
  }

  /** `nodeId` loaded a snapshot ending at `endOffset` with state `chain`. */
  onSnapshotLoaded(nodeId: number, endOffset: number, chain: number): void {
    if (endOffset > 0) this.checkChain(nodeId, endOffset - 1, chain);
  }

  private checkChain(nodeId: number, offset: number, chain: number): void {
    const known = this.chainAt[offset];
    if (known === undefined) this.chainAt[offset] = chain;
    else if (known !== chain) violated(`state machine divergence: node ${nodeId} at offset ${offset}`);
  }

  /** Checks a running node after an event. */
  afterEvent(nodeId: number, raft: Raft): void {
    const watch = this.watches.get(nodeId)!;
    if (raft.epoch < watch.epoch) violated(`node ${nodeId} epoch went back from ${watch.epoch} to ${raft.epoch}`);
    watch.epoch = raft.epoch;
    if (raft.role === 'leader' && watch.ledEpoch !== raft.epoch) {
      const other = this.leaderOfEpoch.get(raft.epoch);
      if (other !== undefined && other !== nodeId) violated(`two leaders in epoch ${raft.epoch}: ${other} and ${nodeId}`);
      this.leaderOfEpoch.set(raft.epoch, nodeId);
      watch.ledEpoch = raft.epoch;
      this.checkLeaderCompleteness(nodeId, raft);
    }
    const hw = raft.highWatermark;
    if (hw < watch.highWatermark) violated(`node ${nodeId} high watermark went back from ${watch.highWatermark} to ${hw}`);
    if (hw > watch.highWatermark) {
      if (hw > raft.logEndOffset) violated(`node ${nodeId} high watermark ${hw} above its log end ${raft.logEndOffset}`);
      this.recordCommitted(nodeId, raft, Math.max(watch.highWatermark, raft.logStartOffset), hw);
      watch.highWatermark = hw;
    }
  }

  private recordCommitted(nodeId: number, raft: Raft, from: number, to: number): void {
    for (let offset = from; offset < to; offset++) {
      const entry = raft.logEntry(offset);
      if (entry === null) violated(`node ${nodeId} committed offset ${offset} missing from its log`);
      const print = fingerprint(entry.data);
      const known = this.committed[offset];
      if (known === undefined) {
        this.committed[offset] = { epoch: entry.epoch, fingerprint: print, commitEpoch: raft.epoch };
        if (entry.data.length > 0) this.committedPayloads.add(print);
      } else if (known.epoch !== entry.epoch || known.fingerprint !== print) {
        violated(`committed entry changed at offset ${offset}: epoch ${known.epoch} vs ${entry.epoch} on node ${nodeId}`);
      } else {
        known.commitEpoch = Math.min(known.commitEpoch, raft.epoch);
      }
    }
    this.committedEnd = Math.max(this.committedEnd, to);
  }

  /**
   * Leader completeness (Raft thesis §3.6.3): a leader of epoch E holds every entry committed
   * in an earlier epoch. A node sees an entry committed in its current epoch, which is at least
   * the epoch that committed it, so the lowest such epoch is a safe stand-in. (A zombie that
   * wins an old epoch late may lack entries committed in later epochs; it can commit nothing.)
   */
  private checkLeaderCompleteness(nodeId: number, raft: Raft): void {
    for (let offset = raft.logStartOffset; offset < this.committedEnd; offset++) {
      const known = this.committed[offset];
      if (known === undefined || known.commitEpoch >= raft.epoch) continue;
      const entry = raft.logEntry(offset);
      if (entry === null || entry.epoch !== known.epoch || fingerprint(entry.data) !== known.fingerprint) {
        violated(`leader ${nodeId} of epoch ${raft.epoch} lacks entry ${offset} committed in epoch ${known.commitEpoch}`);
      }
    }
  }
}
