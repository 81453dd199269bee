import { Kafka, logLevel, type Consumer } from 'kafkajs';

/** A running kafkajs group consumer and what it has seen. */
export interface GroupConsumer {
  readonly name: string;
  readonly consumer: Consumer;
  /** The partitions of the last assignment this member received. */
  assigned(): number[];
  /** How many times it (re)joined. */
  joins(): number;
  /** Millisecond time of the last join. */
  lastJoinAt(): number;
  stop(): Promise<void>;
}

/** One consumed record: which consumer got it, where it was, and its value. */
export interface Delivery {
  consumer: string;
  partition: number;
  offset: bigint;
  value: string;
}

/** A kafkajs client with short timeouts so rebalances in tests take seconds, not minutes. */
export function testKafka(bootstrap: string, clientId: string): Kafka {
  // SLUICE_TEST_CLIENT_LOG=1 shows kafkajs's own log when a test needs explaining.
  const level = process.env.SLUICE_TEST_CLIENT_LOG === 'debug' ? logLevel.DEBUG : process.env.SLUICE_TEST_CLIENT_LOG ? logLevel.INFO : logLevel.NOTHING;
  return new Kafka({ clientId, brokers: bootstrap.split(','), logLevel: level, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
}

/**
 * Starts a kafkajs consumer in `groupId` on `topic`, appending every record it processes to
 * `sink`. Offsets are committed after every record, so what was processed is what is committed.
 */
export async function startGroupConsumer(kafka: Kafka, options: { groupId: string; topic: string; name: string; sink: Delivery[]; fromBeginning?: boolean }): Promise<GroupConsumer> {
  const consumer = kafka.consumer({
    groupId: options.groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 300,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  let assigned: number[] = [];
  let joins = 0;
  let lastJoinAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assigned = [...(event.payload.memberAssignment[options.topic] ?? [])].sort((a, b) => a - b);
    joins += 1;
    lastJoinAt = Date.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommitThreshold: 1,
    eachMessage: async ({ partition, message }) => {
      options.sink.push({ consumer: options.name, partition, offset: BigInt(message.offset), value: message.value?.toString() ?? '' });
    },
  });
  return {
    name: options.name,
    consumer,
    assigned: () => assigned,
    joins: () => joins,
    lastJoinAt: () => lastJoinAt,
    stop: () => consumer.disconnect(),
  };
}

/** Whether the members' last assignments are disjoint, each non-empty, and together cover partitions 0..count-1. */
export function coversExactly(members: readonly GroupConsumer[], count: number): boolean {
  const all = members.flatMap((m) => m.assigned());
  if (members.some((m) => m.assigned().length === 0)) return false;
  return all.length === count && new Set(all).size === count && all.every((p) => p >= 0 && p < count);
}

/** How many times each value was delivered. */
export function deliveryCounts(sink: readonly Delivery[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of sink) counts.set(d.value, (counts.get(d.value) ?? 0) + 1);
  return counts;
}
