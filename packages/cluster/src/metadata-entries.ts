import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '@sluice/controller';

/**
 * One quorum entry holds every record of one controller operation, so the operation commits or
 * vanishes as a whole (a topic never appears without its partitions). Layout: u32 count, then per
 * record u32 length and the record's versioned encoding. Snapshots use the same layout.
 */
export function encodeRecords(records: readonly MetadataRecord[]): Uint8Array {
  const parts = records.map((r) => encodeMetadataRecord(r));
  const out = Buffer.allocUnsafe(4 + parts.reduce((sum, p) => sum + 4 + p.length, 0));
  out.writeUInt32BE(parts.length, 0);
  let at = 4;
  for (const part of parts) {
    out.writeUInt32BE(part.length, at);
    part.copy(out, at + 4);
    at += 4 + part.length;
  }
  return out;
}

/** Decodes what `encodeRecords` wrote; an empty entry (the quorum's leader-change entry) holds no records. */
export function decodeRecords(data: Uint8Array): MetadataRecord[] {
  if (data.length === 0) return [];
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const count = buf.readUInt32BE(0);
  const records: MetadataRecord[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    const length = buf.readUInt32BE(at);
    records.push(decodeMetadataRecord(buf.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return records;
}
