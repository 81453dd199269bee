/** Thrown when bytes on the wire do not form a valid message: truncated, negative length, bad varint. */
export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError';
}
