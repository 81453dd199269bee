import {
  BATCH, DecompressionLimitError, ErrorCode, Produce, UnsupportedCompressionError, upConvertMessageSet, type DecompressionBudget,
  type ProduceRequest, type ProduceRequestPartition, type ProduceResponse, type ProduceResponsePartition,
} from '@sluice/protocol';
import { topicConfigNumber } from '../config/topic-config.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import { ledPartition, type BrokerServices } from './broker-services.js';
import { recordsProblem, type RecordsProblem } from './produce-validation.js';

const ACKS_NONE = 0;
const ACKS_ALL = -1;
const VALID_ACKS = new Set([-1, 0, 1]);
/** The first Produce version whose records are magic-2 batches. */
const FIRST_BATCH_VERSION = 3;
/**
 * What the legacy message sets of one request may decompress to in all. Converting costs CPU per
 * message on the event loop, so it is kept small: legacy clients send requests of 1 MiB by default.
 */
const LEGACY_DECOMPRESSED_BYTES_PER_REQUEST = 16 * 1024 * 1024;

/**
 * Produce: validates each partition's batches and appends them whole on the partition leader
 * (v0-2 legacy message sets are first up-converted into one batch).
 * acks=0 gets no response; acks=1 answers after the leader's append; acks=all is refused with
 * NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas, else answers once the high
 * watermark passes the batch (REQUEST_TIMED_OUT or NOT_ENOUGH_REPLICAS_AFTER_APPEND if it does not in time).
 * Per-partition codes: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, CORRUPT_MESSAGE, INVALID_RECORD, MESSAGE_TOO_LARGE,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT, UNSUPPORTED_COMPRESSION_TYPE, INVALID_REQUIRED_ACKS, KAFKA_STORAGE_ERROR, NOT_ENOUGH_REPLICAS,
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT.
 */
export function produceHandler(services: BrokerServices): ApiHandler {
  return defineHandler<ProduceRequest, ProduceResponse>(Produce, async (request, ctx) => {
    const acksValid = VALID_ACKS.has(request.acks);
    // One decompression budget for all the legacy message sets of this request.
    const legacyBudget: DecompressionBudget = { left: LEGACY_DECOMPRESSED_BYTES_PER_REQUEST };
    const responses = await Promise.all(request.topicData.map(async (topic) => ({
      name: topic.name,
      partitionResponses: await Promise.all(topic.partitionData.map(async (p) => {
        if (!acksValid) return partitionError(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, not ${request.acks}`);
        return appendPartition(services, topic.name, p, request, ctx.apiVersion < FIRST_BATCH_VERSION ? legacyBudget : null);
      })),
    })));
    if (request.acks === ACKS_NONE) return null;
    return { responses, throttleTimeMs: 0 };
  });
}

/**
 * Produce v0-2 carries a legacy message set (magic 0 or 1): it becomes one magic-2 batch, with the
 * wrapper held to max.message.bytes as Kafka does, before the batch checks look at it. What cannot
 * be converted is answered as the partition's error.
 */
function upConverted(records: Buffer | null, batchBytesMax: number, budget: DecompressionBudget): Buffer | null | RecordsProblem {
  if (records === null || records.length <= BATCH.MAGIC || records.readInt8(BATCH.MAGIC) === 2) return records;
  if (records.length > batchBytesMax) {
    return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: `Message set is ${records.length} bytes, above the limit of ${batchBytesMax} (max.message.bytes).` };
  }
  try {
    return upConvertMessageSet(records, BigInt(Date.now()), budget);
  } catch (err) {
    if (err instanceof UnsupportedCompressionError) return { errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, message: err.message };
    if (err instanceof DecompressionLimitError) return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: err.message };
    return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: `Legacy message set is invalid: ${(err as Error).message}` };
  }
}

async function appendPartition(
  services: BrokerServices, topicName: string, request: ProduceRequestPartition, produce: ProduceRequest, legacyBudget: DecompressionBudget | null,
): Promise<ProduceResponsePartition> {
  // Internal topics (__consumer_offsets) are written by the broker alone, as in Kafka.
  if (topicName.startsWith('__')) return partitionError(request.index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topicName}`);
  const partition = ledPartition(services, topicName, request.index);
  if (typeof partition === 'number') return partitionError(request.index, partition, null);
  const configs = services.metadata.topic(topicName)?.configs ?? new Map<string, string>();
  const batchBytesMax = topicConfigNumber(services.config, configs, 'max.message.bytes');
  const records = legacyBudget ? upConverted(request.records, batchBytesMax, legacyBudget) : request.records;
  if (records !== null && !Buffer.isBuffer(records)) return partitionError(request.index, records.errorCode, records.message);
  const problem = recordsProblem(records, batchBytesMax);
  if (problem) return partitionError(request.index, problem.errorCode, problem.message);
  const minInsyncReplicas = topicConfigNumber(services.config, configs, 'min.insync.replicas');
  if (produce.acks === ACKS_ALL) {
    // Refused before appending, so the client knows nothing was written (faults.md invariant 9).
    const refused = partition.acksAllProblem(minInsyncReplicas);
    if (refused !== null) return partitionError(request.index, refused, refused === ErrorCode.NOT_ENOUGH_REPLICAS ? `The in-sync replicas are fewer than min.insync.replicas (${minInsyncReplicas}).` : null);
  }
  let appended: { baseOffset: bigint; lastOffset: bigint };
  try {
    appended = partition.append(records!);
  } catch (err) {
    // A failed write leaves the log in an unknown state; Kafka takes the log dir offline. We answer a
    // retriable storage error and log it; the operator must look at the disk.
    services.logger.error({ err, topic: topicName, partition: request.index }, 'append failed');
    return partitionError(request.index, ErrorCode.KAFKA_STORAGE_ERROR, 'append failed on the broker');
  }
  if (produce.acks === ACKS_ALL) {
    const code = await partition.waitForAcks(appended.lastOffset + 1n, { timeoutMs: Math.max(0, produce.timeoutMs), minInsyncReplicas });
    if (code !== ErrorCode.NONE) return { ...partitionError(request.index, code, null), baseOffset: appended.baseOffset };
  }
  return {
    index: request.index,
    errorCode: ErrorCode.NONE,
    baseOffset: appended.baseOffset,
    logAppendTimeMs: -1n,
    logStartOffset: partition.log.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}

function partitionError(index: number, errorCode: number, errorMessage: string | null): ProduceResponsePartition {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}
