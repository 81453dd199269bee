/**
 * Bounds on what one request may propose (STYLE.md §1.5). Kafka's controller caps one
 * CreateTopics or CreatePartitions request at 10,000 new partitions (MAX_PARTITIONS_PER_BATCH)
 * and answers POLICY_VIOLATION for every topic of a request over it; we do the same, and bound
 * config changes per request the same way.
 */
export const PARTITIONS_PER_REQUEST_MAX = 10_000;

/** The most config keys one IncrementalAlterConfigs request may change. */
export const CONFIGS_PER_REQUEST_MAX = 10_000;
