import { BATCH, checkBatch, ErrorCode, readBatchHeader } from '@sluice/protocol';

/** Largest value checkBatch accepts as a batch length before we compare with max.message.bytes ourselves. */
const BATCH_LENGTH_SANITY_MAX = 2 ** 31 - 1;

/** Why a produce request's records for one partition are refused. */
export interface RecordsProblem {
  errorCode: number;
  message: string;
}

/**
 * Checks the records of one partition without decoding them: every batch is magic 2, has a
 * sane length, a matching CRC-32C, no more than `batchBytesMax` bytes, and dense offset deltas
 * (recordsCount = lastOffsetDelta + 1). Returns null when the whole buffer is valid.
 */
export function recordsProblem(records: Buffer | null, batchBytesMax: number): RecordsProblem | null {
  if (records === null || records.length === 0) {
    return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: 'Produce request carries no record batch.' };
  }
  let at = 0;
  let index = 0;
  while (at < records.length) {
    // Legacy message sets (magic 0/1) can be shorter than a v2 header: look at the magic byte first.
    if (records.length - at > BATCH.MAGIC && records.readInt8(at + BATCH.MAGIC) !== 2) {
      return { errorCode: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, message: `Record batch ${index} has magic ${records.readInt8(at + BATCH.MAGIC)}; Produce v3 and later take magic 2 batches only.` };
    }
    const checked = checkBatch(records, at, BATCH_LENGTH_SANITY_MAX);
    if (typeof checked === 'string') {
      const code = checked === 'bad-magic' ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT : ErrorCode.CORRUPT_MESSAGE;
      return { errorCode: code, message: `Record batch ${index} is invalid (${checked}); only magic 2 batches are accepted.` };
    }
    if (checked > batchBytesMax) {
      return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: `Record batch ${index} is ${checked} bytes, above the limit of ${batchBytesMax} (max.message.bytes).` };
    }
    const header = readBatchHeader(records, at);
    if (header.recordsCount < 1 || header.lastOffsetDelta !== header.recordsCount - 1) {
      return { errorCode: ErrorCode.INVALID_RECORD, message: `Record batch ${index} has ${header.recordsCount} records but last offset delta ${header.lastOffsetDelta}.` };
    }
    at += checked;
    index++;
  }
  return null;
}
