/**
 * Per-position facts kept per range (DESIGN §3: "per-message facts are kept
 * per range, so millions of messages cost thousands of events").
 *
 * Positions are integer message sequence numbers in [0, 2^53). Both classes
 * store sorted, disjoint, half-open runs [start, end) in parallel number
 * arrays (no per-run objects: a run costs three doubles, and V8 keeps these
 * arrays unboxed). Sequences arrive mostly in order, so an add at or past the
 * current end is an O(1) amortised push or extension; anything else is a
 * binary search plus a splice of the few runs it touches.
 */

export interface Run {
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

/** Anything whose covered positions can be walked in ascending order. */
export interface Coverage {
  runs(): Iterable<Run>;
}

function checkRange(start: number, end: number): void {
  // Integers only: a fractional position would silently split runs forever.
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`bad range [${start}, ${end})`);
  }
}

/** First index i in [lo, hi) with a[i] > x (a is ascending); hi if none. */
function upperBound(a: readonly number[], x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Replace a[lo, hi) by items; splice's spread is fine for the small cases we expect. */
function replace(a: number[], lo: number, hi: number, items: number[]): void {
  if (items.length < 4096) a.splice(lo, hi - lo, ...items);
  else {
    // Avoid spreading a huge argument list (stack limit) when one add spans many runs.
    const tail = a.slice(hi);
    a.length = lo;
    for (const x of items) a.push(x);
    for (const x of tail) a.push(x);
  }
}

/** Counts per position, e.g. "how many times was message n delivered". */
export class RangeCounter implements Coverage {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly counts: number[] = [];
  // Maintained on every add so the report's totals are O(1).
  private sum = 0;
  private cov = 0;

  /** Increment every position in [start, end) by `times` (a positive integer; 0 is a no-op). */
  add(start: number, end: number, times = 1): void {
    checkRange(start, end);
    if (!Number.isSafeInteger(times) || times < 0) throw new RangeError(`bad times ${times}`);
    if (start === end || times === 0) return;
    this.sum += times * (end - start);
    const n = this.starts.length;
    if (n === 0 || start >= this.ends[n - 1]!) {
      // Hot path: in-order append; extend the last run when it touches and counts match.
      this.cov += end - start;
      if (n > 0 && start === this.ends[n - 1] && this.counts[n - 1] === times) this.ends[n - 1] = end;
      else {
        this.starts.push(start);
        this.ends.push(end);
        this.counts.push(times);
      }
      return;
    }
    this.addSlow(start, end, times);
  }

  private addSlow(start: number, end: number, times: number): void {
    const { starts, ends, counts } = this;
    // Runs i..j-1 overlap [start, end): the first with end > start, up to the first with start >= end.
    let lo = upperBound(ends, start, 0, ends.length);
    let hi = upperBound(starts, end - 1, lo, starts.length);
    const s: number[] = [];
    const e: number[] = [];
    const c: number[] = [];
    const push = (a: number, b: number, k: number): void => {
      const m = s.length;
      if (m > 0 && e[m - 1] === a && c[m - 1] === k) e[m - 1] = b;
      else {
        s.push(a);
        e.push(b);
        c.push(k);
      }
    };
    // Pull in a touching left neighbour so equal counts can merge across the seam.
    if (lo > 0 && ends[lo - 1] === start) lo--;
    let pos = start;
    for (let r = lo; r < hi; r++) {
      const rs = starts[r]!;
      const re = ends[r]!;
      const rc = counts[r]!;
      if (re <= start) {
        push(rs, re, rc); // the touching left neighbour, unchanged
        continue;
      }
      if (rs < start) push(rs, start, rc); // left remainder of a straddling run
      const a = Math.max(rs, start);
      const b = Math.min(re, end);
      if (pos < a) {
        push(pos, a, times); // a gap inside [start, end) becomes newly covered
        this.cov += a - pos;
      }
      push(a, b, rc + times);
      pos = b;
      if (re > end) push(end, re, rc); // right remainder of a straddling run
    }
    if (pos < end) {
      push(pos, end, times);
      this.cov += end - pos;
    }
    // And a touching right neighbour.
    if (hi < starts.length && starts[hi] === end) {
      push(starts[hi]!, ends[hi]!, counts[hi]!);
      hi++;
    }
    replace(starts, lo, hi, s);
    replace(ends, lo, hi, e);
    replace(counts, lo, hi, c);
  }

  countAt(pos: number): number {
    const i = upperBound(this.starts, pos, 0, this.starts.length) - 1;
    return i >= 0 && pos < this.ends[i]! ? this.counts[i]! : 0;
  }

  /** Number of positions in [start, end) with count >= 1. */
  coveredIn(start: number, end: number): number {
    let n = 0;
    for (let i = upperBound(this.ends, start, 0, this.ends.length); i < this.starts.length; i++) {
      const a = Math.max(this.starts[i]!, start);
      const b = Math.min(this.ends[i]!, end);
      if (a >= end) break;
      if (b > a) n += b - a;
    }
    return n;
  }

  *runs(): IterableIterator<Run> {
    for (let i = 0; i < this.starts.length; i++) {
      yield { start: this.starts[i]!, end: this.ends[i]!, count: this.counts[i]! };
    }
  }

  get runCount(): number {
    return this.starts.length;
  }

  /** Sum of count * length over all runs. */
  total(): number {
    return this.sum;
  }

  /** Positions with count >= 1. */
  covered(): number {
    return this.cov;
  }

  /** Sum over positions of max(0, count - 1): the duplicates. */
  extraCopies(): number {
    return this.sum - this.cov;
  }

  positionsWithCountAtLeast(k: number): number {
    if (k <= 1) return k <= 0 ? Infinity : this.cov;
    let n = 0;
    for (let i = 0; i < this.starts.length; i++) if (this.counts[i]! >= k) n += this.ends[i]! - this.starts[i]!;
    return n;
  }
}

/** A set of positions, e.g. "acknowledged". Adding a covered position again is a no-op. */
export class RangeSet implements Coverage {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private n = 0;

  add(start: number, end: number): void {
    checkRange(start, end);
    if (start === end) return;
    const { starts, ends } = this;
    const k = starts.length;
    if (k === 0 || start > ends[k - 1]!) {
      starts.push(start);
      ends.push(end);
      this.n += end - start;
      return;
    }
    if (start >= starts[k - 1]!) {
      // Touches or overlaps only the last run (e.g. a retried ack of the newest batch): extend it.
      const old = ends[k - 1]!;
      if (end > old) {
        ends[k - 1] = end;
        this.n += end - old;
      }
      return;
    }
    // Union with every run that overlaps or touches [start, end): they collapse into one.
    const lo = upperBound(ends, start - 1, 0, k); // first run with end >= start
    const hi = upperBound(starts, end, lo, k); // first run with start > end
    let a = start;
    let b = end;
    let removed = 0;
    if (lo < hi) {
      a = Math.min(a, starts[lo]!);
      b = Math.max(b, ends[hi - 1]!);
      for (let r = lo; r < hi; r++) removed += ends[r]! - starts[r]!;
    }
    replace(starts, lo, hi, [a]);
    replace(ends, lo, hi, [b]);
    this.n += b - a - removed;
  }

  has(pos: number): boolean {
    const i = upperBound(this.starts, pos, 0, this.starts.length) - 1;
    return i >= 0 && pos < this.ends[i]!;
  }

  size(): number {
    return this.n;
  }

  *runs(): IterableIterator<Run> {
    for (let i = 0; i < this.starts.length; i++) yield { start: this.starts[i]!, end: this.ends[i]!, count: 1 };
  }

  /** The runs of this set not covered (count >= 1) by `other`, ascending; one linear merge. */
  *minusRuns(other: Coverage): IterableIterator<Run> {
    const it = other.runs()[Symbol.iterator]();
    let cur = it.next();
    for (let i = 0; i < this.starts.length; i++) {
      let pos = this.starts[i]!;
      const end = this.ends[i]!;
      while (pos < end) {
        // Skip other's runs that end before pos, and zero-count runs (not coverage).
        while (!cur.done && (cur.value.end <= pos || cur.value.count < 1)) cur = it.next();
        if (cur.done || cur.value.start >= end) {
          yield { start: pos, end, count: 1 };
          break;
        }
        if (cur.value.start > pos) yield { start: pos, end: cur.value.start, count: 1 };
        pos = cur.value.end;
      }
    }
  }

  /** How many positions of this set are not covered by `other`. */
  minus(other: Coverage): number {
    let n = 0;
    for (const r of this.minusRuns(other)) n += r.end - r.start;
    return n;
  }
}
