import { ProtocolDecodeError } from './primitives/errors.js';

/**
 * Splits a TCP byte stream into Kafka frames (INT32 size prefix, then the message).
 * Several frames may arrive in one read (kafka-python pipelines ApiVersions and Metadata),
 * and one frame may span many reads. A size above `frameBytesMax` or below zero is an error:
 * the connection is closed before any memory is reserved for it.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly frameBytesMax: number) {}

  /** Feeds bytes from the socket and returns every complete frame (without its size prefix). */
  push(data: Buffer): Buffer[] {
    this.pending.push(data);
    this.pendingBytes += data.length;
    const frames: Buffer[] = [];
    while (this.pendingBytes >= 4) {
      const head = this.peekHead();
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.frameBytesMax) {
        throw new ProtocolDecodeError(`frame size ${size} outside 0..${this.frameBytesMax} (socket.request.max.bytes)`);
      }
      if (this.pendingBytes < 4 + size) break;
      const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
      frames.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    return frames;
  }

  private peekHead(): Buffer {
    const first = this.pending[0]!;
    if (first.length >= 4) return first;
    const joined = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [joined];
    return joined;
  }
}

/** Prefixes message chunks with their total size, ready for socket writev. */
export function frameChunks(chunks: Buffer[]): Buffer[] {
  const size = chunks.reduce((sum, c) => sum + c.length, 0);
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeInt32BE(size, 0);
  return [prefix, ...chunks];
}
