/**
 * Broker lifecycle (KIP-631): registration, heartbeats, session expiry and controlled shutdown.
 * A broker registers fenced; it is unfenced once a heartbeat says it has caught up with the
 * metadata log; it is fenced again when its session expires, when it asks to be, or at the end of
 * a controlled shutdown. Every fence (and every restart under a new incarnation) also moves the
 * broker's leaderships away and takes it out of ISRs (never emptying one; see leader-election.ts).
 *
 * Replies that report an outcome of records (an epoch, "unfenced", "shut down now") may be sent
 * only after those records, and everything proposed before them, are committed.
 *
 * Codes: registerBroker INVALID_REQUEST; heartbeat STALE_BROKER_EPOCH (unknown broker or old
 * epoch, as Kafka's ClusterControlManager answers); unregisterBroker BROKER_ID_NOT_REGISTERED.
 */
import { ZERO_UUID } from '@sluice/protocol';
import { invariant } from '../errors.js';
import { ErrorCode } from '../error-codes.js';
import type { MetadataImage } from '../image.js';
import { isUuid } from '../record-codec.js';
import type { PartitionRef } from '../image-types.js';
import { metadataRecord, type BrokerListener, type MetadataRecord } from '../records.js';
import type { BrokerSessions } from './broker-sessions.js';
import { planBrokerRemoval, planOfflineLeaderElection } from './leader-election.js';

/** A BrokerRegistration request. */
export interface RegisterBrokerRequest {
  readonly brokerId: number;
  /** A random id the broker process picks at start (22-character base64url Uuid). */
  readonly incarnationId: string;
  readonly listeners: readonly BrokerListener[];
  readonly rack: string | null;
}

/** Records to propose, what the caller should log, and the reply's fields. */
export interface BrokerPlan {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly records: MetadataRecord[];
  /** Partitions whose new leader came from outside the ISR: log them (possible data loss). */
  readonly uncleanElections: PartitionRef[];
}

/** The outcome of a registration: the new (or, for a retry, current) broker epoch. */
export interface RegisterBrokerResult extends BrokerPlan {
  /** -1n on error. */
  readonly brokerEpoch: bigint;
}

/**
 * Registers a broker fenced under `nextBrokerEpoch` (KRaft uses the record's log offset, so
 * epochs only grow). A retry from the same incarnation with the same endpoints changes nothing
 * and returns the current epoch. Any other re-registration replaces the old one, which fences
 * the old epoch, and moves the broker's leaderships and ISR places away: a restarted broker may
 * have lost unflushed records, so it must catch up again before it leads.
 */
export function registerBroker(image: MetadataImage, request: RegisterBrokerRequest, nextBrokerEpoch: bigint): RegisterBrokerResult {
  const problem = registrationProblem(request);
  if (problem !== null) return { ...noPlan(ErrorCode.INVALID_REQUEST, problem), brokerEpoch: -1n };
  const existing = image.broker(request.brokerId);
  const sameEndpoints = existing !== undefined && existing.rack === request.rack
    && JSON.stringify(existing.listeners) === JSON.stringify(request.listeners);
  if (existing !== undefined && existing.incarnationId === request.incarnationId && sameEndpoints) {
    return { ...noPlan(ErrorCode.NONE, null), brokerEpoch: existing.brokerEpoch };
  }
  invariant(nextBrokerEpoch > (existing?.brokerEpoch ?? -1n), `broker epoch ${nextBrokerEpoch} does not grow past ${existing?.brokerEpoch}`);
  const register = metadataRecord('RegisterBrokerRecord', {
    brokerId: request.brokerId, incarnationId: request.incarnationId, brokerEpoch: nextBrokerEpoch,
    listeners: request.listeners.map(({ name, host, port }) => ({ name, host, port })), rack: request.rack, fenced: true,
  });
  const removal = existing === undefined ? null : planBrokerRemoval(image.apply(register), new Set([request.brokerId]));
  return {
    errorCode: ErrorCode.NONE, errorMessage: null, brokerEpoch: nextBrokerEpoch,
    records: [register, ...(removal?.records ?? [])], uncleanElections: removal?.uncleanElections ?? [],
  };
}

function registrationProblem(request: RegisterBrokerRequest): string | null {
  if (!Number.isInteger(request.brokerId) || request.brokerId < 0 || request.brokerId > 2 ** 31 - 1) {
    return `Invalid broker id ${request.brokerId}.`;
  }
  if (!isUuid(request.incarnationId) || request.incarnationId === ZERO_UUID) {
    return `Invalid incarnation id ${JSON.stringify(request.incarnationId)}.`;
  }
  if (request.listeners.length === 0) return 'A broker must register at least one listener.';
  const names = new Set(request.listeners.map((l) => l.name));
  if (names.size !== request.listeners.length) return 'Listener names must be distinct.';
  const badPort = request.listeners.find((l) => !Number.isInteger(l.port) || l.port < 1 || l.port > 65535);
  if (badPort !== undefined) return `Listener ${badPort.name} has an invalid port ${badPort.port}.`;
  return null;
}

/** A BrokerHeartbeat request. */
export interface HeartbeatRequest {
  readonly brokerId: number;
  readonly brokerEpoch: bigint;
  /** The broker has applied the metadata log up to the controller's committed offset. */
  readonly caughtUp: boolean;
  readonly wantFence: boolean;
  readonly wantShutdown: boolean;
}

/** The outcome of a heartbeat: the updated session table and the reply's fields. */
export interface HeartbeatResult extends BrokerPlan {
  readonly sessions: BrokerSessions;
  readonly isFenced: boolean;
  readonly shouldShutDown: boolean;
}

/**
 * Handles one heartbeat at `nowMs`. A fenced broker is unfenced when it has caught up and wants
 * neither fencing nor shutdown (then offline partitions it can lead get leaders); a fenced broker
 * that wants to shut down may do so at once. An unfenced broker that wants fencing is fenced. An
 * unfenced broker that wants to shut down enters controlled shutdown: its leaderships move away
 * and it leaves ISRs; once a heartbeat finds nothing left to move and the broker caught up with
 * those moves, it is fenced and told to shut down.
 */
export function heartbeat(image: MetadataImage, sessions: BrokerSessions, request: HeartbeatRequest, nowMs: number): HeartbeatResult {
  const { brokerId, brokerEpoch } = request;
  const registration = image.broker(brokerId);
  if (registration?.brokerEpoch !== brokerEpoch) {
    const message = `Broker ${brokerId} is not registered with epoch ${brokerEpoch}.`;
    return { ...noPlan(ErrorCode.STALE_BROKER_EPOCH, message), sessions, isFenced: true, shouldShutDown: false };
  }
  const touched = sessions.touch({ brokerId, brokerEpoch, nowMs });
  const reply = (plan: BrokerPlan, isFenced: boolean, shouldShutDown = false, next = touched): HeartbeatResult =>
    ({ ...plan, sessions: next, isFenced, shouldShutDown });
  if (registration.fenced) {
    if (request.wantShutdown) return reply(noPlan(ErrorCode.NONE, null), true, true);
    if (request.wantFence || !request.caughtUp) return reply(noPlan(ErrorCode.NONE, null), true);
    const unfence = metadataRecord('UnfenceBrokerRecord', { brokerId, brokerEpoch });
    const after = image.apply(unfence);
    const elections = planOfflineLeaderElection(after, { excluded: touched.shuttingDown(after) });
    return reply({ ...noPlan(ErrorCode.NONE, null), records: [unfence, ...elections.records], uncleanElections: elections.uncleanElections }, false);
  }
  if (request.wantShutdown) return controlledShutdown(image, touched.beginShutdown(brokerId), request);
  if (request.wantFence) return reply(fenceBrokers(image, touched, [brokerId]), true);
  return reply(noPlan(ErrorCode.NONE, null), false);
}

/** One controlled-shutdown step for an unfenced broker already marked as shutting down in `sessions`. */
function controlledShutdown(image: MetadataImage, sessions: BrokerSessions, request: HeartbeatRequest): HeartbeatResult {
  const moves = planBrokerRemoval(image, new Set([request.brokerId]), { excluded: sessions.shuttingDown(image) });
  if (moves.records.length > 0 || !request.caughtUp) {
    const plan = { ...noPlan(ErrorCode.NONE, null), records: moves.records, uncleanElections: moves.uncleanElections };
    return { ...plan, sessions, isFenced: false, shouldShutDown: false };
  }
  return { ...fenceBrokers(image, sessions, [request.brokerId]), sessions, isFenced: true, shouldShutDown: true };
}

/** Timing for session expiry. */
export interface SessionClock {
  readonly nowMs: number;
  /** A broker unheard for longer than this is fenced (Kafka's broker.session.timeout.ms). */
  readonly sessionTimeoutMs: number;
}

/** The outcome of an expiry check: the fenced brokers and the updated session table. */
export interface FenceExpiredResult extends BrokerPlan {
  readonly sessions: BrokerSessions;
  readonly fencedBrokers: number[];
}

/**
 * Fences every unfenced broker not heard from for more than `sessionTimeoutMs`, and moves its
 * leaderships away. A live broker with no session for its current epoch (this controller just
 * became active, or has not heard from it since it registered) gets a session starting now,
 * so it has a full timeout to reach the new controller.
 */
export function fenceExpired(image: MetadataImage, sessions: BrokerSessions, clock: SessionClock): FenceExpiredResult {
  let next = sessions;
  const expired: number[] = [];
  for (const broker of image.liveBrokers()) {
    const session = next.current(image, broker.brokerId);
    if (session === undefined) next = next.touch({ brokerId: broker.brokerId, brokerEpoch: broker.brokerEpoch, nowMs: clock.nowMs });
    else if (clock.nowMs - session.lastHeartbeatMs > clock.sessionTimeoutMs) expired.push(broker.brokerId);
  }
  if (expired.length === 0) return { ...noPlan(ErrorCode.NONE, null), sessions: next, fencedBrokers: [] };
  return { ...fenceBrokers(image, next, expired), sessions: next, fencedBrokers: expired };
}

/**
 * Removes a broker's registration (UnregisterBroker) and moves its leaderships and ISR places
 * away. BROKER_ID_NOT_REGISTERED when there is no registration.
 */
export function unregisterBroker(image: MetadataImage, sessions: BrokerSessions, brokerId: number): BrokerPlan & { readonly sessions: BrokerSessions } {
  const registration = image.broker(brokerId);
  if (registration === undefined) {
    return { ...noPlan(ErrorCode.BROKER_ID_NOT_REGISTERED, `Broker ${brokerId} is not registered.`), sessions };
  }
  const unregister = metadataRecord('UnregisterBrokerRecord', { brokerId, brokerEpoch: registration.brokerEpoch });
  const after = image.apply(unregister);
  const removal = planBrokerRemoval(after, new Set([brokerId]), { excluded: sessions.shuttingDown(after) });
  return {
    ...noPlan(ErrorCode.NONE, null), records: [unregister, ...removal.records],
    uncleanElections: removal.uncleanElections, sessions: sessions.remove(brokerId),
  };
}

/** FenceBrokerRecords for unfenced `brokerIds`, then the leader and ISR changes they cause. */
function fenceBrokers(image: MetadataImage, sessions: BrokerSessions, brokerIds: readonly number[]): BrokerPlan {
  const fences = brokerIds.map((brokerId) => {
    const registration = image.broker(brokerId);
    invariant(registration !== undefined && !registration.fenced, `broker ${brokerId} is not registered and unfenced`);
    return metadataRecord('FenceBrokerRecord', { brokerId, brokerEpoch: registration.brokerEpoch });
  });
  const after = image.applyAll(fences);
  const removal = planBrokerRemoval(after, new Set(brokerIds), { excluded: sessions.shuttingDown(after) });
  return { errorCode: ErrorCode.NONE, errorMessage: null, records: [...fences, ...removal.records], uncleanElections: removal.uncleanElections };
}

function noPlan(errorCode: number, errorMessage: string | null): BrokerPlan {
  return { errorCode, errorMessage, records: [], uncleanElections: [] };
}
