/**
 * Capacity as service-time queues: a request waits for one of `servers` to be
 * free, then holds it for its service time. No event is needed to enqueue —
 * the completion time is computed — so a saturated resource costs nothing
 * extra to simulate, and latency rises as utilisation nears 1, as queueing
 * theory says.
 */
export class ServiceQueue {
  private readonly freeAt: Float64Array;
  /** Total busy time handed out, for utilisation. */
  busyMs = 0;

  constructor(readonly servers: number) {
    this.freeAt = new Float64Array(Math.max(1, servers));
  }

  /** Completion time of a job arriving at `now` needing `serviceMs`. */
  serve(now: number, serviceMs: number): number {
    const free = this.freeAt;
    let best = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[best]!) best = i;
    const start = free[best]! > now ? free[best]! : now;
    const done = start + serviceMs;
    free[best] = done;
    this.busyMs += serviceMs;
    return done;
  }

  /**
   * Like serve(), but the server is held at least until `until` as well: a handler thread blocked
   * in a call (a write waiting for the disk) is not free for the next request.
   */
  serveUntil(now: number, serviceMs: number, until: number): number {
    const free = this.freeAt;
    let best = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[best]!) best = i;
    const start = free[best]! > now ? free[best]! : now;
    const done = Math.max(start + serviceMs, until);
    free[best] = done;
    this.busyMs += done - start;
    return done;
  }

  /** The servers slow down (factor > 1) or speed up from `now`: the work they still have takes `factor` times as long. */
  stretch(now: number, factor: number): void {
    const free = this.freeAt;
    for (let i = 0; i < free.length; i++) if (free[i]! > now) free[i] = now + (free[i]! - now) * factor;
  }

  /** How far in the future the least-loaded server is still busy. */
  backlogMs(now: number): number {
    let min = Infinity;
    for (const t of this.freeAt) if (t < min) min = t;
    return min > now ? min - now : 0;
  }

  reset(): void {
    this.freeAt.fill(0);
  }
}

/**
 * One server whose jobs are booked when they become known but may be ready
 * later (a response waiting for the disk): a job takes the first idle gap long
 * enough at or after its ready time, so a response ready now is not queued
 * behind one booked for later, as a NIC would send it. Jobs ready at once
 * queue as in a ServiceQueue of one server.
 */
export class Timeline {
  /** Busy intervals from now on, in order, never touching. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** Total busy time handed out. */
  busyMs = 0;

  /** Book a job of `serviceMs` ready at `readyAt`, at `now`: when it is done. */
  book(now: number, readyAt: number, serviceMs: number): number {
    // a NaN would stay booked for ever and every later job would search past it
    if (!(serviceMs >= 0 && serviceMs < Infinity)) throw new RangeError(`Timeline.book: service time ${serviceMs} ms is not a finite number ≥ 0`);
    if (!(readyAt < Infinity)) throw new RangeError(`Timeline.book: ready time ${readyAt} ms is not a finite number`);
    const starts = this.starts;
    const ends = this.ends;
    this.busyMs += serviceMs;
    const ready = readyAt > now ? readyAt : now;
    // intervals over by now go
    if (ends.length > 0 && ends[0]! <= now) {
      if (ends[ends.length - 1]! <= now) {
        // idle now: the job is the only booking (the arrays keep their storage)
        if (ends.length > 1) starts.length = ends.length = 1;
        starts[0] = ready;
        return (ends[0] = ready + serviceMs);
      } else {
        let over = 1;
        while (ends[over]! <= now) over++;
        starts.splice(0, over);
        ends.splice(0, over);
      }
    }
    const n = ends.length;
    // the usual case: after everything booked (or nothing is)
    if (n === 0 || ends[n - 1]! <= ready) {
      const end = ready + serviceMs;
      if (ends.length > 0 && ends[ends.length - 1] === ready) ends[ends.length - 1] = end;
      else {
        starts.push(ready);
        ends.push(end);
      }
      return end;
    }
    let t = ready;
    let i = 0;
    while (i < ends.length && ends[i]! <= t) i++;
    // the first gap from t on that holds the job
    while (i < starts.length && starts[i]! < t + serviceMs) {
      if (ends[i]! > t) t = ends[i]!;
      i++;
    }
    const end = t + serviceMs;
    if (i > 0 && ends[i - 1] === t) {
      ends[i - 1] = end;
      if (i < starts.length && starts[i] === end) {
        ends[i - 1] = ends[i]!;
        starts.splice(i, 1);
        ends.splice(i, 1);
      }
    } else if (i < starts.length && starts[i] === end) {
      starts[i] = t;
    } else {
      starts.splice(i, 0, t);
      ends.splice(i, 0, end);
    }
    return end;
  }

  /** How long from `now` until the server is idle with nothing booked after. */
  backlogMs(now: number): number {
    const last = this.ends[this.ends.length - 1];
    return last !== undefined && last > now ? last - now : 0;
  }
}
