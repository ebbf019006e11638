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
