/**
 * The pipeline canvas (@xyflow/react): nodes from the store's id lists,
 * edges from its edge signature, drag / zoom / pan / minimap. Drop from the
 * palette to add, draw an edge from a producer or group to a topic to
 * connect them, right-click a broker or an edge for faults.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from "react";
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type Edge,
  type IsValidConnection,
  type Node,
  type NodeChange,
  type Viewport,
  type XYPosition,
} from "@xyflow/react";
import { useActions, useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { connectGroup, connectProducer } from "../scenario/edits";
import { parseNodeId, type NodeRef } from "./graph-ids";
import { buildEdges, buildNodes, type GraphIds, type PipelineNode } from "./graph";
import { loadLayout, pendingPositions, saveLayout } from "./layout-memory";
import { edgeSignature, selectBrokerIds, selectGroupIds, selectProducerIds, selectScenarioName, selectTopicNames } from "./selectors";
import { BrokerNode } from "./nodes/BrokerNode";
import { ProducerNode } from "./nodes/ProducerNode";
import { TopicNode } from "./nodes/TopicNode";
import { GroupNode } from "./nodes/GroupNode";
import { FlowEdge } from "./edges/FlowEdge";
import { Palette, PALETTE_MIME } from "./Palette";
import { FaultToolbar } from "./FaultToolbar";
import { ContextMenu } from "./ContextMenu";
import { EmptyState } from "./EmptyState";
import { useAddNode, type PaletteKind } from "./useAddNode";

/** Room for the palette (left, when shown) and the fault toolbar (top) around the fitted pipeline. */
const FIT_WITH_PALETTE = { padding: { top: "64px", left: "100px", right: "24px", bottom: "16px" }, maxZoom: 1.1, duration: 250 } as const;
const FIT_WITHOUT_PALETTE = { padding: { top: "64px", left: "24px", right: "24px", bottom: "16px" }, maxZoom: 1.1, duration: 250 } as const;

// not "group": xyflow reserves that type for parent nodes
const nodeTypes = { broker: BrokerNode, producer: ProducerNode, topic: TopicNode, consumerGroup: GroupNode };
const edgeTypes = { flow: FlowEdge };

const selectTheme = (s: AppState) => s.theme;
const selectBusy = (s: AppState) => s.busy;
const selectPresentation = (s: AppState) => s.presentation;
const selectSelection = (s: AppState) => s.selection;

export function PipelineCanvas() {
  const store = useAppStore();
  const actions = useActions();
  const flow = useReactFlow();
  const addNode = useAddNode();
  const canControl = useApp(selectCanControl);
  const scenarioName = useApp(selectScenarioName);
  const producerIds = useApp(selectProducerIds);
  const topicNames = useApp(selectTopicNames);
  const brokerIds = useApp(selectBrokerIds);
  const groupIds = useApp(selectGroupIds);
  const signature = useApp(edgeSignature);
  const theme = useApp(selectTheme);
  const busy = useApp(selectBusy);
  const presentation = useApp(selectPresentation);
  const selection = useApp(selectSelection);

  const [nodes, setNodes] = useState<PipelineNode[]>([]);
  const edges = useMemo(() => buildEdges(signature), [signature]);
  const layout = useRef<Map<string, XYPosition>>(new Map());
  const fittedFor = useRef<string | null>(null);

  // reconcile nodes with the id lists: keep positions, place new ones; a different scenario
  // (even one with the same ids) starts from its own saved arrangement
  const layoutFor = useRef<string | null>(null);
  useEffect(() => {
    const fresh = layoutFor.current !== scenarioName;
    if (fresh) {
      layoutFor.current = scenarioName;
      layout.current = scenarioName ? loadLayout(scenarioName) : new Map();
      fittedFor.current = null;
    }
    const replicaCounts: Record<number, number> = {};
    for (const id of brokerIds) replicaCounts[id] = store.getState().replicaKeysByBroker[id]?.length ?? 0;
    const ids: GraphIds = { producerIds, topicNames, brokerIds, groupIds, replicaCounts };
    for (const [id, position] of pendingPositions) layout.current.set(id, position);
    pendingPositions.clear();
    setNodes((previous) => buildNodes(ids, layout.current, fresh ? [] : previous));
  }, [scenarioName, producerIds, topicNames, brokerIds, groupIds, store]);

  // fit the view once per scenario, when its nodes have been measured, and again when the
  // canvas changes size (panels appear, the window resizes) until the user pans or zooms
  const measured = useNodesInitialized();
  const fitOptions = useRef<typeof FIT_WITH_PALETTE | typeof FIT_WITHOUT_PALETTE>(FIT_WITH_PALETTE);
  fitOptions.current = canControl && !presentation ? FIT_WITH_PALETTE : FIT_WITHOUT_PALETTE;
  const userMoved = useRef(false);
  const moveStart = useRef<Viewport | null>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!measured || !scenarioName || nodes.length === 0 || fittedFor.current === scenarioName) return;
    fittedFor.current = scenarioName;
    userMoved.current = false;
    void flow.fitView(fitOptions.current);
  }, [measured, nodes.length, scenarioName, flow]);
  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    let timer = 0;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = window.setTimeout(() => {
        if (!userMoved.current && fittedFor.current) void flow.fitView({ ...fitOptions.current, duration: 0 });
      }, 120);
    });
    observer.observe(el);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [flow]);

  // the store's selection drives xyflow's (e.g. cleared after a delete)
  useEffect(() => {
    setNodes((current) => {
      let changed = false;
      const next = current.map((n) => {
        const selected = selection !== null && n.id === nodeIdFor(selection);
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

  const onPaneClick = useCallback(() => {
    store.getState().select(null);
    store.getState().openContextMenu(null);
  }, [store]);

  const onNodeContextMenu = useCallback(
    (event: ReactMouseEvent, node: Node) => {
      event.preventDefault();
      const ref = parseNodeId(node.id);
      if (ref?.kind !== "broker" || !selectCanControl(store.getState())) {
        store.getState().openContextMenu(null);
        return;
      }
      store.getState().openContextMenu({ x: event.clientX, y: event.clientY, target: { kind: "broker", id: ref.id } });
    },
    [store],
  );

  const onEdgeContextMenu = useCallback(
    (event: ReactMouseEvent, edge: Edge) => {
      event.preventDefault();
      if (!selectCanControl(store.getState())) return;
      store.getState().openContextMenu({ x: event.clientX, y: event.clientY, target: { kind: "edge", edgeId: edge.id } });
    },
    [store],
  );

  const isValidConnection: IsValidConnection = useCallback((c) => connectionPair(c) !== null, []);

  const onConnect = useCallback(
    (connection: Connection) => {
      const pair = connectionPair(connection);
      if (!pair) {
        store.getState().pushToast("info", "Connect a producer or a consumer group to a topic.");
        return;
      }
      void actions.edit((doc) => (pair.client.kind === "producer" ? connectProducer(doc, pair.client.id, pair.topic) : connectGroup(doc, pair.client.id as string, pair.topic)));
    },
    [actions, store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_MIME) as PaletteKind;
      if (!kind) return;
      event.preventDefault();
      void addNode(kind, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [addNode, flow],
  );

  const hasScenario = scenarioName !== null;
  return (
    <div className="canvas" data-testid="canvas" ref={containerRef} onDragOver={onDragOver} onDrop={onDrop}>
      {hasScenario ? (
        <ReactFlow<PipelineNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          connectionMode={ConnectionMode.Loose}
          onPaneClick={onPaneClick}
          onNodeContextMenu={onNodeContextMenu}
          onEdgeContextMenu={onEdgeContextMenu}
          onPaneContextMenu={(e) => e.preventDefault()}
          onMoveStart={(_, viewport) => {
            moveStart.current = viewport;
          }}
          onMoveEnd={(event, viewport) => {
            // programmatic moves (fitView) come without an input event; a click on the pane
            // starts a "move" that goes nowhere
            const from = moveStart.current;
            if (event && from && (from.x !== viewport.x || from.y !== viewport.y || from.zoom !== viewport.zoom)) userMoved.current = true;
          }}
          nodesDraggable
          nodesConnectable={canControl}
          elementsSelectable
          deleteKeyCode={null}
          multiSelectionKeyCode={null}
          selectionKeyCode={null}
          minZoom={0.15}
          maxZoom={2.5}
          colorMode={theme}
          proOptions={{ hideAttribution: true }}
          onlyRenderVisibleElements={brokerIds.length > 12}
        >
          <Background variant={BackgroundVariant.Dots} gap={22} size={1.4} className="canvas-bg" />
          {!presentation && <MiniMap pannable zoomable className="minimap" nodeClassName={(n) => `mini-${n.type ?? "node"}`} maskColor="var(--minimap-mask)" />}
          <Controls showInteractive={false} className="canvas-controls" />
        </ReactFlow>
      ) : (
        <EmptyState />
      )}
      {/* a viewer sees the pipeline, not the tools to change it */}
      {hasScenario && canControl && !presentation && <Palette />}
      {hasScenario && canControl && <FaultToolbar />}
      {busy && (
        <div className="busy-pill" role="status">
          <span className="spinner small" aria-hidden="true" /> {busy}
        </div>
      )}
      <ContextMenu />
    </div>
  );
}

function nodeIdFor(ref: NodeRef): string {
  return `${ref.kind}:${ref.id}`;
}

/** A producer or group on one end and a topic on the other, in either direction. */
function connectionPair(c: Connection | Edge): { client: Extract<NodeRef, { kind: "producer" | "group" }>; topic: string } | null {
  const a = parseNodeId(c.source);
  const b = parseNodeId(c.target);
  if (!a || !b) return null;
  const [topic, client] = a.kind === "topic" ? [a, b] : b.kind === "topic" ? [b, a] : [null, null];
  if (!topic || !client || (client.kind !== "producer" && client.kind !== "group")) return null;
  return { client, topic: topic.id as string };
}
