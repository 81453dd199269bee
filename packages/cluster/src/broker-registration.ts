import { randomBytes } from 'node:crypto';
import type { BrokerConfig, Logger } from '@sluice/broker';
import { fromBigInt, sluice, toBigInt } from '@sluice/rpc';
import type { ControllerClient } from './controller-client.js';
import type { MetadataState } from './metadata-state.js';

const ControllerError = sluice.controller.ControllerError;

/**
 * The deadline of one registration or heartbeat attempt: half the broker session (Kafka's
 * KAFKA-14392), so an attempt stuck on a frozen controller gives up while a newly active
 * controller's first session for this broker still runs, and the retry reaches that controller.
 * Invariant: the result is below broker.session.timeout.ms.
 */
export function lifecycleAttemptDeadlineMs(config: Pick<BrokerConfig, 'brokerSessionTimeoutMs'>): number {
  return Math.max(1, Math.floor(config.brokerSessionTimeoutMs / 2));
}

/**
 * A broker's membership in the cluster (KIP-631): registers with the active controller under a
 * fresh incarnation id, then heartbeats with the metadata offset it has applied. The controller
 * unfences it once it has caught up, and fences it when heartbeats stop. A STALE_BROKER_EPOCH
 * answer (the controller forgot us, or we were replaced) makes it register again.
 */
export class BrokerRegistration {
  private readonly incarnationId = randomBytes(16).toString('base64url');
  private brokerEpoch: bigint | null = null;
  private timer: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private stopped = false;
  private inFlight: Promise<void> | null = null;
  /** Whether the controller last reported this broker unfenced. */
  unfenced = false;
  /** Listeners registered besides the advertised client ones (the replication listener). */
  private extraListeners: { name: string; host: string; port: number }[] = [];

  constructor(
    private readonly config: BrokerConfig,
    private readonly client: ControllerClient,
    private readonly state: MetadataState,
    private readonly logger: Logger,
  ) {}

  /** The current registration epoch, or null before registration. */
  get epoch(): bigint | null {
    return this.brokerEpoch;
  }

  /** Starts registering with `extraListeners` (e.g. the bound replication listener) besides the client ones. */
  start(extraListeners: { name: string; host: string; port: number }[] = []): void {
    this.extraListeners = extraListeners;
    this.timer = setInterval(() => this.beat(), this.config.brokerHeartbeatIntervalMs);
    this.beat();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Controlled shutdown: asks the controller to move this broker's leaderships away, waiting at most `timeoutMs`. */
  async controlledShutdown(timeoutMs: number): Promise<boolean> {
    this.shuttingDown = true;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.brokerEpoch !== null) {
      const response = await this.heartbeat().catch(() => null);
      if (response?.shouldShutDown) return true;
      await new Promise((r) => setTimeout(r, Math.min(200, this.config.brokerHeartbeatIntervalMs)));
    }
    return false;
  }

  private beat(): void {
    if (this.inFlight || this.stopped) return;
    this.inFlight = (this.brokerEpoch === null ? this.register() : this.heartbeat().then(() => undefined))
      .catch((err: unknown) => this.logger.warn({ err: String(err) }, 'controller heartbeat failed'))
      .finally(() => { this.inFlight = null; });
  }

  private async register(): Promise<void> {
    const listeners = [...this.config.advertisedListeners.map((l) => ({ name: l.name, host: l.host, port: l.port })), ...this.extraListeners];
    const response = await this.client.call<sluice.controller.RegisterBrokerResponse>('RegisterBroker', {
      brokerId: this.config.nodeId, incarnationId: this.incarnationId, listeners, rack: this.config.raw.get('broker.rack') ?? '',
    }, { attemptDeadlineMs: lifecycleAttemptDeadlineMs(this.config) });
    this.brokerEpoch = toBigInt(response.brokerEpoch);
    this.logger.info({ nodeId: this.config.nodeId, brokerEpoch: String(this.brokerEpoch) }, 'registered with the controller');
  }

  private async heartbeat(): Promise<sluice.controller.BrokerHeartbeatResponse | null> {
    if (this.brokerEpoch === null) return null;
    const response = await this.client.call<sluice.controller.BrokerHeartbeatResponse>('BrokerHeartbeat', {
      brokerId: this.config.nodeId, brokerEpoch: fromBigInt(this.brokerEpoch),
      metadataOffset: fromBigInt(BigInt(this.state.appliedEndOffset)), wantFence: false, wantShutDown: this.shuttingDown,
    }, { attemptDeadlineMs: lifecycleAttemptDeadlineMs(this.config) });
    if (response.error === ControllerError.STALE_BROKER_EPOCH) {
      this.logger.warn({ nodeId: this.config.nodeId }, 'controller does not know our broker epoch; registering again');
      this.brokerEpoch = null;
      return null;
    }
    if (this.unfenced !== !response.isFenced) this.logger.info({ fenced: response.isFenced }, response.isFenced ? 'broker fenced' : 'broker unfenced');
    this.unfenced = !response.isFenced;
    return response;
  }
}
