/**
 * How many records a producer's application hands to send() in a time
 * window. `constant` is exact (fractional records carry over); the other
 * shapes are Poisson processes whose rate follows the shape over time.
 */
import type { Rng } from "../kernel/rng";
import type { WorkloadSpec } from "../scenario/schema";

/** Records per second at simulated time `t` (ms). */
export function rateAt(spec: WorkloadSpec, t: number): number {
  switch (spec.type) {
    case "constant":
    case "poisson":
      return spec.rate;
    case "bursts":
      return t % spec.every < spec.for ? spec.burstRate : spec.rate;
    case "spikes":
      return spec.at.some((start) => t >= start && t < start + spec.for) ? spec.spikeRate : spec.rate;
    case "diurnal":
      return Math.max(0, spec.rate * (1 + spec.amplitude * Math.sin((2 * Math.PI * t) / spec.period)));
  }
}

export class Arrivals {
  private carry = 0;
  /** Multiplier applied by load-spike commands (1 = as specified). */
  factor = 1;

  constructor(
    private readonly spec: WorkloadSpec,
    private readonly rng: Rng,
  ) {}

  /** Records arriving in [from, to). */
  count(from: number, to: number): number {
    const mean = (rateAt(this.spec, (from + to) / 2) * this.factor * (to - from)) / 1000;
    if (this.spec.type === "constant") {
      const exact = mean + this.carry;
      const n = Math.floor(exact);
      this.carry = exact - n;
      return n;
    }
    return this.rng.poisson(mean);
  }
}

/** Key names and their weights for a key distribution (keys are "sensor-<i>"). */
export function keyWeights(spec: { type: string; count?: number; exponent?: number; hotShare?: number }): { names: string[]; weights: number[] } | null {
  if (spec.type === "none" || !spec.count) return null;
  const names: string[] = [];
  const weights: number[] = [];
  for (let i = 0; i < spec.count; i++) {
    names.push(`sensor-${i}`);
    if (spec.type === "zipf") weights.push(1 / Math.pow(i + 1, spec.exponent ?? 1));
    // with one key, that key is the hot one and every record has it, whatever hotShare says
    else if (spec.type === "hot") weights.push(spec.count === 1 ? 1 : i === 0 ? (spec.hotShare ?? 0) * spec.count : (1 - (spec.hotShare ?? 0)) * (spec.count / (spec.count - 1)));
    else weights.push(1);
  }
  return { names, weights };
}
