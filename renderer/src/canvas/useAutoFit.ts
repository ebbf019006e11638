/**
 * Keep the pipeline in view: fit once per scenario when its nodes have been
 * measured, and again whenever the canvas changes size (panels appear, the
 * window resizes, presentation mode) — until the user pans or zooms.
 */
import { useCallback, useEffect, useRef } from "react";
import { useNodesInitialized, useReactFlow, type Viewport } from "@xyflow/react";

/** Room for the palette (left, when shown) and the fault toolbar (top) around the fitted pipeline. */
const WITH_PALETTE = { padding: { top: "64px", left: "100px", right: "24px", bottom: "16px" }, maxZoom: 1.1, duration: 250 } as const;
const WITHOUT_PALETTE = { padding: { top: "64px", left: "24px", right: "24px", bottom: "16px" }, maxZoom: 1.1, duration: 250 } as const;

export function useAutoFit(scenarioName: string | null, nodeCount: number, paletteShown: boolean) {
  const flow = useReactFlow();
  const measured = useNodesInitialized();
  const options = useRef<typeof WITH_PALETTE | typeof WITHOUT_PALETTE>(WITH_PALETTE);
  options.current = paletteShown ? WITH_PALETTE : WITHOUT_PALETTE;
  const fittedFor = useRef<string | null>(null);
  const userMoved = useRef(false);
  const moveStart = useRef<Viewport | null>(null);
  const containerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!scenarioName) fittedFor.current = null;
    if (!measured || !scenarioName || nodeCount === 0 || fittedFor.current === scenarioName) return;
    fittedFor.current = scenarioName;
    userMoved.current = false;
    void flow.fitView(options.current);
  }, [measured, nodeCount, scenarioName, flow]);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    let timer = 0;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      // after xyflow has measured the nodes at their new size
      timer = window.setTimeout(() => {
        if (!userMoved.current && fittedFor.current) void flow.fitView({ ...options.current, duration: 0 });
      }, 120);
    });
    observer.observe(el);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [flow]);

  const onMoveStart = useCallback((_: unknown, viewport: Viewport) => {
    moveStart.current = viewport;
  }, []);
  // programmatic moves (fitView) come without an input event; a click on the pane starts a "move" that goes nowhere
  const onMoveEnd = useCallback((event: unknown, viewport: Viewport) => {
    const from = moveStart.current;
    if (event && from && (from.x !== viewport.x || from.y !== viewport.y || from.zoom !== viewport.zoom)) userMoved.current = true;
  }, []);

  return { containerRef, onMoveStart, onMoveEnd };
}
