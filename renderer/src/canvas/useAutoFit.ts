/**
 * Keep the pipeline in view: fit once per scenario when its nodes have been
 * measured, and again whenever the canvas changes size (panels appear, the
 * window resizes, presentation mode) — until the user pans or zooms.
 */
import { useCallback, useEffect, useRef } from "react";
import { useNodesInitialized, useReactFlow, type FitViewOptions, type Viewport } from "@xyflow/react";

/** Room for the palette (left, when shown), the fault toolbar (top) and the controller quorum (right, when shown) around the fitted pipeline. */
function fitOptions(paletteShown: boolean, quorumShown: boolean): FitViewOptions {
  return { padding: { top: "64px", left: paletteShown ? "100px" : "24px", right: quorumShown ? "220px" : "24px", bottom: "16px" }, maxZoom: 1.1, duration: 250 };
}

export function useAutoFit(scenarioName: string | null, nodeCount: number, paletteShown: boolean, quorumShown = false) {
  const flow = useReactFlow();
  const measured = useNodesInitialized();
  const options = useRef(fitOptions(paletteShown, quorumShown));
  options.current = fitOptions(paletteShown, quorumShown);
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

  // the room around the pipeline changed (the quorum appeared with the first frame, the palette was hidden): fit again
  useEffect(() => {
    if (!userMoved.current && fittedFor.current) void flow.fitView({ ...options.current, duration: 0 });
  }, [paletteShown, quorumShown, flow]);

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
