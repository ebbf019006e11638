/**
 * Where the user put each node, per scenario, kept in localStorage so a
 * lesson opens the way the teacher arranged it last time. Also where a node
 * dropped from the palette should appear once the engine has created it.
 */
import type { XYPosition } from "@xyflow/react";

const KEY = "tributary.layout.";

export function loadLayout(scenario: string): Map<string, XYPosition> {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY + scenario) ?? "{}") as Record<string, XYPosition>;
    return new Map(Object.entries(saved).filter(([, p]) => Number.isFinite(p?.x) && Number.isFinite(p?.y)));
  } catch {
    return new Map();
  }
}

export function saveLayout(scenario: string, positions: Map<string, XYPosition>): void {
  try {
    localStorage.setItem(KEY + scenario, JSON.stringify(Object.fromEntries(positions)));
  } catch {
    /* storage unavailable: the layout lasts this session */
  }
}

export function forgetLayout(scenario: string): void {
  try {
    localStorage.removeItem(KEY + scenario);
  } catch {
    /* nothing to forget */
  }
}

/** Drop positions waiting for the node the engine is about to create. */
export const pendingPositions = new Map<string, XYPosition>();
