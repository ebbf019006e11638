/**
 * Exact-enough latency percentiles (DESIGN §3.2: "exact percentiles from HDR
 * histograms; never an average alone").
 *
 * Simulated latencies are float milliseconds; HDR wants integers, so values
 * are stored as integer microseconds (1 µs resolution, 3 significant digits,
 * i.e. at most 0.1% relative error). The pure-JS histogram is used: it is
 * deterministic and needs no WebAssembly, so it runs the same in Node, the
 * renderer and a worker.
 */
import * as hdr from "hdr-histogram-js";

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const US_PER_MS = 1000;
const ONE_HOUR_US = 3_600_000_000;
/**
 * Values below this many µs (65.5 ms) are first counted in a plain array, one
 * slot per µs, and handed to HDR in one pass when the histogram is read:
 * HDR's own bucket arithmetic (pow, log2) per sample was ~8% of a run.
 * Counts add, so the histogram ends up the same as recording each one.
 */
const PENDING_US = 1 << 16;

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export class LatencyHistogram {
  private readonly h: hdr.Histogram = hdr.build({
    // Float64 counts: a long run at millions of msgs/s would overflow Int32 counts.
    bitBucketSize: 64,
    // An hour is the expected ceiling, but a stuck pipeline must still be
    // recorded truthfully rather than throw or clamp, so let HDR grow.
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: ONE_HOUR_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  // Exact max / min / sum alongside HDR: its max is only "highest equivalent
  // value", which could exceed every recorded value and make p99 > max.
  private maxMs = 0;
  private minMs = Infinity;
  private sumMs = 0;
  private n = 0;
  /** Counts per µs below PENDING_US not yet in `h` (allocated on first use). */
  private pending: Float64Array | null = null;
  private pendingAny = false;

  /** Record `count` samples of `ms` milliseconds. */
  record(ms: number, count = 1): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad count ${count}`);
    const us = Math.round(ms * US_PER_MS);
    // A negative or non-finite latency is a bug in the model: surface it.
    if (!(us >= 0) || !Number.isFinite(us)) throw new RangeError(`bad latency ${ms} ms`);
    if (count === 0) return;
    if (us < PENDING_US) {
      (this.pending ??= new Float64Array(PENDING_US))[us]! += count;
      this.pendingAny = true;
    } else this.h.recordValueWithCount(us, count);
    const v = us / US_PER_MS;
    if (v > this.maxMs) this.maxMs = v;
    if (v < this.minMs) this.minMs = v;
    this.sumMs += v * count;
    this.n += count;
  }

  /** Hand the pending counts to HDR (before anything reads it). */
  private flush(): hdr.Histogram {
    if (this.pendingAny) {
      const pending = this.pending!;
      for (let us = 0; us < PENDING_US; us++) {
        if (pending[us]! > 0) {
          this.h.recordValueWithCount(us, pending[us]!);
          pending[us] = 0;
        }
      }
      this.pendingAny = false;
    }
    return this.h;
  }

  /** Fold another histogram's samples into this one (e.g. per-sink into overall). */
  add(other: LatencyHistogram): void {
    if (other.n === 0) return;
    this.flush().add(other.flush());
    this.maxMs = Math.max(this.maxMs, other.maxMs);
    this.minMs = Math.min(this.minMs, other.minMs);
    this.sumMs += other.sumMs;
    this.n += other.n;
  }

  get count(): number {
    return this.n;
  }

  get max(): number {
    return this.maxMs;
  }

  get min(): number {
    return this.n === 0 ? 0 : this.minMs;
  }

  get mean(): number {
    return this.n === 0 ? 0 : this.sumMs / this.n;
  }

  /** Value at percentile p in [0, 100] (99 -> p99), in ms; 0 when empty. */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`bad percentile ${p}`);
    if (this.n === 0) return 0;
    const v = this.flush().getValueAtPercentile(p) / US_PER_MS;
    // HDR answers with the top of the value's bucket; keep it within what was seen.
    return Math.min(Math.max(v, this.minMs), this.maxMs);
  }

  /** The report's latency block (DESIGN §3.3), rounded to 3 decimals (µs). */
  summary(): LatencySummary {
    return {
      p50: round3(this.percentile(50)),
      p95: round3(this.percentile(95)),
      p99: round3(this.percentile(99)),
      max: round3(this.max),
    };
  }

  reset(): void {
    this.h.reset();
    this.pending?.fill(0);
    this.pendingAny = false;
    this.maxMs = 0;
    this.minMs = Infinity;
    this.sumMs = 0;
    this.n = 0;
  }
}
