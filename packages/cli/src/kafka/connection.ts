import { Socket } from 'node:net';
import { decodeResponse, encodeRequest, FrameDecoder, type ApiSpec } from '@sluice/protocol';

/** Responses larger than this are refused (a tool never needs more). */
const RESPONSE_BYTES_MAX = 64 * 1024 * 1024;

interface Pending {
  api: ApiSpec;
  version: number;
  resolve(body: unknown): void;
  reject(err: Error): void;
}

/** A `host:port` the tools were told to use, parsed. */
export function parseBootstrap(text: string): { host: string; port: number } {
  const first = text.split(',')[0]!.trim();
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(first);
  if (!match || Number(match[2]) > 65535) throw new Error(`--bootstrap-server '${text}' is not host:port`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

/**
 * One connection to a broker for the command-line tools, over the project's own codec. Every step
 * is bounded by `timeoutMs`, so an unreachable server gives a clear error instead of a hang.
 */
export class KafkaConnection {
  private readonly decoder = new FrameDecoder(RESPONSE_BYTES_MAX);
  private readonly pending: Pending[] = [];
  private correlationId = 1;

  private constructor(private readonly socket: Socket, private readonly timeoutMs: number, readonly address: string) {
    socket.on('data', (data) => this.onData(data));
    socket.on('close', () => this.failAll(new Error(`connection to ${address} closed`)));
    socket.on('error', (err) => this.failAll(err));
  }

  static connect(bootstrap: string, timeoutMs: number): Promise<KafkaConnection> {
    const { host, port } = parseBootstrap(bootstrap);
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${address}: ${err.message}`));
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new KafkaConnection(socket, timeoutMs, address));
      });
    });
  }

  /** Sends one request and resolves with the decoded response body, or rejects after the timeout. */
  request<T>(api: ApiSpec, version: number, body: object): Promise<T> {
    const chunks = encodeRequest(api, { apiVersion: version, correlationId: this.correlationId++, clientId: 'sluice-cli' }, body);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failAll(new Error(`${api.name} to ${this.address} got no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.push({
        api, version,
        resolve: (value) => { clearTimeout(timer); resolve(value as T); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      });
      for (const chunk of chunks) this.socket.write(chunk);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    try {
      for (const frame of this.decoder.push(data)) {
        const next = this.pending.shift();
        next?.resolve(decodeResponse(next.api, next.version, frame).body);
      }
    } catch (err) {
      this.failAll(err as Error);
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.splice(0)) p.reject(err);
    this.socket.destroy();
  }
}
