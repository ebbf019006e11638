import { describe, expect, it } from "vitest";
import type { MetricsPoint } from "../../shared/engine/frame";
import { CSV_COLUMNS, toCsv } from "../../renderer/src/panels/csv";

const point = (tMs: number, over: Partial<MetricsPoint> = {}): MetricsPoint => ({
  tMs, produceMsgsPerSec: 1000, consumeMsgsPerSec: 990, sinkMsgsPerSec: 985, p50: 4.5, p95: 12, p99: 30.25,
  lag: 17, underReplicated: 0, underMinIsr: 0, offline: 0, isrTotal: 18, ...over,
});

describe("panels: CSV export", () => {
  it("writes a header row and one row per point, nulls as empty cells", () => {
    const csv = toCsv([point(500), point(1000, { p50: null, p95: null, p99: null, underReplicated: 6, isrTotal: 12 })]);
    expect(csv).toBe(
      "tMs,produceMsgsPerSec,consumeMsgsPerSec,sinkMsgsPerSec,p50,p95,p99,lag,underReplicated,underMinIsr,offline,isrTotal\n" +
        "500,1000,990,985,4.5,12,30.25,17,0,0,0,18\n" +
        "1000,1000,990,985,,,,17,6,0,0,12\n",
    );
  });

  it("has a column for every metrics field", () => {
    expect([...CSV_COLUMNS].sort()).toEqual(Object.keys(point(0)).sort());
  });

  it("is just the header for an empty history", () => {
    expect(toCsv([])).toBe(CSV_COLUMNS.join(",") + "\n");
  });
});
