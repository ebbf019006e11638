import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TimeSeries } from "../../shared/metrics/timeseries";

const total = (ts: TimeSeries<"msgs" | "bytes", "lag">, name: "msgs" | "bytes"): number =>
  ts.buckets().reduce((a, b) => a + b.counters[name], 0);

function series(maxBuckets = 512, bucketMs = 100): TimeSeries<"msgs" | "bytes", "lag"> {
  return new TimeSeries({ counters: ["msgs", "bytes"], gauges: ["lag"], maxBuckets, bucketMs });
}

describe("TimeSeries", () => {
  it("adds counters into fixed-width buckets", () => {
    const ts = series();
    ts.add(0, "msgs", 1);
    ts.add(99.9, "msgs", 2);
    ts.add(100, "msgs", 4);
    ts.add(250, "bytes", 10);
    const b = ts.buckets();
    expect(b.map((x) => [x.startMs, x.endMs, x.counters.msgs, x.counters.bytes])).toEqual([
      [0, 100, 3, 0],
      [100, 200, 4, 0],
      [200, 300, 0, 10],
    ]);
    expect(() => ts.add(0, "nope" as "msgs", 1)).toThrow(RangeError);
  });

  it("doubles the bucket width and merges pairs when time runs past the end", () => {
    const ts = series(8);
    ts.add(0, "msgs", 1);
    ts.add(150, "msgs", 2);
    ts.add(250, "msgs", 4);
    ts.add(799, "msgs", 8);
    expect(ts.bucketMs).toBe(100);
    ts.add(800, "msgs", 16); // bucket 8 does not exist: coarsen to 200 ms
    expect(ts.bucketMs).toBe(200);
    expect(ts.buckets().map((x) => x.counters.msgs)).toEqual([3, 4, 0, 8, 16]);
    ts.add(10_000, "msgs", 32); // needs 2 more doublings: 800 ms buckets cover 6400 ms, 1600 ms cover 12800
    expect(ts.bucketMs).toBe(1600);
    expect(ts.buckets().map((x) => x.counters.msgs)).toEqual([31, 0, 0, 0, 0, 0, 32]);
  });

  it("keeps max and last for gauges, across merges", () => {
    const ts = series(4);
    ts.set(10, "lag", 5);
    ts.set(20, "lag", 3);
    ts.set(150, "lag", 2);
    ts.set(250, "lag", 7); // bucket 2 set, bucket 3 never set
    let b = ts.buckets();
    expect(b[0]!.gauges.lag).toEqual({ max: 5, last: 3 });
    expect(b[1]!.gauges.lag).toEqual({ max: 2, last: 2 });
    ts.set(450, "lag", 1); // coarsen to 200 ms
    b = ts.buckets();
    expect(b[0]!.gauges.lag).toEqual({ max: 5, last: 2 });
    expect(b[1]!.gauges.lag).toEqual({ max: 7, last: 7 }); // the unset half does not erase it
    expect(b[2]!.gauges.lag).toEqual({ max: 1, last: 1 });
    expect(series().buckets()).toEqual([]);
    ts.add(700, "msgs", 1);
    expect(ts.buckets()[3]!.gauges.lag).toBeNull();
  });

  it("computes rates over the whole buckets a window overlaps", () => {
    const ts = series();
    for (let t = 0; t < 10_000; t += 100) ts.add(t, "msgs", 100);
    expect(ts.rate("msgs", 0, 10_000)).toBeCloseTo(1000, 9);
    expect(ts.rate("msgs", 50, 150)).toBeCloseTo(1000, 9); // buckets 0 and 1
    ts.add(10_000, "msgs", 500);
    expect(ts.rate("msgs", 10_000, 10_100)).toBeCloseTo(5000, 9);
    expect(ts.rate("msgs", 5_000, 5_000)).toBe(0);
    expect(ts.rate("bytes", 0, 10_000)).toBe(0);
  });

  it("gives approximate latency percentiles per bucket and per window", () => {
    const ts = series();
    ts.recordLatency(10, 1, 99);
    ts.recordLatency(10, 100, 1);
    ts.recordLatency(150, 50, 10);
    const b = ts.buckets();
    expect(Math.abs(b[0]!.p50! - 1) / 1).toBeLessThanOrEqual(1 / 16);
    expect(Math.abs(b[0]!.p99! - 1) / 1).toBeLessThanOrEqual(1 / 16);
    expect(Math.abs(b[1]!.p99! - 50) / 50).toBeLessThanOrEqual(1 / 16);
    // Over both buckets (110 samples: 99 x 1 ms, 10 x 50 ms, 1 x 100 ms) rank 109 is 50 ms.
    expect(Math.abs(ts.p99(0, 200)! - 50) / 50).toBeLessThanOrEqual(1 / 16);
    expect(Math.abs(ts.percentile(100, 0, 200)! - 100) / 100).toBeLessThanOrEqual(1 / 16);
    expect(Math.abs(ts.p99(0, 100)! - 1)).toBeLessThanOrEqual(1 / 16); // bucket 0 alone
    expect(Math.abs(ts.percentile(50, 0, 200)! - 1)).toBeLessThanOrEqual(1 / 16);
    expect(ts.p99(300, 400)).toBeNull();
    ts.add(250, "msgs", 1);
    expect(ts.buckets()[2]!.p99).toBeNull();
  });

  it("approximates any single latency within 1/16", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 3_600_000, noNaN: true }), (ms) => {
        const ts = series();
        ts.recordLatency(0, ms, 3);
        expect(Math.abs(ts.p99(0, 100)! - ms) / ms).toBeLessThanOrEqual(1 / 16 + 1e-12);
      }),
    );
  });

  it("preserves totals and window latency across merges", () => {
    const ev = fc.record({
      t: fc.integer({ min: 0, max: 20_000 }),
      amount: fc.integer({ min: 0, max: 1000 }),
      ms: fc.double({ min: 0, max: 10_000, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(ev, { minLength: 1, maxLength: 60 }), (events) => {
        const small = series(8); // coarsens a lot
        const big = series(1024); // never coarsens on this range
        for (const e of events) {
          for (const ts of [small, big]) {
            ts.add(e.t, "msgs", e.amount);
            ts.recordLatency(e.t, e.ms, 1);
          }
        }
        const sum = events.reduce((a, e) => a + e.amount, 0);
        expect(total(small, "msgs")).toBe(sum);
        expect(small.buckets().length).toBeLessThanOrEqual(8);
        // Same samples, same bins: the whole-run percentile is identical at any resolution.
        expect(small.p99(0, 1e9)).toBe(big.p99(0, 1e9));
        expect(small.percentile(50, 0, 1e9)).toBe(big.percentile(50, 0, 1e9));
      }),
    );
  });

  it("stays bounded over 10 simulated hours", () => {
    const ts = series();
    const tenHours = 10 * 3_600_000;
    let added = 0;
    for (let t = 0; t < tenHours; t += 50) {
      ts.add(t, "msgs", 7);
      ts.recordLatency(t, 5 + (t % 1000) / 100, 7);
      added += 7;
      if (t % 3_600_000 === 0) expect(ts.buckets().length).toBeLessThanOrEqual(512);
    }
    // 512 buckets must span 36e6 ms: 100 * 2^10 = 102400 ms is the first width that does.
    expect(ts.bucketMs).toBe(102_400);
    const b = ts.buckets();
    expect(b.length).toBeLessThanOrEqual(512);
    expect(b[b.length - 1]!.endMs).toBeGreaterThanOrEqual(tenHours);
    expect(total(ts, "msgs")).toBe(added);
    const p99 = ts.p99(0, tenHours)!;
    expect(p99).toBeGreaterThan(14 * (1 - 1 / 16));
    expect(p99).toBeLessThan(15 * (1 + 1 / 16));
  });

  it("rejects non-finite times", () => {
    const ts = series();
    expect(() => ts.add(Infinity, "msgs", 1)).toThrow(RangeError);
    expect(() => ts.recordLatency(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe("lastGauge", () => {
  it("is the last value set in the latest bucket at or before the time, as the buckets show it (also after coarsening)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 60 }),
        fc.integer({ min: 0, max: 60_000 }),
        (sets, atMs) => {
          const ts = new TimeSeries<"msgs", "lag">({ counters: ["msgs"], gauges: ["lag"], maxBuckets: 16, bucketMs: 100 });
          for (const [t, v] of sets.sort((a, b) => a[0] - b[0])) ts.set(t, "lag", v);
          let expected = 0;
          for (const b of ts.buckets()) if (b.startMs <= atMs && b.gauges.lag) expected = b.gauges.lag.last;
          expect(ts.lastGauge("lag", atMs)).toBe(expected);
        },
      ),
    );
  });
});
