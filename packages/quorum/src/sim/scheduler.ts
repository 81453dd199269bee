/**
 * The simulated clock and event queue: a binary heap ordered by (time, insertion order), so
 * equal times run in the order they were scheduled and a run replays exactly from its seed.
 */
export class Scheduler<E> {
  private readonly heap: Array<{ time: number; seq: number; event: E }> = [];
  private seq = 0;
  /** The current simulated time in milliseconds. Invariant: never decreases. */
  now = 0;

  /** Queues `event` at `time` (not before now). */
  at(time: number, event: E): void {
    const item = { time: Math.max(time, this.now), seq: this.seq++, event };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Queues `event` `delay` milliseconds from now. */
  after(delay: number, event: E): void {
    this.at(this.now + delay, event);
  }

  /** Takes the next event and moves the clock to it, or returns null when none is left. */
  next(): E | null {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return null;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    this.now = top.time;
    return top.event;
  }
}

function before(a: { time: number; seq: number }, b: { time: number; seq: number }): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
