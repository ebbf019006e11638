/**
 * Paces an engine to a wall clock: at speed s, one wall second advances s
 * simulated seconds. The clock is passed in (performance.now in the app, a
 * fake one in tests), so this stays pure. The caller calls tick() from its
 * frame loop; the engine catches up to where the clock says it should be,
 * never more than `maxStepMs` of simulated time per tick so a stalled frame
 * cannot make the next one freeze.
 */
export interface Runnable {
  readonly now: number;
  runUntil(ms: number): void;
}

export class Pacer {
  private anchorWall = 0;
  private anchorSim = 0;
  private running = false;

  constructor(
    private readonly engine: Runnable,
    private readonly clock: () => number,
    private speedFactor = 1,
    private readonly maxStepMs = 5000,
  ) {}

  get speed(): number {
    return this.speedFactor;
  }

  get playing(): boolean {
    return this.running;
  }

  play(): void {
    if (this.running) return;
    this.running = true;
    this.reanchor();
  }

  pause(): void {
    this.running = false;
  }

  /** Change speed without a jump: the new rate counts from now. */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.speedFactor = speed;
    this.reanchor();
  }

  /** Advance the engine to where the clock says it should be; returns the simulated time. */
  tick(): number {
    if (!this.running) return this.engine.now;
    const target = this.anchorSim + (this.clock() - this.anchorWall) * this.speedFactor;
    const bounded = Math.min(target, this.engine.now + this.maxStepMs);
    if (bounded > this.engine.now) this.engine.runUntil(bounded);
    // fell behind (the step was capped): re-anchor so we do not try to catch up forever
    if (bounded < target) this.reanchor();
    return this.engine.now;
  }

  private reanchor(): void {
    this.anchorWall = this.clock();
    this.anchorSim = this.engine.now;
  }
}
