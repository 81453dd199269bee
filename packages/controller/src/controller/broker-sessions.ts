/**
 * BrokerSessions: the active controller's memory of broker heartbeats. It is not replicated: a
 * new active controller starts empty and gives every live broker a full session timeout from its
 * first look (see fenceExpired). Immutable, like MetadataImage; every change returns a new table.
 */
import type { MetadataImage } from '../image.js';

/** What the controller knows about one broker registration's heartbeats. */
export interface BrokerSession {
  /** The registration these facts belong to; a session of another epoch is stale and ignored. */
  readonly brokerEpoch: bigint;
  readonly lastHeartbeatMs: number;
  /** The broker asked to shut down: it may not lead or join an ISR any more (controlled shutdown). */
  readonly shuttingDown: boolean;
}

/** Identifies a heartbeat: which registration was heard from, and when. */
export interface SessionContact {
  readonly brokerId: number;
  readonly brokerEpoch: bigint;
  readonly nowMs: number;
}

/** Per-broker heartbeat sessions, keyed by broker id. */
export class BrokerSessions {
  /** No sessions: the table of a newly active controller. */
  static readonly EMPTY = new BrokerSessions(new Map());

  private constructor(private readonly sessions: ReadonlyMap<number, BrokerSession>) {}

  /** The session of `brokerId`, whatever its epoch. */
  get(brokerId: number): BrokerSession | undefined {
    return this.sessions.get(brokerId);
  }

  /** The session of `brokerId` if it belongs to the broker's current registration in `image`. */
  current(image: MetadataImage, brokerId: number): BrokerSession | undefined {
    const session = this.sessions.get(brokerId);
    return session !== undefined && session.brokerEpoch === image.broker(brokerId)?.brokerEpoch ? session : undefined;
  }

  /**
   * The table after hearing from `contact`. A contact with a new epoch starts a fresh session
   * (a re-registered broker is not shutting down); the clock never goes back.
   */
  touch(contact: SessionContact): BrokerSessions {
    const old = this.sessions.get(contact.brokerId);
    const same = old !== undefined && old.brokerEpoch === contact.brokerEpoch;
    const session: BrokerSession = {
      brokerEpoch: contact.brokerEpoch,
      lastHeartbeatMs: same ? Math.max(old.lastHeartbeatMs, contact.nowMs) : contact.nowMs,
      shuttingDown: same ? old.shuttingDown : false,
    };
    return this.with(contact.brokerId, session);
  }

  /** The table with `brokerId` marked as shutting down. Requires a session. */
  beginShutdown(brokerId: number): BrokerSessions {
    const old = this.sessions.get(brokerId);
    if (old === undefined || old.shuttingDown) return this;
    return this.with(brokerId, { ...old, shuttingDown: true });
  }

  /** The table without `brokerId` (for an unregistered broker). */
  remove(brokerId: number): BrokerSessions {
    if (!this.sessions.has(brokerId)) return this;
    const next = new Map(this.sessions);
    next.delete(brokerId);
    return new BrokerSessions(next);
  }

  /** Brokers whose current registration in `image` is in controlled shutdown. */
  shuttingDown(image: MetadataImage): ReadonlySet<number> {
    const ids = new Set<number>();
    for (const [brokerId, session] of this.sessions) {
      if (session.shuttingDown && this.current(image, brokerId) !== undefined) ids.add(brokerId);
    }
    return ids;
  }

  private with(brokerId: number, session: BrokerSession): BrokerSessions {
    const next = new Map(this.sessions);
    next.set(brokerId, session);
    return new BrokerSessions(next);
  }
}
