/**
 * The layer the edges' flow dots live in: one element in flow coordinates,
 * rendered where xyflow puts edge labels (above the edges, under the nodes),
 * handed to every edge through a context.
 */
import { createContext, useContext, type ReactNode } from "react";
import { EdgeLabelRenderer } from "@xyflow/react";

const DotLayerContext = createContext<HTMLElement | null>(null);

export function DotLayerProvider({ layer, children }: { layer: HTMLElement | null; children: ReactNode }) {
  return <DotLayerContext.Provider value={layer}>{children}</DotLayerContext.Provider>;
}

/** The dot layer, or null until it is mounted. */
export function useDotLayer(): HTMLElement | null {
  return useContext(DotLayerContext);
}

/** Render inside <ReactFlow>; `onLayer` receives the element once mounted. */
export function DotLayer({ onLayer }: { onLayer: (el: HTMLDivElement | null) => void }) {
  return (
    <EdgeLabelRenderer>
      <div className="dot-layer" data-testid="dot-layer" ref={onLayer} />
    </EdgeLabelRenderer>
  );
}
