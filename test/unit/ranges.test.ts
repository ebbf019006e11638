import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RangeCounter, RangeSet, type Run } from "../../shared/metrics/ranges";

const N = 64; // positions used by the model-based properties

/** Runs must be sorted, disjoint, non-empty, positive, and maximal (touching runs differ in count). */
function checkInvariants(runs: Run[]): void {
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i]!;
    expect(r.end).toBeGreaterThan(r.start);
    expect(r.count).toBeGreaterThan(0);
    if (i > 0) {
      const p = runs[i - 1]!;
      expect(r.start).toBeGreaterThanOrEqual(p.end);
      if (r.start === p.end) expect(r.count).not.toBe(p.count);
    }
  }
}

const op = fc
  .tuple(fc.nat(N), fc.nat(12), fc.integer({ min: 1, max: 3 }))
  .map(([start, len, times]) => ({ start, end: Math.min(N, start + len), times }));

describe("RangeCounter", () => {
  it("counts overlapping adds", () => {
    const c = new RangeCounter();
    c.add(0, 10);
    c.add(5, 15, 2);
    expect([...c.runs()]).toEqual([
      { start: 0, end: 5, count: 1 },
      { start: 5, end: 10, count: 3 },
      { start: 10, end: 15, count: 2 },
    ]);
    expect(c.countAt(4)).toBe(1);
    expect(c.countAt(5)).toBe(3);
    expect(c.countAt(14)).toBe(2);
    expect(c.countAt(15)).toBe(0);
    expect(c.total()).toBe(5 + 15 + 10);
    expect(c.covered()).toBe(15);
    expect(c.extraCopies()).toBe(10 + 5);
    expect(c.positionsWithCountAtLeast(2)).toBe(10);
    expect(c.positionsWithCountAtLeast(3)).toBe(5);
    expect(c.positionsWithCountAtLeast(4)).toBe(0);
  });

  it("merges in-order appends into one run and fills gaps back into one run", () => {
    const c = new RangeCounter();
    for (let i = 0; i < 1000; i++) c.add(i * 10, i * 10 + 10);
    expect(c.runCount).toBe(1);
    const g = new RangeCounter();
    g.add(0, 10);
    g.add(20, 30);
    expect(g.runCount).toBe(2);
    g.add(10, 20); // closes the gap: equal counts on both seams merge
    expect([...g.runs()]).toEqual([{ start: 0, end: 30, count: 1 }]);
  });

  it("counts covered positions inside a window", () => {
    const c = new RangeCounter();
    c.add(0, 5);
    c.add(10, 20, 2);
    expect(c.coveredIn(3, 12)).toBe(2 + 2);
    expect(c.coveredIn(5, 10)).toBe(0);
    expect(c.coveredIn(0, 100)).toBe(15);
  });

  it("rejects bad ranges", () => {
    const c = new RangeCounter();
    expect(() => c.add(5, 4)).toThrow(RangeError);
    expect(() => c.add(0.5, 4)).toThrow(RangeError);
    expect(() => c.add(-1, 4)).toThrow(RangeError);
    expect(() => c.add(0, 4, -1)).toThrow(RangeError);
  });

  it("keeps one run per in-order append when counts alternate (no merging)", () => {
    const c = new RangeCounter();
    // Alternating counts defeat merging, so this really appends 1e5 runs.
    for (let i = 0; i < 100_000; i++) c.add(i * 3, i * 3 + 3, 1 + (i & 1));
    expect(c.runCount).toBe(100_000);
    expect(c.total()).toBe(100_000 * 3 * 1.5);
  });

  it("matches a per-position model for random adds", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.nat(N), fc.nat(N), (ops, w1, w2) => {
        const c = new RangeCounter();
        const model = new Array<number>(N).fill(0);
        for (const { start, end, times } of ops) {
          c.add(start, end, times);
          for (let p = start; p < end; p++) model[p]! += times;
        }
        const runs = [...c.runs()];
        checkInvariants(runs);
        for (let p = 0; p < N; p++) expect(c.countAt(p)).toBe(model[p]);
        expect(c.total()).toBe(model.reduce((a, b) => a + b, 0));
        expect(c.covered()).toBe(model.filter((x) => x >= 1).length);
        expect(c.extraCopies()).toBe(model.reduce((a, x) => a + Math.max(0, x - 1), 0));
        for (const k of [2, 3, 5]) expect(c.positionsWithCountAtLeast(k)).toBe(model.filter((x) => x >= k).length);
        const [a, b] = [Math.min(w1, w2), Math.max(w1, w2)];
        expect(c.coveredIn(a, b)).toBe(model.slice(a, b).filter((x) => x >= 1).length);
      }),
    );
  });
});

describe("RangeSet", () => {
  it("unions overlapping and touching ranges and counts once", () => {
    const s = new RangeSet();
    s.add(0, 10);
    s.add(0, 10); // a retried ack
    s.add(20, 30);
    expect(s.size()).toBe(20);
    s.add(10, 20);
    expect([...s.runs()]).toEqual([{ start: 0, end: 30, count: 1 }]);
    expect(s.has(29)).toBe(true);
    expect(s.has(30)).toBe(false);
  });

  it("minus counts positions not covered by a counter", () => {
    const s = new RangeSet();
    s.add(0, 100);
    const c = new RangeCounter();
    c.add(10, 20);
    c.add(15, 30, 2); // adjacent runs with different counts still cover
    c.add(90, 200);
    expect(s.minus(c)).toBe(100 - 20 - 10);
    expect([...s.minusRuns(c)].map((r) => [r.start, r.end])).toEqual([
      [0, 10],
      [30, 90],
    ]);
  });

  it("matches a per-position model, including minus", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.array(op, { maxLength: 30 }), (mine, theirs) => {
        const s = new RangeSet();
        const o = new RangeSet();
        const oc = new RangeCounter();
        const inS = new Array<boolean>(N).fill(false);
        const inO = new Array<boolean>(N).fill(false);
        for (const { start, end } of mine) {
          s.add(start, end);
          for (let p = start; p < end; p++) inS[p] = true;
        }
        for (const { start, end, times } of theirs) {
          o.add(start, end);
          oc.add(start, end, times);
          for (let p = start; p < end; p++) inO[p] = true;
        }
        const runs = [...s.runs()];
        for (let i = 1; i < runs.length; i++) expect(runs[i]!.start).toBeGreaterThan(runs[i - 1]!.end);
        for (let p = 0; p < N; p++) expect(s.has(p)).toBe(inS[p]);
        expect(s.size()).toBe(inS.filter(Boolean).length);
        const expected = inS.filter((x, p) => x && !inO[p]).length;
        expect(s.minus(o)).toBe(expected);
        expect(s.minus(oc)).toBe(expected);
      }),
    );
  });
});
