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
