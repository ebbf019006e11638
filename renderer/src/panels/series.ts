/**
 * Pure helpers behind the time charts: finding the visible slice of the
 * metrics history, downsampling it to the pixel width, and picking a y-scale.
 * No DOM, no React, no d3 — unit-tested in node.
 */

export interface Sample {
  t: number;
  /** null marks a gap (no value in this column, e.g. no latency sample). */
  v: number | null;
}

/** Index of the first point with tMs >= t (points sorted by tMs). */
export function lowerBound(points: readonly { tMs: number }[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.tMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** [start, end) of the points inside [t0, t1], widened by one neighbour each side so lines reach the edges. */
export function visibleRange(points: readonly { tMs: number }[], t0: number, t1: number): [number, number] {
  const start = Math.max(0, lowerBound(points, t0) - 1);
  let after = lowerBound(points, t1);
  while (after < points.length && points[after]!.tMs <= t1) after++;
  const end = Math.min(points.length, after + 1);
  return [start, Math.max(start, end)];
}

/** The point nearest to time t, or -1 when there are none. */
export function nearestIndex(points: readonly { tMs: number }[], t: number): number {
  if (points.length === 0) return -1;
  const i = lowerBound(points, t);
  if (i <= 0) return 0;
  if (i >= points.length) return points.length - 1;
  return t - points[i - 1]!.tMs <= points[i]!.tMs - t ? i - 1 : i;
}

/**
 * Downsample one series of the visible window to at most two samples per
 * pixel column (its min and max, in time order): at that width the line looks
 * the same as with all the data, spikes included, and a redraw costs the same
 * with 2 000 points or 200 000. Null values are gaps; a column with values and
 * nulls keeps only the values (a sub-pixel gap is invisible anyway).
 */
export function downsample<T extends { tMs: number }>(
  points: readonly T[],
  value: (p: T) => number | null,
  t0: number,
  t1: number,
  columns: number,
): Sample[] {
  const [start, end] = visibleRange(points, t0, t1);
  const out: Sample[] = [];
  const cols = Math.max(1, Math.floor(columns));
  if (end - start <= cols * 2 || !(t1 > t0)) {
    for (let i = start; i < end; i++) out.push({ t: points[i]!.tMs, v: clean(value(points[i]!)) });
    return out;
  }
  const width = (t1 - t0) / cols;
  let col = Number.NaN;
  let minI = -1, maxI = -1, gapAt = -1;
  let minV = 0, maxV = 0;
  const flush = () => {
    if (minI < 0) {
      if (gapAt >= 0) out.push({ t: points[gapAt]!.tMs, v: null });
    } else if (minI === maxI) {
      out.push({ t: points[minI]!.tMs, v: minV });
    } else if (minI < maxI) {
      out.push({ t: points[minI]!.tMs, v: minV }, { t: points[maxI]!.tMs, v: maxV });
    } else {
      out.push({ t: points[maxI]!.tMs, v: maxV }, { t: points[minI]!.tMs, v: minV });
    }
  };
  for (let i = start; i < end; i++) {
    const p = points[i]!;
    const c = Math.floor((p.tMs - t0) / width);
    if (c !== col) {
      if (i > start) flush();
      col = c;
      minI = maxI = gapAt = -1;
    }
    const v = clean(value(p));
    if (v === null) {
      if (gapAt < 0) gapAt = i;
    } else if (minI < 0) {
      minI = maxI = i;
      minV = maxV = v;
    } else if (v < minV) {
      minI = i;
      minV = v;
    } else if (v > maxV) {
      maxI = i;
      maxV = v;
    }
  }
  if (end > start) flush();
  return out;
}

function clean(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

/** Largest value over several sampled series (0 when all empty). */
export function maxOf(series: readonly (readonly Sample[])[]): number {
  let m = 0;
  for (const s of series) for (const p of s) if (p.v !== null && p.v > m) m = p.v;
  return m;
}

/** Smallest strictly positive value over several sampled series (null when none). */
export function minPositiveOf(series: readonly (readonly Sample[])[]): number | null {
  let m = Number.POSITIVE_INFINITY;
  for (const s of series) for (const p of s) if (p.v !== null && p.v > 0 && p.v < m) m = p.v;
  return Number.isFinite(m) ? m : null;
}

/**
 * A log scale when the values span more than `ratio` (a p99 spike during a
 * fault would otherwise flatten p50 into the axis), linear otherwise.
 */
export function chooseScale(series: readonly (readonly Sample[])[], ratio = 50): { kind: "linear" | "log"; min: number; max: number } {
  const max = maxOf(series);
  const minPos = minPositiveOf(series);
  if (minPos !== null && max / minPos > ratio) return { kind: "log", min: minPos, max };
  return { kind: "linear", min: 0, max };
}

/** Round ms up to a multiple of a 1-2-5 step near `fraction` of it (so the domain moves in small jumps, not every frame). */
export function quantizeUp(ms: number, fraction = 0.01): number {
  if (!(ms > 0)) return ms;
  const raw = ms * fraction;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw)!;
  return Math.ceil(ms / step - 1e-9) * step;
}

/**
 * The time domain shown: a trailing window of `windowMs` when given, else the
 * whole run up to now (or to `endMs` / the last point, so after scrubbing back
 * the recorded future stays visible and the "now" line sits inside it). The
 * end is rounded up by about 1 % so the scales — and the paths drawn with
 * them — change a few times a second while playing, not on every frame.
 */
export function timeDomain(nowMs: number, lastPointMs: number | undefined, opts: { windowMs?: number; endMs?: number } = {}): [number, number] {
  if (opts.windowMs && opts.windowMs > 0) {
    const end = Math.max(opts.windowMs, quantizeUp(nowMs, 0.01 * (opts.windowMs / Math.max(nowMs, 1))));
    return [end - opts.windowMs, end];
  }
  return [0, quantizeUp(Math.max(nowMs, lastPointMs ?? 0, opts.endMs ?? 0, 1000))];
}
