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

export class Simulator {
  private heap: Entry[] = [];
  private seq = 0;
  private nowMs = 0;
  /** Events fired so far (cancelled ones are not counted). */
  eventsFired = 0;

  get now(): number {
    return this.nowMs;
  }

  get pending(): number {
    return this.heap.length;
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
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap.length > 0 ? this.heap[0]!.at : Infinity;
  }

  /** Fire the next event; false when there is none. */
  step(): boolean {
    while (this.heap.length > 0) {
      const entry = this.pop();
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
    return false;
  }

  /**
   * Fire every event due at or before `untilMs`, then set the clock to it.
   * (step()'s body is inlined here for performance: this is the hottest loop.)
   */
  run(untilMs: number): void {
    const heap = this.heap;
    while (heap.length > 0) {
      const head = heap[0]!;
      if (head.at > untilMs) break;
      this.pop();
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
    const heap = this.heap;
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

  private pop(): Entry {
    const heap = this.heap;
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
