/**
 * A pipeline edge: its path coloured by health (cut / slow / lossy links,
 * a node down at one end), a label for link faults, and batches flowing
 * along it as dots, driven by the pulse counter the store keeps per edge.
 */
import { memo, useCallback, useEffect, useRef } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { useApp } from "../../app-context";
import type { AppState } from "../../store/app-store";
import { edgeHealth, selectPulse } from "../selectors";
import type { FlowEdgeType } from "../graph";
import { createFlowDots, type FlowDots } from "./flow-dots";
import { useDotLayer } from "./dot-layer";

const LEG: Record<string, { durationMs: number; delayMs: number; className: string }> = {
  produce: { durationMs: 520, delayMs: 0, className: "dot dot-produce" },
  lead: { durationMs: 520, delayMs: 480, className: "dot dot-produce" },
  consume: { durationMs: 650, delayMs: 0, className: "dot dot-consume" },
  sink: { durationMs: 600, delayMs: 0, className: "dot dot-sink" },
};

const selectLinkLabel = (edgeId: string) => (s: AppState) => {
  const health = edgeHealth(s, edgeId);
  return health;
};

export const FlowEdge = memo(function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const health = useApp(useCallback(selectLinkLabel(id), [id]));
  const pulses = useApp(useCallback(selectPulse(id), [id]));
  const kind = data?.kind ?? "produce";

  const layer = useDotLayer();
  const pathRef = useRef<SVGPathElement>(null);
  const dots = useRef<FlowDots | null>(null);
  const seen = useRef(pulses);

  useEffect(() => {
    if (!layer) return;
    const leg = LEG[kind]!;
    const created = createFlowDots(layer, { ...leg, radius: 3.5, maxAlive: 6 });
    created.setPath(pathRef.current);
    dots.current = created;
    return () => {
      created.destroy();
      dots.current = null;
    };
  }, [kind, layer]);
  useEffect(() => {
    dots.current?.setPath(pathRef.current);
  }, [path]);
  useEffect(() => {
    const fresh = pulses - seen.current;
    seen.current = pulses;
    if (fresh > 0 && health !== "cut" && health !== "down") dots.current?.spawn(Math.min(fresh, 2));
  }, [pulses, health]);

  return (
    <>
      <BaseEdge id={id} path={path} className={`flow-edge flow-${kind} health-${health}${selected ? " is-selected" : ""}`} interactionWidth={18} />
      <path ref={pathRef} d={path} fill="none" stroke="none" />
      {(health === "cut" || health === "slow" || health === "lossy") && (
        <EdgeLabelRenderer>
          <div className={`edge-label edge-label-${health}`} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {health === "cut" ? "✂ cut" : health === "slow" ? "slow" : "lossy"}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
