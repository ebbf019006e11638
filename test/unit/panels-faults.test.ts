import { describe, expect, it } from "vitest";
import type { FaultView } from "../../shared/engine/frame";
import { faultRects, faultTone, faultWindows, faultsAt } from "../../renderer/src/panels/faults";

const fault = (id: number, kind: string, atMs: number, healedAtMs: number | null): FaultView => ({
  id, kind, targets: ["broker-1"], description: `${kind} of broker-1`, atMs, healedAtMs,
});

describe("panels: fault windows", () => {
  it("runs from the start to the heal, or to now while open; drops future faults", () => {
    const ws = faultWindows([fault(2, "cut", 20_000, null), fault(1, "crash", 5_000, 12_000), fault(3, "pause", 40_000, null)], 30_000);
    expect(ws.map((w) => [w.id, w.startMs, w.endMs, w.open, w.tone])).toEqual([
      [1, 5_000, 12_000, false, "process"],
      [2, 20_000, 30_000, true, "network"],
    ]);
  });

  it("treats a heal after now (scrubbed back) as still open", () => {
    const [w] = faultWindows([fault(1, "crash", 5_000, 25_000)], 10_000);
    expect(w).toMatchObject({ startMs: 5_000, endMs: 10_000, open: true });
  });

  it("finds the faults active at a time", () => {
    const ws = faultWindows([fault(1, "crash", 5_000, 12_000), fault(2, "partition", 10_000, null)], 30_000);
    expect(faultsAt(ws, 11_000).map((w) => w.id)).toEqual([1, 2]);
    expect(faultsAt(ws, 4_000)).toEqual([]);
    expect(faultsAt(ws, 29_000).map((w) => w.id)).toEqual([2]);
  });

  it("classifies network faults", () => {
    expect(["isolate", "partition", "cut", "slow-link", "lossy-link"].map(faultTone)).toEqual(Array(5).fill("network"));
    expect(["crash", "shutdown", "pause", "restart", "power-loss"].map(faultTone)).toEqual(Array(5).fill("process"));
  });

  it("maps windows to pixels, clipped to the plot, with a minimum width", () => {
    const x = (ms: number) => 50 + ms / 100; // 0 ms -> 50 px, 10 s -> 150 px
    const ws = faultWindows([fault(1, "crash", 2_000, 4_000), fault(2, "restart", 6_000, 6_000), fault(3, "cut", -5_000, 1_000)], 8_000);
    const rects = faultRects(ws, x, { left: 50, right: 150 });
    const byId = Object.fromEntries(rects.map((r) => [r.id, r]));
    expect(byId[1]).toMatchObject({ x: 70, width: 20 });
    expect(byId[2]).toMatchObject({ x: 110, width: 2 });
    expect(byId[3]).toMatchObject({ x: 50, width: 10 });
  });

  it("drops windows outside the plot (trailing window)", () => {
    const x = (ms: number) => (ms - 60_000) / 100; // domain starts at 60 s
    const rects = faultRects(faultWindows([fault(1, "crash", 1_000, 2_000), fault(2, "crash", 61_000, null)], 70_000), x, { left: 0, right: 100 });
    expect(rects.map((r) => r.id)).toEqual([2]);
    expect(rects[0]).toMatchObject({ x: 10, width: 90 });
  });

  it("stacks labels of neighbouring windows into lanes", () => {
    const x = (ms: number) => ms / 100;
    const ws = faultWindows([
      fault(1, "crash", 0, 100_000),
      fault(2, "pause", 1_000, 2_000), // 10 px later: label of 1 still there
      fault(3, "cut", 2_000, 3_000),
      fault(4, "crash", 3_000, 4_000), // no lane left with maxLanes 3
      fault(5, "crash", 20_000, 21_000), // far enough: back to lane 0
    ], 100_000);
    const lanes = faultRects(ws, x, { left: 0, right: 1000, charPx: 6, maxLanes: 3 }).map((r) => r.lane);
    expect(lanes).toEqual([0, 1, 2, -1, 0]);
  });

  it("pulls a label near the right edge back inside the plot", () => {
    const x = (ms: number) => ms / 100;
    const [r] = faultRects(faultWindows([fault(1, "partition", 99_000, null)], 100_000), x, { left: 0, right: 1000, charPx: 6 });
    expect(r).toMatchObject({ x: 990, width: 10, labelX: 1000 - 10 * 6, lane: 0 });
  });
});
