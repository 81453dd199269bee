import { Socket } from 'node:net';
import { decodeResponse, encodeRequest, FrameDecoder, type ApiSpec, type Message } from '@sluice/protocol';

interface Pending {
  /** The API to decode the response with, or null to hand back the raw frame. */
  api: ApiSpec | null;
  version: number;
  resolve(body: Message | Buffer): void;
  reject(err: Error): void;
}

/**
 * How long a request may wait for its response. A broker that never answers fails the test with a
 * message instead of leaving it waiting until the runner's own timeout; longer than any server-side
 * timeout a test asks for (30 s at most), so an answer that is merely slow still arrives.
 */
const RESPONSE_TIMEOUT_MS = 60_000;

/**
 * A minimal Kafka client over the project's own codec, for tests that need exact control of
 * requests (versions, raw bytes, malformed frames). Responses are matched in request order.
 */
export class WireClient {
  private readonly decoder = new FrameDecoder(256 * 1024 * 1024);
  private readonly pending: Pending[] = [];
  private correlationId = 1;
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data) => this.onData(data));
    socket.on('close', () => this.failAll(new Error('connection closed')));
    socket.on('error', (err) => this.failAll(err));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve(new WireClient(socket));
      });
    });
  }

  /** Sends one request and resolves with the decoded response body. */
  request<T = Message>(api: ApiSpec, version: number, body: Message): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const chunks = encodeRequest(api, { apiVersion: version, correlationId: this.correlationId++, clientId: 'sluice-test' }, body);
    return this.awaitResponse(api, version, () => { for (const chunk of chunks) this.socket.write(chunk); }, api.name) as Promise<T>;
  }

  /** Sends a request that gets no response (acks=0 produce). */
  send(api: ApiSpec, version: number, body: Message): void {
    const chunks = encodeRequest(api, { apiVersion: version, correlationId: this.correlationId++, clientId: 'sluice-test' }, body);
    for (const chunk of chunks) this.socket.write(chunk);
  }

  /** Writes a hand-made frame (size prefix included) and resolves with the raw response frame, without its size prefix. */
  rawRequest(frame: Buffer): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    return this.awaitResponse(null, 0, () => this.socket.write(frame), 'a raw request') as Promise<Buffer>;
  }

  /**
   * Queues a response slot, writes, and waits. A response that does not come in time closes the
   * connection: later answers could no longer be matched to their requests by order.
   */
  private awaitResponse(api: ApiSpec | null, version: number, write: () => void, what: string): Promise<Message | Buffer> {
    return new Promise<Message | Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failAll(new Error(`no response to ${what} within ${RESPONSE_TIMEOUT_MS} ms`));
        this.socket.destroy();
      }, RESPONSE_TIMEOUT_MS);
      const settle = <A>(fn: (a: A) => void) => (a: A): void => { clearTimeout(timer); fn(a); };
      this.pending.push({ api, version, resolve: settle(resolve), reject: settle(reject) });
      write();
    });
  }

  /** Writes raw bytes (fuzzing). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    for (const frame of this.decoder.push(data)) {
      const next = this.pending.shift();
      if (!next) continue;
      try {
        next.resolve(next.api ? decodeResponse(next.api, next.version, frame).body : frame);
      } catch (err) {
        next.reject(err as Error);
      }
    }
  }

  private failAll(err: Error): void {
    this.closedError ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}
