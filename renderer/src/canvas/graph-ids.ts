/** Ids of canvas nodes and edges, in one place so the store and the canvas agree. */
export type NodeRef =
  | { kind: "producer"; id: string }
  | { kind: "topic"; id: string }
  | { kind: "broker"; id: number }
  | { kind: "group"; id: string }
  | { kind: "sink"; id: string };

export const nodeIds = {
  producer: (id: string) => `producer:${id}`,
  topic: (name: string) => `topic:${name}`,
  broker: (id: number) => `broker:${id}`,
  group: (id: string) => `group:${id}`,
  sink: (id: string) => `sink:${id}`,
};

export const edgeIds = {
  produce: (producer: string, topic: string) => `produce:${producer}->${topic}`,
  lead: (topic: string, broker: number) => `lead:${topic}->${broker}`,
  consume: (broker: number, group: string) => `consume:${broker}->${group}`,
  /** A consumer group's application writing to its sink (not a network link). */
  sink: (group: string, sink: string) => `sink:${group}->${sink}`,
  /** Not an edge: the follower broker node flashes while it replicates. */
  replicateInto: (broker: number) => `replicate:${broker}`,
};

export function parseNodeId(nodeId: string): NodeRef | null {
  const colon = nodeId.indexOf(":");
  if (colon < 0) return null;
  const kind = nodeId.slice(0, colon);
  const id = nodeId.slice(colon + 1);
  switch (kind) {
    case "producer":
    case "topic":
    case "group":
    case "sink":
      return { kind, id };
    case "broker":
      return Number.isInteger(Number(id)) ? { kind, id: Number(id) } : null;
    default:
      return null;
  }
}

export function nodeIdOf(ref: NodeRef): string {
  switch (ref.kind) {
    case "broker":
      return nodeIds.broker(ref.id);
    case "producer":
      return nodeIds.producer(ref.id);
    case "topic":
      return nodeIds.topic(ref.id);
    case "group":
      return nodeIds.group(ref.id);
    case "sink":
      return nodeIds.sink(ref.id);
  }
}
