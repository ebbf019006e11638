/**
 * The pipeline canvas (@xyflow/react): nodes from the store's id lists,
 * edges from its edge signature, drag / zoom / pan / minimap. Drop from the
 * palette to add, draw an edge from a producer or group to a topic to
 * connect them, right-click a broker or a network link for faults.
 */
import { useCallback, useMemo, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from "react";
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type IsValidConnection,
  type Node,
} from "@xyflow/react";
import { useActions, useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { connectGroup, connectProducer } from "../scenario/edits";
import { parseNodeId, type NodeRef } from "./graph-ids";
import { buildEdges, type PipelineNode } from "./graph";
import { edgeEndpoints, edgeSignature, selectBrokerIds, selectScenarioName } from "./selectors";
import { BrokerNode } from "./nodes/BrokerNode";
import { ProducerNode } from "./nodes/ProducerNode";
import { TopicNode } from "./nodes/TopicNode";
import { GroupNode } from "./nodes/GroupNode";
import { SinkNode } from "./nodes/SinkNode";
import { FlowEdge } from "./edges/FlowEdge";
import { DotLayer, DotLayerProvider } from "./edges/dot-layer";
import { Palette, PALETTE_MIME } from "./Palette";
import { FaultToolbar } from "./FaultToolbar";
import { ContextMenu } from "./ContextMenu";
import { QuorumOverlay, selectQuorumShown } from "./QuorumOverlay";
import { EmptyState } from "./EmptyState";
import { Toasts } from "../shell/Toasts";
import { useAddNode, type PaletteKind } from "./useAddNode";
import { useCanvasNodes } from "./useCanvasNodes";
import { useAutoFit } from "./useAutoFit";

// not "group": xyflow reserves that type for parent nodes
const nodeTypes = { broker: BrokerNode, producer: ProducerNode, topic: TopicNode, consumerGroup: GroupNode, sink: SinkNode };
const edgeTypes = { flow: FlowEdge };

const selectTheme = (s: AppState) => s.theme;
const selectBusy = (s: AppState) => s.busy;
const selectPresentation = (s: AppState) => s.presentation;

export function PipelineCanvas() {
  const store = useAppStore();
  const actions = useActions();
  const flow = useReactFlow();
  const addNode = useAddNode();
  const canControl = useApp(selectCanControl);
  const scenarioName = useApp(selectScenarioName);
  const brokerIds = useApp(selectBrokerIds);
  const signature = useApp(edgeSignature);
  const theme = useApp(selectTheme);
  const busy = useApp(selectBusy);
  const presentation = useApp(selectPresentation);

  const [dotLayer, setDotLayer] = useState<HTMLDivElement | null>(null);
  const { nodes, onNodesChange } = useCanvasNodes(scenarioName);
  const edges = useMemo(() => buildEdges(signature), [signature]);
  const quorumShown = useApp(selectQuorumShown);
  const fit = useAutoFit(scenarioName, nodes.length, canControl && !presentation, quorumShown);

  const onPaneClick = useCallback(() => {
    store.getState().select(null);
    store.getState().openContextMenu(null);
  }, [store]);

  const onNodeContextMenu = useCallback(
    (event: ReactMouseEvent, node: Node) => {
      event.preventDefault();
      const ref = parseNodeId(node.id);
      if (!selectCanControl(store.getState()) || (ref?.kind !== "broker" && ref?.kind !== "sink" && ref?.kind !== "group" && ref?.kind !== "producer")) {
        store.getState().openContextMenu(null);
        return;
      }
      const target = ref.kind === "broker" ? ({ kind: "broker", id: ref.id } as const) : ({ kind: ref.kind, id: ref.id } as const);
      store.getState().openContextMenu({ x: event.clientX, y: event.clientY, target });
    },
    [store],
  );

  const onEdgeContextMenu = useCallback(
    (event: ReactMouseEvent, edge: Edge) => {
      event.preventDefault();
      // a group writes to its sink in-process: no network link there to break
      if (!selectCanControl(store.getState()) || !edgeEndpoints(store.getState(), edge.id)) return;
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
    <div className="canvas" data-testid="canvas" ref={fit.containerRef} onDragOver={onDragOver} onDrop={onDrop}>
      {hasScenario ? (
        <DotLayerProvider layer={dotLayer}>
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
            onMoveStart={fit.onMoveStart}
            onMoveEnd={fit.onMoveEnd}
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
            <DotLayer onLayer={setDotLayer} />
          </ReactFlow>
        </DotLayerProvider>
      ) : (
        <EmptyState />
      )}
      {/* a viewer sees the pipeline, not the tools to change it */}
      {hasScenario && canControl && !presentation && <Palette />}
      {hasScenario && canControl && <FaultToolbar />}
      {hasScenario && <QuorumOverlay />}
      {busy && (
        <div className="busy-pill" role="status">
          <span className="spinner small" aria-hidden="true" /> {busy}
        </div>
      )}
      <ContextMenu />
      {/* bottom left, beside the zoom controls: the corner a fitted pipeline leaves empty */}
      <Toasts />
    </div>
  );
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
