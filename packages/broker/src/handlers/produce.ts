import {
  ErrorCode, Produce,
  type ProduceRequest, type ProduceRequestPartition, type ProduceResponse, type ProduceResponsePartition,
} from '@sluice/protocol';
import { topicConfigNumber } from '../config/topic-config.js';
import { defineHandler, type ApiHandler } from '../server/request-router.js';
import { ledPartition, type BrokerServices } from './broker-services.js';
import { recordsProblem } from './produce-validation.js';

const ACKS_NONE = 0;
const VALID_ACKS = new Set([-1, 0, 1]);

/**
 * Produce: validates each partition's batches and appends them whole. acks=0 gets no response.
 * On one node the ISR is this node alone, so acks=1 and acks=all are both satisfied by the append.
 * Per-partition codes: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, CORRUPT_MESSAGE, INVALID_RECORD, MESSAGE_TOO_LARGE,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT, INVALID_REQUIRED_ACKS, KAFKA_STORAGE_ERROR.
 */
export function produceHandler(services: BrokerServices): ApiHandler {
  return defineHandler<ProduceRequest, ProduceResponse>(Produce, (request) => {
    const acksValid = VALID_ACKS.has(request.acks);
    const responses = request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((p) => acksValid
        ? appendPartition(services, topic.name, p)
        : partitionError(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, not ${request.acks}`)),
    }));
    if (request.acks === ACKS_NONE) return null;
    return { responses, throttleTimeMs: 0 };
  });
}

function appendPartition(services: BrokerServices, topicName: string, request: ProduceRequestPartition): ProduceResponsePartition {
  const partition = ledPartition(services, topicName, request.index);
  if (typeof partition === 'number') return partitionError(request.index, partition, null);
  const configs = services.metadata.topic(topicName)?.configs ?? new Map<string, string>();
  const batchBytesMax = topicConfigNumber(services.config, configs, 'max.message.bytes');
  const problem = recordsProblem(request.records, batchBytesMax);
  if (problem) return partitionError(request.index, problem.errorCode, problem.message);
  let baseOffset: bigint;
  try {
    baseOffset = partition.append(request.records!).baseOffset;
  } catch (err) {
    // A failed write leaves the log in an unknown state; Kafka takes the log dir offline. We answer a
    // retriable storage error and log it; the operator must look at the disk.
    services.logger.error({ err, topic: topicName, partition: request.index }, 'append failed');
    return partitionError(request.index, ErrorCode.KAFKA_STORAGE_ERROR, 'append failed on the broker');
  }
  return {
    index: request.index,
    errorCode: ErrorCode.NONE,
    baseOffset,
    logAppendTimeMs: -1n,
    logStartOffset: partition.log.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}

function partitionError(index: number, errorCode: number, errorMessage: string | null): ProduceResponsePartition {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}
