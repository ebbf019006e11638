/**
 * The discrete-event kernel, shaped like SimPy's core: a heap of
 * (time, priority, seq, event). Time is simulated milliseconds (a float).
 * Ties on time break by priority, then by insertion order (seq), so the same
 * schedule of calls always fires in the same order.
 *
 * An event fires once. An exception thrown by an event is not swallowed: it
 * stops the run loudly, annotated with the simulated time it happened at.
 */

export interface Timer {
  readonly at: number;
  /** Set by cancel(); a cancelled timer is skipped when its time comes. */
  cancelled: boolean;
}

interface Entry extends Timer {
  readonly priority: number;
  readonly seq: number;
  readonly fire: (arg: never) => void;
  /** What `fire` is called with (post()); saves a closure per event on hot paths. */
  readonly arg: unknown;
}

export class SimulationError extends Error {
  constructor(
    readonly atMs: number,
    readonly failure: unknown,
  ) {
    super(`simulation failed at t=${atMs.toFixed(3)} ms: ${failure instanceof Error ? failure.message : String(failure)}`);
    this.name = "SimulationError";
  }
}

function before(a: Entry, b: Entry): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

/**
 * Events more than this far ahead (request timeouts, heartbeats, metadata
 * refreshes, connection set-up timers, many of them cancelled before they
 * come) wait in a second heap, so the heap the next events come from stays
 * small. The two heads are compared on every pop, so the order is exactly
 * that of one heap.
 */
const FAR_MS = 50;

/** A binary min-heap of entries by (time, priority, seq). */
class Heap {
  readonly items: Entry[] = [];

  get length(): number {
    return this.items.length;
  }

  push(entry: Entry): void {
    const heap = this.items;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  pop(): Entry {
    const heap = this.items;
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}

export class Simulator {
  private readonly near = new Heap();
  private readonly far = new Heap();
  private seq = 0;
  private nowMs = 0;
  /** Events fired so far (cancelled ones are not counted). */
  eventsFired = 0;

  get now(): number {
    return this.nowMs;
  }

  get pending(): number {
    return this.near.length + this.far.length;
  }

  /** Fire `fire` after `delayMs` simulated milliseconds (>= 0). */
  schedule(delayMs: number, fire: () => void, priority = 0): Timer {
    return this.at(this.nowMs + (delayMs > 0 ? delayMs : 0), fire, priority);
  }

  /** Fire `fire` at absolute simulated time `atMs` (never in the past). */
  at(atMs: number, fire: () => void, priority = 0): Timer {
    const entry: Entry = { at: atMs < this.nowMs ? this.nowMs : atMs, priority, seq: this.seq++, fire, arg: undefined, cancelled: false };
    this.push(entry);
    return entry;
  }

  /** Call `fire(arg)` at absolute simulated time `atMs`: at() without a closure to allocate. */
  post<T>(atMs: number, fire: (arg: T) => void, arg: T): Timer {
    const entry: Entry = { at: atMs < this.nowMs ? this.nowMs : atMs, priority: 0, seq: this.seq++, fire: fire as (arg: never) => void, arg, cancelled: false };
    this.push(entry);
    return entry;
  }

  cancel(timer: Timer | undefined | null): void {
    if (timer) timer.cancelled = true;
  }

  /** Time of the next live event, or Infinity. */
  peek(): number {
    for (;;) {
      const head = this.head();
      if (!head) return Infinity;
      if (!head.cancelled) return head.at;
      this.pop();
    }
  }

  /** Fire the next event; false when there is none. */
  step(): boolean {
    for (;;) {
      const entry = this.head();
      if (!entry) return false;
      this.pop();
      if (entry.cancelled) continue;
      this.nowMs = entry.at;
      this.eventsFired++;
      try {
        entry.fire(entry.arg as never);
      } catch (error) {
        if (error instanceof SimulationError) throw error;
        throw new SimulationError(this.nowMs, error);
      }
      return true;
    }
  }

  /**
   * Fire every event due at or before `untilMs`, then set the clock to it.
   * (step()'s body is inlined here for performance: this is the hottest loop.)
   */
  run(untilMs: number): void {
    const near = this.near.items;
    const far = this.far.items;
    for (;;) {
      // the earlier of the two heads
      let head: Entry;
      let fromFar: boolean;
      if (near.length > 0) {
        fromFar = far.length > 0 && before(far[0]!, near[0]!);
        head = fromFar ? far[0]! : near[0]!;
      } else if (far.length > 0) {
        fromFar = true;
        head = far[0]!;
      } else break;
      if (head.at > untilMs) break;
      if (fromFar) this.far.pop();
      else this.near.pop();
      if (head.cancelled) continue;
      this.nowMs = head.at;
      this.eventsFired++;
      try {
        head.fire(head.arg as never);
      } catch (error) {
        if (error instanceof SimulationError) throw error;
        throw new SimulationError(this.nowMs, error);
      }
    }
    if (untilMs > this.nowMs && untilMs !== Infinity) this.nowMs = untilMs;
  }

  private push(entry: Entry): void {
    if (entry.at - this.nowMs > FAR_MS) this.far.push(entry);
    else this.near.push(entry);
  }

  /** The earliest entry of the two heaps (cancelled or not), or undefined. */
  private head(): Entry | undefined {
    const near = this.near.items;
    const far = this.far.items;
    if (near.length === 0) return far[0];
    if (far.length === 0) return near[0];
    return before(far[0]!, near[0]!) ? far[0] : near[0];
  }

  /** Remove the entry head() returns. */
  private pop(): Entry {
    const near = this.near.items;
    const far = this.far.items;
    if (near.length === 0 || (far.length > 0 && before(far[0]!, near[0]!))) return this.far.pop();
    return this.near.pop();
  }
}
