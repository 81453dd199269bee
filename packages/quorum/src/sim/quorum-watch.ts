import { PropertyViolation } from './checker.js';

/** What the watch needs to know about one node after an event. */
export interface LeaderView {
  readonly nodeId: number;
  readonly isLeader: boolean;
  readonly epoch: number;
  /** The node's own tick count: a paused process does not age. */
  readonly nowTick: number;
  /** Voters (itself included) that are up, not paused, and on its side of any partition. */
  readonly reachableVoters: readonly number[];
}

/**
 * Quorum invariant 17, second half: a leader that cannot hear from a majority of voters (partitioned
 * away, or they are down or paused) steps down within its check-quorum window. Check quorum
 * counts every voter heard within the window, so a streak restarts whenever the voters reachable
 * since it began add up to a majority; `limitTicks` adds slack for fetches still in flight.
 */
export class CheckQuorumWatch {
  private readonly streaks = new Map<number, { sinceTick: number; heard: Set<number> }>();

  constructor(
    private readonly voterCount: number,
    private readonly limitTicks: number,
  ) {}

  /** Updates the streak of `view.nodeId`; throws `PropertyViolation` past the limit. */
  observe(view: LeaderView): void {
    const majority = Math.floor(this.voterCount / 2) + 1;
    if (!view.isLeader || view.reachableVoters.length >= majority) {
      this.streaks.delete(view.nodeId);
      return;
    }
    let streak = this.streaks.get(view.nodeId);
    if (streak === undefined) {
      streak = { sinceTick: view.nowTick, heard: new Set() };
      this.streaks.set(view.nodeId, streak);
    }
    for (const voter of view.reachableVoters) streak.heard.add(voter);
    if (streak.heard.size >= majority) {
      this.streaks.set(view.nodeId, { sinceTick: view.nowTick, heard: new Set(view.reachableVoters) });
      return;
    }
    if (view.nowTick - streak.sinceTick > this.limitTicks) {
      throw new PropertyViolation(
        `leader ${view.nodeId} of epoch ${view.epoch} still leads ${view.nowTick - streak.sinceTick} ticks after losing its majority`,
      );
    }
  }
}
