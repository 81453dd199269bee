import type { Socket } from 'node:net';
import { FrameDecoder, ProtocolDecodeError } from '@sluice/protocol';
import type { Logger } from '../logger.js';
import type { RequestRouter } from './request-router.js';

/** Frames queued on one connection before we stop reading from its socket (backpressure). */
const QUEUED_FRAMES_MAX = 64;

/**
 * One client connection. Frames are answered strictly in request order, one at a time
 * (kafka-python raises CorrelationIdError otherwise); a long-polling fetch holds the
 * requests behind it, as in Kafka. A frame that cannot be decoded closes this connection
 * only; the broker keeps serving every other one.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private processing = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly router: RequestRouter,
    private readonly logger: Logger,
    frameBytesMax: number,
  ) {
    this.decoder = new FrameDecoder(frameBytesMax);
    socket.setNoDelay(true);
    socket.on('data', (data) => this.onData(data));
    socket.on('error', (err) => this.logger.debug({ err }, 'connection error'));
    socket.on('close', () => { this.closed = true; });
  }

  /** Closes the socket; queued requests are dropped (clients retry them). */
  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(data);
    } catch (err) {
      this.reject(err);
      return;
    }
    this.queue.push(...frames);
    if (this.queue.length >= QUEUED_FRAMES_MAX) this.socket.pause();
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const frame = this.queue.shift()!;
        const outcome = await this.router.handle(frame, this.socket.remoteAddress ?? '');
        if (outcome.kind === 'close') {
          this.logger.warn({ remote: this.socket.remoteAddress, reason: outcome.reason }, 'closing connection after bad request');
          this.close();
          return;
        }
        if (outcome.kind === 'respond') await this.write(outcome.chunks);
        if (this.queue.length < QUEUED_FRAMES_MAX / 2) this.socket.resume();
      }
    } finally {
      this.processing = false;
    }
  }

  private async write(chunks: Buffer[]): Promise<void> {
    if (this.closed) return;
    this.socket.cork();
    let flushed = true;
    for (const chunk of chunks) flushed = this.socket.write(chunk);
    this.socket.uncork();
    if (!flushed && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => { this.socket.off('drain', done); this.socket.off('close', done); resolve(); };
        this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    }
  }

  private reject(err: unknown): void {
    const reason = err instanceof ProtocolDecodeError ? err.message : String(err);
    this.logger.warn({ remote: this.socket.remoteAddress, reason }, 'closing connection after malformed frame');
    this.close();
  }
}
