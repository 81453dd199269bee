import { createServer, type Server } from 'node:net';
import type { Listener } from '../config/listeners.js';
import type { Logger } from '../logger.js';
import { Connection } from './connection.js';
import type { RequestRouter } from './request-router.js';

/** Listens on one Kafka listener and hands each socket to a Connection. */
export class KafkaServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly listener: Listener,
    router: RequestRouter,
    private readonly logger: Logger,
    frameBytesMax: number,
  ) {
    this.server = createServer((socket) => {
      const connection = new Connection(socket, router, logger, frameBytesMax);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
  }

  /** Starts listening; resolves with the bound port (useful when port 0 was asked for). */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.listener.port, this.listener.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : this.listener.port;
    this.logger.info({ listener: this.listener.name, host: this.listener.host, port }, 'listening');
    return port;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
