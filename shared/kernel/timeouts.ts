/**
 * Many timeouts of the same length, almost all of which never fire (a
 * long-polling fetch answered by new data, an acks=all produce answered by
 * replication). Instead of a heap entry per timeout — which piles up
 * cancelled entries for the whole timeout length — each length keeps a FIFO
 * (deadlines arrive in order) swept by a single timer.
 */
import type { Simulator } from "./simulator";

/**
 * A waiter a lane can time out: a long-polling fetch is one itself, so
 * parking it allocates no handle or closure.
 */
export interface Expiring {
  readonly deadline: number;
  /** Answered some other way: its deadline no longer matters. */
  readonly done: boolean;
  /** The deadline passed first (called once, only while not done). */
  timedOut(): void;
}

/** A pending timeout; `settle()` it when the waiter is answered some other way. */
export class TimeoutHandle implements Expiring {
  constructor(
    readonly deadline: number,
    public expire: (() => void) | null,
  ) {}

  get done(): boolean {
    return this.expire === null;
  }

  /** Answered: the timeout will not fire, and what it would have run is released now. */
  settle(): void {
    this.expire = null;
  }

  timedOut(): void {
    const expire = this.expire;
    this.expire = null;
    expire?.();
  }
}

interface Lane {
  queue: Expiring[];
  head: number;
  armed: boolean;
}

export class Timeouts {
  private readonly lanes = new Map<number, Lane>();
  private generation = 0;

  /**
   * `run` wraps each expiry (a broker defers it while paused); expiries of an
   * older generation (before clear()) never run.
   */
  constructor(
    private readonly sim: Simulator,
    private readonly run: (fn: () => void) => void = (fn) => fn(),
  ) {}

  /** Call `expire` after `waitMs` unless the handle is settled by then. */
  add(waitMs: number, expire: () => void): TimeoutHandle {
    const handle = new TimeoutHandle(this.sim.now + waitMs, expire);
    this.watch(waitMs, handle);
    return handle;
  }

  /** Call `waiter.timedOut()` at its deadline, which must be now + `waitMs`, unless it is done by then. */
  watch(waitMs: number, waiter: Expiring): void {
    let lane = this.lanes.get(waitMs);
    if (!lane) {
      lane = { queue: [], head: 0, armed: false };
      this.lanes.set(waitMs, lane);
    }
    lane.queue.push(waiter);
    if (!lane.armed) this.arm(lane);
  }

  /** Forget every pending timeout (the owner restarted). */
  clear(): void {
    this.generation++;
    this.lanes.clear();
  }

  private arm(lane: Lane): void {
    while (lane.head < lane.queue.length && lane.queue[lane.head]!.done) lane.head++;
    if (lane.head >= lane.queue.length) {
      lane.queue = [];
      lane.head = 0;
      lane.armed = false;
      return;
    }
    lane.armed = true;
    const generation = this.generation;
    this.sim.at(lane.queue[lane.head]!.deadline, () => {
      if (generation !== this.generation) return;
      this.run(() => {
        const now = this.sim.now;
        while (lane.head < lane.queue.length) {
          const entry = lane.queue[lane.head]!;
          if (!entry.done && entry.deadline > now) break;
          lane.head++;
          if (!entry.done) entry.timedOut();
        }
        if (lane.head > 1024 && lane.head * 2 > lane.queue.length) {
          lane.queue = lane.queue.slice(lane.head);
          lane.head = 0;
        }
        this.arm(lane);
      });
    });
  }
}
