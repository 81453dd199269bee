import type { PartitionLog } from '@sluice/storage';
import type { PartitionMetadata } from '../metadata/cluster-metadata.js';

type AppendListener = () => void;

/**
 * One partition replica hosted by this broker: its log, and its leadership as the metadata log
 * last said. Until replication exists the high watermark is the log end offset, which is only
 * right for partitions whose ISR is this broker alone.
 * Invariant: logStartOffset <= highWatermark <= logEndOffset.
 */
export class Partition {
  private readonly appendListeners = new Set<AppendListener>();
  private state: PartitionMetadata;

  constructor(
    readonly topicName: string,
    readonly topicId: string,
    readonly index: number,
    readonly log: PartitionLog,
    state: PartitionMetadata,
    private readonly nodeId: number,
  ) {
    this.state = state;
  }

  /** Takes the leadership and ISR from newer metadata. */
  update(state: PartitionMetadata): void {
    this.state = state;
  }

  get leaderEpoch(): number {
    return this.state.leaderEpoch;
  }

  get isLeader(): boolean {
    return this.state.leader === this.nodeId;
  }

  get highWatermark(): bigint {
    return this.log.logEndOffset;
  }

  /** Appends validated batches and wakes fetches waiting on this partition. */
  append(batches: Buffer): { baseOffset: bigint; lastOffset: bigint } {
    const result = this.log.append(batches, { leaderEpoch: this.state.leaderEpoch });
    for (const listener of [...this.appendListeners]) listener();
    return result;
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: AppendListener): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }
}
