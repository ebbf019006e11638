/**
 * Canvas nodes and edges from the store: nodes carry only their id (each
 * node component selects its own data), edges come from the edge signature.
 * Default positions lay the pipeline out left to right — producers, topics,
 * brokers, consumer groups — until the user drags things elsewhere.
 */
import type { Edge, Node, XYPosition } from "@xyflow/react";
import { edgeIds, nodeIds } from "./graph-ids";

export type BrokerNodeType = Node<{ brokerId: number }, "broker">;
export type ProducerNodeType = Node<{ producerId: string }, "producer">;
export type TopicNodeType = Node<{ topic: string }, "topic">;
export type GroupNodeType = Node<{ groupId: string }, "consumerGroup">;
export type PipelineNode = BrokerNodeType | ProducerNodeType | TopicNodeType | GroupNodeType;
export type FlowEdgeType = Edge<{ kind: "produce" | "lead" | "consume" }, "flow">;

export interface GraphIds {
  producerIds: string[];
  topicNames: string[];
  brokerIds: number[];
  groupIds: string[];
  /** Replicas per broker, to size broker nodes for the default layout. */
  replicaCounts: Record<number, number>;
}

const COLUMN = { producer: 0, topic: 280 };
const BROKER_WIDTH = 250;
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
  stack(ids.groupIds, brokerX + brokerColumns * (BROKER_WIDTH + 40) + 40, 130, nodeIds.group);
  return out;
}

export function buildNodes(ids: GraphIds, positions: Map<string, XYPosition>, previous: readonly PipelineNode[]): PipelineNode[] {
  const kept = new Map(previous.map((n) => [n.id, n]));
  const defaults = defaultPositions(ids);
  const place = (id: string): XYPosition => kept.get(id)?.position ?? positions.get(id) ?? defaults.get(id) ?? { x: 0, y: 0 };
  const common = (id: string) => ({ id, position: place(id), selected: kept.get(id)?.selected ?? false, ...(kept.get(id)?.measured ? { measured: kept.get(id)!.measured } : {}) });
  return [
    ...ids.producerIds.map((producerId): ProducerNodeType => ({ ...common(nodeIds.producer(producerId)), type: "producer", data: { producerId } })),
    ...ids.topicNames.map((topic): TopicNodeType => ({ ...common(nodeIds.topic(topic)), type: "topic", data: { topic } })),
    ...ids.brokerIds.map((brokerId): BrokerNodeType => ({ ...common(nodeIds.broker(brokerId)), type: "broker", data: { brokerId } })),
    ...ids.groupIds.map((groupId): GroupNodeType => ({ ...common(nodeIds.group(groupId)), type: "consumerGroup", data: { groupId } })),
  ];
}

export function buildEdges(signature: string): FlowEdgeType[] {
  if (!signature) return [];
  return signature.split("\n").map((line): FlowEdgeType => {
    const [kind, a, b] = line.split(" ") as ["produce" | "lead" | "consume", string, string];
    if (kind === "produce") return { id: edgeIds.produce(a, b), source: nodeIds.producer(a), target: nodeIds.topic(b), type: "flow", data: { kind } };
    if (kind === "lead") return { id: edgeIds.lead(a, Number(b)), source: nodeIds.topic(a), target: nodeIds.broker(Number(b)), type: "flow", data: { kind } };
    return { id: edgeIds.consume(Number(a), b), source: nodeIds.broker(Number(a)), target: nodeIds.group(b), type: "flow", data: { kind } };
  });
}
