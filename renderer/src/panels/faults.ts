/**
 * Fault windows and their geometry on a time chart: every fault is shaded from
 * its start to its heal (or to now while it lasts), with a small label of its
 * kind stacked in lanes so neighbouring labels do not overlap. Pure.
 */
import type { FaultView } from "../../../shared/engine/frame";

export type FaultTone = "process" | "network";

export interface FaultWindow {
  id: number;
  kind: string;
  tone: FaultTone;
  description: string;
  startMs: number;
  /** healedAtMs, or now while the fault lasts. */
  endMs: number;
  open: boolean;
}

export interface FaultRect extends FaultWindow {
  x: number;
  width: number;
  /** Left edge of the label: the window's left edge, pulled in near the plot's right edge. */
  labelX: number;
  /** Label row, 0 at the top; -1 when there was no room for a label. */
  lane: number;
}

const NETWORK_KINDS = new Set(["isolate", "partition", "cut", "slow-link", "lossy-link"]);

export function faultTone(kind: string): FaultTone {
  return NETWORK_KINDS.has(kind) ? "network" : "process";
}

/** The fault windows as of nowMs, by start time; faults that start after now (seen after scrubbing back) are left out. */
export function faultWindows(faults: readonly FaultView[], nowMs: number): FaultWindow[] {
  return faults
    .filter((f) => f.atMs <= nowMs)
    .map((f) => {
      const open = f.healedAtMs === null || f.healedAtMs > nowMs;
      return {
        id: f.id,
        kind: f.kind,
        tone: faultTone(f.kind),
        description: f.description,
        startMs: f.atMs,
        endMs: open ? nowMs : (f.healedAtMs as number),
        open,
      };
    })
    .sort((a, b) => a.startMs - b.startMs || a.id - b.id);
}

/** The faults active at time t (for the hover tooltip). */
export function faultsAt(windows: readonly FaultWindow[], t: number): FaultWindow[] {
  return windows.filter((w) => w.startMs <= t && t <= w.endMs);
}

export interface RectOptions {
  /** Pixel range of the plot area. */
  left: number;
  right: number;
  /** Narrowest drawn window, so an instant fault (a restart) still shows. */
  minWidth?: number;
  /** Approximate label width per character, px (when no labelWidth is given). */
  charPx?: number;
  /** Measured label width, px. */
  labelWidth?: (kind: string) => number;
  maxLanes?: number;
}

/**
 * Pixel rectangles for the windows under the time→x mapping `x`, clipped to the
 * plot; windows wholly outside it are dropped. Labels sit at each window's left
 * edge (pulled left to stay inside the plot) in the first lane whose previous
 * label has ended.
 */
export function faultRects(windows: readonly FaultWindow[], x: (ms: number) => number, opts: RectOptions): FaultRect[] {
  const { left, right, minWidth = 2, charPx = 6, maxLanes = 3 } = opts;
  const measure = opts.labelWidth ?? ((kind: string) => (kind.length + 1) * charPx);
  const laneEnds: number[] = [];
  const out: FaultRect[] = [];
  for (const w of windows) {
    const x0raw = x(w.startMs);
    const x1raw = x(w.endMs);
    if (x1raw < left || x0raw > right) continue;
    const x0 = Math.min(Math.max(left, x0raw), right - minWidth);
    const x1 = Math.min(right, Math.max(x1raw, x0 + minWidth));
    const labelWidth = measure(w.kind);
    const labelX = Math.max(left, Math.min(x0, right - labelWidth));
    let lane = laneEnds.findIndex((end) => end <= labelX);
    if (lane < 0 && laneEnds.length < maxLanes) lane = laneEnds.length;
    if (lane >= 0) laneEnds[lane] = labelX + labelWidth;
    out.push({ ...w, x: x0, width: Math.max(minWidth, x1 - x0), labelX, lane });
  }
  return out;
}
