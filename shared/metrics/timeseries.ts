/**
 * Bounded-memory time series for charts and recovery detection (DESIGN §3.2:
 * throughput per stage, "back within a band of the pre-fault level").
 *
 * A run may last ten simulated hours or ten seconds, and the app keeps a
 * series per stage, so memory must not grow with time: the series has a
 * fixed number of buckets, and when time runs past the last one it doubles
 * the bucket width and merges neighbouring pairs. Totals are preserved
 * exactly; only resolution is lost, oldest and newest alike.
 *
 * Latency per bucket is a coarse log-linear histogram (8 sub-buckets per
 * power of two, ~6% error), allocated only for buckets that get samples.
 * The exact overall percentiles come from LatencyHistogram.
 */

export interface TimeSeriesOptions<C extends string, G extends string> {
  counters: readonly C[];
  gauges?: readonly G[];
  /** Initial bucket width; it doubles as needed. Default 100 ms. */
  bucketMs?: number;
  /** Number of buckets, never exceeded. Default 512. */
  maxBuckets?: number;
}

export interface Bucket<C extends string, G extends string> {
  startMs: number;
  endMs: number;
  counters: Record<C, number>;
  /** Highest and last value set in the bucket; null when never set. */
  gauges: Record<G, { max: number; last: number } | null>;
  /** Approximate latency percentiles in ms; null when the bucket has no samples. */
  p50: number | null;
  p99: number | null;
}

// Latency bins: bin 0 holds everything below LAT_MIN_MS, then SUB bins per octave.
const LAT_MIN_MS = 0.01;
const SUB = 8;
const OCTAVES = 29; // 0.01 ms * 2^29 ≈ 5.4e6 ms ≈ 1.5 h; anything above lands in the last bin
const LAT_BINS = 1 + OCTAVES * SUB;
const U32_MAX = 0xffffffff;

/**
 * A double's bits, to read its binary exponent and leading mantissa bits: for a finite x >= 1,
 * floor(log2(x)) is the exponent field minus 1023 and floor((x / 2^e - 1) * SUB) is the top three
 * mantissa bits, both exact. Math.log2 and the powers of two below cost more than the rest of a
 * sample's bookkeeping.
 */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the word holding the sign, exponent and top mantissa bits (1 on little-endian machines). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

export function latencyBin(ms: number): number {
  if (!(ms >= LAT_MIN_MS)) return 0;
  const x = ms / LAT_MIN_MS;
  if (x < Infinity) {
    bits[0] = x;
    const high = words[HIGH]!;
    const e = ((high >>> 20) & 0x7ff) - 1023;
    const sub = (high >>> 17) & (SUB - 1);
    return Math.min(LAT_BINS - 1, 1 + e * SUB + sub);
  }
  // (not reached by finite latencies: kept as it was)
  let e = Math.floor(Math.log2(x));
  // log2 can be off by one ulp around exact powers of two; correct it.
  if (2 ** e > x) e--;
  else if (2 ** (e + 1) <= x) e++;
  const sub = Math.min(SUB - 1, Math.floor((x / 2 ** e - 1) * SUB));
  return Math.min(LAT_BINS - 1, 1 + e * SUB + sub);
}

/** Midpoint of a bin, in ms: halves the worst-case error compared with either edge. */
function binValue(bin: number): number {
  if (bin === 0) return LAT_MIN_MS / 2;
  const e = Math.floor((bin - 1) / SUB);
  const sub = (bin - 1) % SUB;
  return LAT_MIN_MS * 2 ** e * (1 + (sub + 0.5) / SUB);
}

function binPercentile(bins: Uint32Array, p: number): number | null {
  let total = 0;
  for (let i = 0; i < bins.length; i++) total += bins[i]!;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let acc = 0;
  for (let i = 0; i < bins.length; i++) {
    acc += bins[i]!;
    if (acc >= rank) return binValue(i);
  }
  return binValue(bins.length - 1);
}

export class TimeSeries<C extends string, G extends string = never> {
  private width: number;
  private readonly cap: number;
  private readonly counterIdx = new Map<string, Float64Array>();
  private readonly gaugeMax = new Map<string, Float64Array>();
  private readonly gaugeLast = new Map<string, Float64Array>();
  private readonly lat: (Uint32Array | undefined)[];
  /** One past the highest bucket touched. */
  private used = 0;

  constructor(private readonly opts: TimeSeriesOptions<C, G>) {
    this.width = opts.bucketMs ?? 100;
    this.cap = opts.maxBuckets ?? 512;
    if (!(this.width > 0) || !Number.isInteger(this.cap) || this.cap < 2) throw new RangeError("bad TimeSeries options");
    for (const c of opts.counters) this.counterIdx.set(c, new Float64Array(this.cap));
    for (const g of opts.gauges ?? []) {
      this.gaugeMax.set(g, new Float64Array(this.cap).fill(NaN)); // NaN = never set
      this.gaugeLast.set(g, new Float64Array(this.cap).fill(NaN));
    }
    this.lat = new Array<Uint32Array | undefined>(this.cap).fill(undefined);
  }

  get bucketMs(): number {
    return this.width;
  }

  add(timeMs: number, name: C, amount: number): void {
    const arr = this.counterIdx.get(name);
    if (!arr) throw new RangeError(`unknown counter ${name}`);
    arr[this.slot(timeMs)] += amount;
  }

  set(timeMs: number, name: G, value: number): void {
    const mx = this.gaugeMax.get(name);
    if (!mx) throw new RangeError(`unknown gauge ${name}`);
    const last = this.gaugeLast.get(name)!;
    const i = this.slot(timeMs);
    if (!(mx[i]! >= value)) mx[i] = value; // also replaces NaN
    last[i] = value;
  }

  recordLatency(timeMs: number, ms: number, count = 1): void {
    const i = this.slot(timeMs);
    const bins = (this.lat[i] ??= new Uint32Array(LAT_BINS));
    const b = latencyBin(ms);
    bins[b] = Math.min(U32_MAX, bins[b]! + count); // saturate rather than wrap
  }

  /** Bucket index for a time, coarsening first if it lies past the last bucket. Times before 0 go to bucket 0. */
  private slot(timeMs: number): number {
    if (!Number.isFinite(timeMs)) throw new RangeError(`bad time ${timeMs}`);
    let i = Math.max(0, Math.floor(timeMs / this.width));
    while (i >= this.cap) {
      this.coarsen();
      i = Math.max(0, Math.floor(timeMs / this.width));
    }
    if (i >= this.used) this.used = i + 1;
    return i;
  }

  /** Double the width: bucket k absorbs old buckets 2k and 2k+1. */
  private coarsen(): void {
    const half = Math.ceil(this.cap / 2);
    for (const a of this.counterIdx.values()) {
      for (let k = 0; k < half; k++) a[k] = a[2 * k]! + (2 * k + 1 < this.cap ? a[2 * k + 1]! : 0);
      a.fill(0, half);
    }
    for (const [g, mx] of this.gaugeMax) {
      const last = this.gaugeLast.get(g)!;
      for (let k = 0; k < half; k++) {
        const a = 2 * k;
        const b = a + 1 < this.cap ? a + 1 : a;
        // Math.max would turn a single NaN (unset) into NaN; prefer the set side.
        mx[k] = Number.isNaN(mx[a]!) ? mx[b]! : Number.isNaN(mx[b]!) ? mx[a]! : Math.max(mx[a]!, mx[b]!);
        last[k] = Number.isNaN(last[b]!) ? last[a]! : last[b]!; // the later bucket's last wins
      }
      mx.fill(NaN, half);
      last.fill(NaN, half);
    }
    for (let k = 0; k < half; k++) {
      const a = this.lat[2 * k];
      const b = 2 * k + 1 < this.cap ? this.lat[2 * k + 1] : undefined;
      if (a && b) for (let j = 0; j < LAT_BINS; j++) a[j] = Math.min(U32_MAX, a[j]! + b[j]!);
      this.lat[k] = a ?? b;
    }
    this.lat.fill(undefined, half);
    this.width *= 2;
    this.used = Math.ceil(this.used / 2);
  }

  /** The last value set for gauge `name` in a bucket starting at or before `atMs`; 0 if none. */
  lastGauge(name: G, atMs: number): number {
    const mx = this.gaugeMax.get(name)!;
    const last = this.gaugeLast.get(name)!;
    for (let i = Math.min(this.used - 1, Math.floor(atMs / this.width)); i >= 0; i--) if (!Number.isNaN(mx[i]!)) return last[i]!;
    return 0;
  }

  /** Buckets from time 0 up to the last one touched. */
  buckets(): Bucket<C, G>[] {
    const out: Bucket<C, G>[] = [];
    for (let i = 0; i < this.used; i++) {
      const counters = {} as Record<C, number>;
      for (const c of this.opts.counters) counters[c] = this.counterIdx.get(c)![i]!;
      const gauges = {} as Record<G, { max: number; last: number } | null>;
      for (const g of this.opts.gauges ?? []) {
        const mx = this.gaugeMax.get(g)![i]!;
        gauges[g] = Number.isNaN(mx) ? null : { max: mx, last: this.gaugeLast.get(g)![i]! };
      }
      const bins = this.lat[i];
      out.push({
        startMs: i * this.width,
        endMs: (i + 1) * this.width,
        counters,
        gauges,
        p50: bins ? binPercentile(bins, 50) : null,
        p99: bins ? binPercentile(bins, 99) : null,
      });
    }
    return out;
  }

  /** Whole buckets overlapping [fromMs, toMs), as an index range [lo, hi). */
  private window(fromMs: number, toMs: number): [number, number] {
    const lo = Math.max(0, Math.floor(fromMs / this.width));
    const hi = Math.min(this.cap, Math.ceil(toMs / this.width));
    return [lo, Math.max(lo, hi)];
  }

  /** Per-second rate of a counter over the whole buckets that [fromMs, toMs) overlaps; 0 for an empty window. */
  rate(name: C, fromMs: number, toMs: number): number {
    const arr = this.counterIdx.get(name);
    if (!arr) throw new RangeError(`unknown counter ${name}`);
    const [lo, hi] = this.window(fromMs, toMs);
    if (hi === lo) return 0;
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += arr[i]!;
    return sum / (((hi - lo) * this.width) / 1000);
  }

  /** Approximate latency percentile (ms) merged over the window's buckets; null without samples. */
  percentile(p: number, fromMs: number, toMs: number): number | null {
    const [lo, hi] = this.window(fromMs, toMs);
    const merged = new Uint32Array(LAT_BINS);
    for (let i = lo; i < hi; i++) {
      const b = this.lat[i];
      if (b) for (let j = 0; j < LAT_BINS; j++) merged[j] = Math.min(U32_MAX, merged[j]! + b[j]!);
    }
    return binPercentile(merged, p);
  }

  p99(fromMs: number, toMs: number): number | null {
    return this.percentile(99, fromMs, toMs);
  }
}
