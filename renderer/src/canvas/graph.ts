/**
 * Canvas nodes and edges from the store: nodes carry only their id (each
 * node component selects its own data), edges come from the edge signature.
 * Default positions lay the pipeline out left to right — producers, topics,
 * brokers, consumer groups, sinks (each beside the group that writes to
 * it) — until the user drags things elsewhere.
 */
import type { Edge, Node, XYPosition } from "@xyflow/react";
import { edgeIds, nodeIds } from "./graph-ids";

export type BrokerNodeType = Node<{ brokerId: number }, "broker">;
export type ProducerNodeType = Node<{ producerId: string }, "producer">;
export type TopicNodeType = Node<{ topic: string }, "topic">;
export type GroupNodeType = Node<{ groupId: string }, "consumerGroup">;
export type SinkNodeType = Node<{ sinkId: string }, "sink">;
export type PipelineNode = BrokerNodeType | ProducerNodeType | TopicNodeType | GroupNodeType | SinkNodeType;
export type FlowEdgeKind = "produce" | "lead" | "consume" | "sink";
export type FlowEdgeType = Edge<{ kind: FlowEdgeKind }, "flow">;

export interface GraphIds {
  producerIds: string[];
  topicNames: string[];
  brokerIds: number[];
  groupIds: string[];
  sinkIds: string[];
  /** Replicas per broker, to size broker nodes for the default layout. */
  replicaCounts: Record<number, number>;
  /** The group each sink is written by, to place it beside that group. */
  sinkGroups: Record<string, string>;
}

const COLUMN = { producer: 0, topic: 280 };
const BROKER_WIDTH = 250;
const GROUP_WIDTH = 230;
const GROUP_HEIGHT = 130;
const SINK_HEIGHT = 118;
/** From a group's right edge to its sink's left edge. */
const SINK_OFFSET = 60;
const GAP = 28;

/** Estimated heights (px) before the DOM measures them, for spacing the default layout. */
export function brokerHeight(replicas: number): number {
  return 96 + Math.ceil(Math.max(1, replicas) / 8) * 28;
}

export function defaultPositions(ids: GraphIds): Map<string, XYPosition> {
  const out = new Map<string, XYPosition>();
  // brokers in columns of at most 5, so 30 brokers stay on screen
  const perColumn = 5;
  const brokerColumns = Math.max(1, Math.ceil(ids.brokerIds.length / perColumn));
  const brokerX = 570;
  let tallest = 0;
  for (let c = 0; c < brokerColumns; c++) {
    const column = ids.brokerIds.slice(c * perColumn, (c + 1) * perColumn);
    let y = 0;
    for (const id of column) {
      out.set(nodeIds.broker(id), { x: brokerX + c * (BROKER_WIDTH + 40), y });
      y += brokerHeight(ids.replicaCounts[id] ?? 0) + GAP;
    }
    tallest = Math.max(tallest, y - GAP);
  }
  const centre = (count: number, height: number) => Math.max(0, (tallest - (count * (height + GAP) - GAP)) / 2);
  const stack = (names: string[], x: number, height: number, id: (name: string) => string) => {
    let y = centre(names.length, height);
    for (const name of names) {
      out.set(id(name), { x, y });
      y += height + GAP;
    }
  };
  stack(ids.producerIds, COLUMN.producer, 96, nodeIds.producer);
  stack(ids.topicNames, COLUMN.topic, 96, nodeIds.topic);
  const groupX = brokerX + brokerColumns * (BROKER_WIDTH + 40) + 40;
  stack(ids.groupIds, groupX, GROUP_HEIGHT, nodeIds.group);
  placeSinks(ids, out, groupX + GROUP_WIDTH + SINK_OFFSET);
  return out;
}

/** Each sink level with the group writing to it; a sink whose group is not drawn goes below the rest. */
function placeSinks(ids: GraphIds, out: Map<string, XYPosition>, x: number): void {
  let below = 0;
  for (const id of ids.groupIds) below = Math.max(below, (out.get(nodeIds.group(id))?.y ?? 0) + GROUP_HEIGHT + GAP);
  for (const id of ids.sinkIds) {
    const group = out.get(nodeIds.group(ids.sinkGroups[id] ?? ""));
    if (group) out.set(nodeIds.sink(id), { x, y: group.y });
    else {
      out.set(nodeIds.sink(id), { x, y: below });
      below += SINK_HEIGHT + GAP;
    }
  }
}

export function buildNodes(ids: GraphIds, positions: Map<string, XYPosition>, previous: readonly PipelineNode[]): PipelineNode[] {
  const kept = new Map(previous.map((n) => [n.id, n]));
  const defaults = defaultPositions(ids);
  const place = (id: string, beside?: XYPosition): XYPosition => kept.get(id)?.position ?? positions.get(id) ?? beside ?? defaults.get(id) ?? { x: 0, y: 0 };
  const common = (id: string, beside?: XYPosition) => ({ id, position: place(id, beside), selected: kept.get(id)?.selected ?? false, ...(kept.get(id)?.measured ? { measured: kept.get(id)!.measured } : {}) });
  // a sink not placed yet goes beside its group, wherever the user moved the group
  const besideGroup = (sinkId: string): XYPosition | undefined => {
    const groupId = nodeIds.group(ids.sinkGroups[sinkId] ?? "");
    if (!defaults.has(groupId)) return undefined;
    const at = place(groupId);
    return { x: at.x + (kept.get(groupId)?.measured?.width ?? GROUP_WIDTH) + SINK_OFFSET, y: at.y };
  };
  return [
    ...ids.producerIds.map((producerId): ProducerNodeType => ({ ...common(nodeIds.producer(producerId)), type: "producer", data: { producerId } })),
    ...ids.topicNames.map((topic): TopicNodeType => ({ ...common(nodeIds.topic(topic)), type: "topic", data: { topic } })),
    ...ids.brokerIds.map((brokerId): BrokerNodeType => ({ ...common(nodeIds.broker(brokerId)), type: "broker", data: { brokerId } })),
    ...ids.groupIds.map((groupId): GroupNodeType => ({ ...common(nodeIds.group(groupId)), type: "consumerGroup", data: { groupId } })),
    ...ids.sinkIds.map((sinkId): SinkNodeType => ({ ...common(nodeIds.sink(sinkId), besideGroup(sinkId)), type: "sink", data: { sinkId } })),
  ];
}

export function buildEdges(signature: string): FlowEdgeType[] {
  if (!signature) return [];
  return signature.split("\n").map((line): FlowEdgeType => {
    const [kind, a, b] = line.split(" ") as [FlowEdgeKind, string, string];
    if (kind === "produce") return { id: edgeIds.produce(a, b), source: nodeIds.producer(a), target: nodeIds.topic(b), type: "flow", data: { kind } };
    if (kind === "lead") return { id: edgeIds.lead(a, Number(b)), source: nodeIds.topic(a), target: nodeIds.broker(Number(b)), type: "flow", data: { kind } };
    if (kind === "sink") return { id: edgeIds.sink(a, b), source: nodeIds.group(a), target: nodeIds.sink(b), type: "flow", data: { kind } };
    return { id: edgeIds.consume(Number(a), b), source: nodeIds.broker(Number(a)), target: nodeIds.group(b), type: "flow", data: { kind } };
  });
}
