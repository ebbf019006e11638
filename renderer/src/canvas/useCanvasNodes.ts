/**
 * The canvas's node list: reconciled with the store's id lists (positions
 * kept, new nodes placed where they were dropped or by the default layout),
 * a different scenario starting from its own saved arrangement, dragged
 * positions remembered, and the store's selection mirrored into xyflow's.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { applyNodeChanges, type NodeChange, type XYPosition } from "@xyflow/react";
import { useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { buildNodes, type GraphIds, type PipelineNode } from "./graph";
import { nodeIdOf, parseNodeId } from "./graph-ids";
import { loadLayout, pendingPositions, saveLayout } from "./layout-memory";
import { selectBrokerIds, selectGroupIds, selectProducerIds, selectSinkIds, selectTopicNames } from "./selectors";

const selectSelection = (s: AppState) => s.selection;

export function useCanvasNodes(scenarioName: string | null) {
  const store = useAppStore();
  const producerIds = useApp(selectProducerIds);
  const topicNames = useApp(selectTopicNames);
  const brokerIds = useApp(selectBrokerIds);
  const groupIds = useApp(selectGroupIds);
  const sinkIds = useApp(selectSinkIds);
  const selection = useApp(selectSelection);
  const [nodes, setNodes] = useState<PipelineNode[]>([]);
  const layout = useRef<Map<string, XYPosition>>(new Map());
  const layoutFor = useRef<string | null>(null);

  // (even a scenario with the same ids as the last one starts from its own arrangement)
  useEffect(() => {
    const fresh = layoutFor.current !== scenarioName;
    if (fresh) {
      layoutFor.current = scenarioName;
      layout.current = scenarioName ? loadLayout(scenarioName) : new Map();
    }
    const state = store.getState();
    const replicaCounts: Record<number, number> = {};
    for (const id of brokerIds) replicaCounts[id] = state.replicaKeysByBroker[id]?.length ?? 0;
    const sinkGroups: Record<string, string> = {};
    for (const id of sinkIds) sinkGroups[id] = state.sinksById[id]?.from ?? "";
    const ids: GraphIds = { producerIds, topicNames, brokerIds, groupIds, sinkIds, replicaCounts, sinkGroups };
    for (const [id, position] of pendingPositions) layout.current.set(id, position);
    pendingPositions.clear();
    setNodes((previous) => buildNodes(ids, layout.current, fresh ? [] : previous));
  }, [scenarioName, producerIds, topicNames, brokerIds, groupIds, sinkIds, store]);

  // the store's selection drives xyflow's (e.g. cleared after a delete)
  useEffect(() => {
    const selectedId = selection ? nodeIdOf(selection) : null;
    setNodes((current) => {
      let changed = false;
      const next = current.map((n) => {
        const selected = n.id === selectedId;
        if (n.selected === selected) return n;
        changed = true;
        return { ...n, selected };
      });
      return changed ? next : current;
    });
  }, [selection]);

  const onNodesChange = useCallback(
    (changes: NodeChange<PipelineNode>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      let moved = false;
      for (const change of changes) {
        if (change.type === "position" && change.position) {
          layout.current.set(change.id, change.position);
          if (change.dragging === false) moved = true;
        }
        if (change.type === "select" && change.selected) store.getState().select(parseNodeId(change.id));
      }
      if (moved && scenarioName) saveLayout(scenarioName, layout.current);
    },
    [store, scenarioName],
  );

  return { nodes, onNodesChange };
}
