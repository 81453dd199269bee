/** Thrown when bytes on the wire do not form a valid message: truncated, negative length, bad varint. */
export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError';
}

/** Thrown when compressed records would decompress past the bound the caller set (a bomb, or simply too large). */
export class DecompressionLimitError extends ProtocolDecodeError {
  override name = 'DecompressionLimitError';
}
