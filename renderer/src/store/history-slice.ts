/**
 * Metrics history for the charts, bounded: points closer than MIN_SPACING_MS
 * of simulated time are skipped, and when the buffer is full every other point
 * is dropped, so a long run keeps its whole span at a coarser grain.
 * Scrubbing back truncates to the new present (the replay is the same run).
 */
import type { StateCreator } from "zustand/vanilla";
import type { MetricsPoint } from "../../../shared/engine/frame";
import type { AppState } from "./app-store";

export const HISTORY_CAPACITY = 2400;
const MIN_SPACING_MS = 100;

export interface HistorySlice {
  history: MetricsPoint[];
  setHistory(points: MetricsPoint[]): void;
}

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set) => ({
  history: [],
  setHistory: (points) => set({ history: decimate(points, HISTORY_CAPACITY) }),
});

export function appendPoint(history: MetricsPoint[], point: MetricsPoint, capacity = HISTORY_CAPACITY): MetricsPoint[] {
  const last = history[history.length - 1];
  if (last && last.tMs === point.tMs && samePoint(last, point)) return history; // paused: nothing new
  const base = last && last.tMs >= point.tMs ? history.filter((p) => p.tMs < point.tMs) : history;
  const n = base.length;
  // the newest point stands for "now" and is replaced until it is far enough from the one before
  const replaceLast = n >= 2 && point.tMs - base[n - 2]!.tMs < MIN_SPACING_MS;
  const next = replaceLast ? base.slice(0, -1).concat(point) : base.concat(point);
  return next.length > capacity ? decimate(next, capacity) : next;
}

/** Keep every other point (and always the last) until under capacity. */
export function decimate(points: MetricsPoint[], capacity: number): MetricsPoint[] {
  let out = points;
  while (out.length > capacity) {
    const last = out[out.length - 1]!;
    out = out.filter((_, i) => i % 2 === 0);
    if (out[out.length - 1] !== last) out.push(last);
  }
  return out;
}

/** Points up to `nowMs` (after a seek back). */
export function truncateHistory(history: MetricsPoint[], nowMs: number): MetricsPoint[] {
  const last = history[history.length - 1];
  if (!last || last.tMs <= nowMs) return history;
  return history.filter((p) => p.tMs <= nowMs);
}

function samePoint(a: MetricsPoint, b: MetricsPoint): boolean {
  for (const key of Object.keys(a) as (keyof MetricsPoint)[]) if (a[key] !== b[key]) return false;
  return true;
}
