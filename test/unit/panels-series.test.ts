import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chooseScale, downsample, lowerBound, nearestIndex, quantizeUp, timeDomain, visibleRange } from "../../renderer/src/panels/series";

const pts = (values: (number | null)[], stepMs = 500) => values.map((v, i) => ({ tMs: (i + 1) * stepMs, v }));
const val = (p: { v: number | null }) => p.v;

describe("panels: series helpers", () => {
  it("finds points by time", () => {
    const p = pts([1, 2, 3, 4]); // t = 500, 1000, 1500, 2000
    expect(lowerBound(p, 0)).toBe(0);
    expect(lowerBound(p, 1000)).toBe(1);
    expect(lowerBound(p, 1001)).toBe(2);
    expect(lowerBound(p, 9999)).toBe(4);
    expect(nearestIndex(p, 1200)).toBe(1);
    expect(nearestIndex(p, 1300)).toBe(2);
    expect(nearestIndex(p, -5)).toBe(0);
    expect(nearestIndex(p, 1e9)).toBe(3);
    expect(nearestIndex([], 5)).toBe(-1);
    expect(visibleRange(p, 1000, 1500)).toEqual([0, 4]);
    expect(visibleRange(p, 5000, 6000)).toEqual([3, 4]);
  });

  it("keeps every point when they fit the width", () => {
    const p = pts([1, null, 3]);
    expect(downsample(p, val, 0, 2000, 100)).toEqual([
      { t: 500, v: 1 },
      { t: 1000, v: null },
      { t: 1500, v: 3 },
    ]);
  });

  it("reduces to at most two samples per column and keeps the extremes", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50) * 100);
    values[4321] = 5000; // a one-point spike
    values[7777] = -5000;
    const p = pts(values, 10);
    const out = downsample(p, val, 0, 100_010, 200);
    expect(out.length).toBeLessThanOrEqual(200 * 2 + 4);
    expect(out.some((s) => s.v === 5000)).toBe(true);
    expect(out.some((s) => s.v === -5000)).toBe(true);
    for (let i = 1; i < out.length; i++) expect(out[i]!.t).toBeGreaterThan(out[i - 1]!.t);
  });

  it("marks a column with no values as a gap and ignores isolated nulls among values", () => {
    const values: (number | null)[] = Array.from({ length: 1000 }, (_, i) => (i >= 400 && i < 600 ? null : i % 7 === 0 ? null : 1));
    const out = downsample(pts(values, 1), val, 0, 1001, 50);
    const gaps = out.filter((s) => s.v === null);
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(g.t).toBeGreaterThanOrEqual(400);
    for (const g of gaps) expect(g.t).toBeLessThanOrEqual(620);
  });

  it("keeps the min and max of the visible window (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 300 }), (values, cols) => {
        const p = pts(values, 10);
        const out = downsample(p, val, 0, values.length * 10 + 10, cols);
        const vs = out.map((s) => s.v!);
        expect(Math.max(...vs)).toBe(Math.max(...values));
        expect(Math.min(...vs)).toBe(Math.min(...values));
        expect(out.length).toBeLessThanOrEqual(Math.max(values.length, cols * 2 + 4));
      }),
    );
  });

  it("switches latency to a log scale only when the values span widely", () => {
    const s = (vs: number[]) => [vs.map((v, i) => ({ t: i, v }))];
    expect(chooseScale(s([5, 8, 12])).kind).toBe("linear");
    expect(chooseScale(s([2, 8, 3000]))).toEqual({ kind: "log", min: 2, max: 3000 });
    expect(chooseScale(s([0, 0]))).toEqual({ kind: "linear", min: 0, max: 0 });
  });

  it("shows the whole run, or a trailing window", () => {
    expect(timeDomain(0, undefined)).toEqual([0, 1000]);
    expect(timeDomain(30_000, 29_500)).toEqual([0, 30_000]);
    expect(timeDomain(10_000, 60_000)).toEqual([0, 60_000]); // scrubbed back: recorded future stays
    expect(timeDomain(10_000, 10_000, { endMs: 120_000 })).toEqual([0, 120_000]);
    expect(timeDomain(90_000, 90_000, { windowMs: 60_000 })).toEqual([30_000, 90_000]);
    expect(timeDomain(20_000, 20_000, { windowMs: 60_000 })).toEqual([0, 60_000]);
  });

  it("moves the domain end in small steps, not every frame", () => {
    expect(timeDomain(55_001, 55_000)).toEqual([0, 56_000]);
    expect(timeDomain(55_016, 55_000)).toEqual(timeDomain(55_900, 55_500));
    expect(timeDomain(90_100, 90_000, { windowMs: 60_000 })).toEqual([31_000, 91_000]);
    expect(quantizeUp(123_456)).toBe(124_000);
    expect(quantizeUp(1_000)).toBe(1_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (ms) => {
        const q = quantizeUp(ms);
        expect(q).toBeGreaterThanOrEqual(ms);
        expect(q).toBeLessThanOrEqual(ms * 1.025 + 1e-6);
      }),
    );
  });
});
