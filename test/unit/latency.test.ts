import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { LatencyHistogram } from "../../shared/metrics/latency";

describe("LatencyHistogram", () => {
  it("is all zeros when empty", () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.mean).toBe(0);
    expect(h.summary()).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });

  it("gives percentiles of 1..1000 ms within HDR precision", () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms);
    expect(h.count).toBe(1000);
    expect(h.percentile(50)).toBeCloseTo(500, -0.3); // within ~1 ms (0.1%)
    expect(Math.abs(h.percentile(99) - 990) / 990).toBeLessThan(1e-3);
    expect(h.max).toBe(1000);
    expect(h.mean).toBeCloseTo(500.5, 9);
    const s = h.summary();
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
    expect(s.p99).toBeLessThanOrEqual(s.max);
  });

  it("keeps microsecond resolution for small float latencies", () => {
    const h = new LatencyHistogram();
    h.record(1.2344);
    expect(h.summary()).toEqual({ p50: 1.234, p95: 1.234, p99: 1.234, max: 1.234 });
  });

  it("weights by count", () => {
    const h = new LatencyHistogram();
    h.record(5, 99);
    h.record(100, 1);
    expect(h.count).toBe(100);
    expect(Math.abs(h.percentile(99) - 5)).toBeLessThanOrEqual(0.005);
    expect(h.percentile(100)).toBe(100);
    expect(h.mean).toBeCloseTo((5 * 99 + 100) / 100, 9);
  });

  it("records beyond an hour rather than throwing or clamping", () => {
    const h = new LatencyHistogram();
    h.record(2 * 3_600_000);
    expect(h.max).toBe(7_200_000);
    expect(Math.abs(h.percentile(50) - 7_200_000) / 7_200_000).toBeLessThan(1e-3);
  });

  it("rejects negative and non-finite latencies", () => {
    const h = new LatencyHistogram();
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(Number.NaN)).toThrow(RangeError);
    expect(() => h.record(Infinity)).toThrow(RangeError);
  });

  it("merges with add and empties with reset", () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(10, 50);
    b.record(20, 50);
    a.add(b);
    expect(a.count).toBe(100);
    expect(a.max).toBe(20);
    // HDR reports the top of the value's bucket: 10 ms is 10.007 at 3 digits.
    expect(Math.abs(a.percentile(50) - 10)).toBeLessThanOrEqual(0.01);
    expect(a.percentile(51)).toBe(20); // clamped to the exact max
    a.reset();
    expect(a.count).toBe(0);
    expect(a.summary()).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
    a.record(3);
    expect(a.summary().max).toBe(3);
  });

  it("agrees with exact nearest-rank percentiles to 0.1%", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0, 50, 90, 95, 99, 99.9, 100),
        (values, p) => {
          const h = new LatencyHistogram();
          for (const v of values) h.record(v);
          const sorted = values.map((v) => Math.round(v * 1000) / 1000).sort((x, y) => x - y);
          const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
          const exact = sorted[rank - 1]!;
          const got = h.percentile(p);
          // 3 significant digits: within 0.1% (plus 1 µs for values near zero).
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact * 1e-3 + 0.001);
          expect(got).toBeLessThanOrEqual(h.max);
          expect(h.max).toBe(sorted[sorted.length - 1]);
        },
      ),
    );
  });

  it("answers as HDR fed every sample directly, whatever the reads, merges and resets between records", () => {
    // samples below 65.5 ms wait in a per-µs array until the histogram is read; reads may come at any time
    const sample = fc.oneof(fc.double({ min: 0, max: 70, noNaN: true }), fc.double({ min: 0, max: 2_000, noNaN: true }));
    const op = fc.oneof(
      fc.record({ kind: fc.constant("record" as const), ms: sample, count: fc.integer({ min: 1, max: 5 }), into: fc.boolean() }),
      fc.record({ kind: fc.constant("read" as const) }),
      fc.record({ kind: fc.constant("merge" as const) }),
      fc.record({ kind: fc.constant("reset" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 200 }), (ops) => {
        const build = () => hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
        const ours = [new LatencyHistogram(), new LatencyHistogram()];
        const direct = [build(), build()];
        const check = () => {
          if (ours[0]!.count === 0) return;
          for (const p of [0, 5, 10, 25, 40, 50, 60, 75, 90, 95, 99, 99.99, 100]) {
            const want = Math.min(Math.max(direct[0]!.getValueAtPercentile(p) / 1000, ours[0]!.min), ours[0]!.max);
            expect(ours[0]!.percentile(p)).toBe(want);
          }
        };
        for (const o of ops) {
          if (o.kind === "record") {
            const i = o.into ? 0 : 1;
            ours[i]!.record(o.ms, o.count);
            direct[i]!.recordValueWithCount(Math.round(o.ms * 1000), o.count);
          } else if (o.kind === "read") check();
          else if (o.kind === "merge") {
            if (ours[1]!.count === 0) continue;
            ours[0]!.add(ours[1]!);
            direct[0]!.add(direct[1]!);
          } else {
            ours[0]!.reset();
            direct[0]!.reset();
          }
        }
        check();
      }),
    );
  });
});
