import type { PartitionLog } from '@sluice/storage';
import type { TopicInfo } from '../metadata/local-metadata.js';

type AppendListener = () => void;

/**
 * One partition hosted by this broker: its log and the offsets consumers may see.
 * On a single node the leader is this node, the ISR is itself, and the high watermark is the
 * log end offset. Invariant: logStartOffset <= highWatermark <= logEndOffset.
 */
export class Partition {
  private readonly appendListeners = new Set<AppendListener>();

  constructor(
    readonly topic: TopicInfo,
    readonly index: number,
    readonly log: PartitionLog,
    readonly leaderEpoch: number,
  ) {}

  get highWatermark(): bigint {
    return this.log.logEndOffset;
  }

  /** Appends validated batches and wakes fetches waiting on this partition. */
  append(batches: Buffer): { baseOffset: bigint; lastOffset: bigint } {
    const result = this.log.append(batches, { leaderEpoch: this.leaderEpoch });
    for (const listener of [...this.appendListeners]) listener();
    return result;
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: AppendListener): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }
}
