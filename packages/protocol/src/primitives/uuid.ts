/**
 * Kafka UUIDs (topic ids) are 16 bytes on the wire and base64url text (22 characters) when shown,
 * as Kafka's Uuid.toString() prints them. In memory we keep the text form.
 */
/** The all-zero UUID (Kafka's Uuid.ZERO_UUID), the default of uuid fields. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Text form (base64url) of 16 UUID bytes. */
export function uuidFromBytes(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** The 16 bytes of a base64url UUID; throws RangeError for anything else. */
export function uuidToBytes(uuid: string): Buffer {
  const bytes = Buffer.from(uuid, 'base64url');
  if (bytes.length !== 16) throw new RangeError(`not a 16-byte uuid: ${uuid}`);
  return bytes;
}
