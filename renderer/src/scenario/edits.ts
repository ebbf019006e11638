/**
 * Structural edits of the working scenario, as pure functions from a
 * document to a new document or a sentence saying why not. The engine
 * validates the result again (schema and cross-references); these catch the
 * common mistakes early with a friendlier sentence.
 */
import type { ConsumerGroupSpec, ProducerSpec, ScenarioInput, TopicSpec } from "../../../shared/scenario/schema";
import { SINK_KIND_NAMES, SINK_KINDS, type SinkKind } from "../../../shared/pipeline/sink";

type Doc = ScenarioInput;
type TopicInput = Doc["topics"] extends (infer T)[] | undefined ? T : never;
type ProducerInput = Doc["producers"] extends (infer T)[] | undefined ? T : never;
type GroupInput = Doc["consumerGroups"] extends (infer T)[] | undefined ? T : never;
export type SinkInput = Doc["sinks"] extends (infer T)[] | undefined ? T : never;
export type { TopicSpec, ProducerSpec, ConsumerGroupSpec };

export type EditResult = Doc | string;

/** The first of `stem-1`, `stem-2`, … not in `taken`. */
export function freshId(stem: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

const topicsOf = (doc: Doc): TopicInput[] => (doc.topics ??= []);
const producersOf = (doc: Doc): ProducerInput[] => (doc.producers ??= []);
const groupsOf = (doc: Doc): GroupInput[] => (doc.consumerGroups ??= []);
const sinksOf = (doc: Doc): SinkInput[] => (doc.sinks ??= []);

export function addBroker(doc: Doc): EditResult {
  if (doc.cluster.brokers >= 1000) return "A cluster has at most 1000 brokers.";
  doc.cluster.brokers += 1;
  return doc;
}

/** A topic of three partitions; `startMs` when it is added to a running pipeline (it is created then). */
export function addTopic(doc: Doc, name = freshId("topic", topicsOf(doc).map((t) => t.name)), startMs?: number): { doc: Doc; name: string } {
  topicsOf(doc).push({ name, partitions: 3, replicationFactor: Math.min(3, doc.cluster.brokers), ...(startMs ? { start: startMs } : {}), config: {} });
  return { doc, name };
}

/** A producer writing to `topic` (or the first topic; a new one when there is none). */
/** A producer with a default workload; `startMs` when it is added to a running pipeline. */
export function addProducer(doc: Doc, topic?: string, startMs?: number): { doc: Doc; id: string } {
  const target = topic ?? topicsOf(doc)[0]?.name ?? addTopic(doc, undefined, startMs).name;
  const id = freshId("producer", producersOf(doc).map((p) => p.id));
  producersOf(doc).push({ id, topic: target, workload: { type: "poisson", rate: 1000 }, keys: { type: "uniform", count: 1000 }, recordBytes: 200, ...(startMs ? { start: startMs } : {}), config: { acks: "all" } });
  return { doc, id };
}

/** A consumer group of two; `startMs` when it is added to a running pipeline. */
export function addGroup(doc: Doc, topic?: string, startMs?: number): { doc: Doc; id: string } {
  const target = topic ?? topicsOf(doc)[0]?.name ?? addTopic(doc, undefined, startMs).name;
  const id = freshId("group", groupsOf(doc).map((g) => g.id));
  groupsOf(doc).push({ id, topics: [target], consumers: 2, ...(startMs ? { start: startMs } : {}), config: { "auto.offset.reset": "earliest" } });
  return { doc, id };
}

/** Point a producer at a topic (a producer writes to one topic). */
export function connectProducer(doc: Doc, producerId: string, topic: string): EditResult {
  const producer = producersOf(doc).find((p) => p.id === producerId);
  if (!producer) return `There is no producer "${producerId}".`;
  if (!topicsOf(doc).some((t) => t.name === topic)) return `There is no topic "${topic}".`;
  if (producer.topic === topic) return `${producerId} already writes to ${topic}.`;
  producer.topic = topic;
  return doc;
}

/** Subscribe a consumer group to one more topic. */
export function connectGroup(doc: Doc, groupId: string, topic: string): EditResult {
  const group = groupsOf(doc).find((g) => g.id === groupId);
  if (!group) return `There is no consumer group "${groupId}".`;
  if (!topicsOf(doc).some((t) => t.name === topic)) return `There is no topic "${topic}".`;
  if (group.topics.includes(topic)) return `${groupId} already reads ${topic}.`;
  group.topics = [...group.topics, topic];
  return doc;
}

export function disconnectGroup(doc: Doc, groupId: string, topic: string): EditResult {
  const group = groupsOf(doc).find((g) => g.id === groupId);
  if (!group) return `There is no consumer group "${groupId}".`;
  if (group.topics.length <= 1) return `${groupId} reads only ${topic}; a group needs at least one topic (delete the group instead).`;
  group.topics = group.topics.filter((t) => t !== topic);
  return doc;
}

/** Faults in the schedule naming `node` (as a target, an end of a link, or in a partition group). */
function dropFaultsNaming(doc: Doc, node: string): void {
  if (!doc.faults) return;
  doc.faults = doc.faults.filter((f) => {
    if ("target" in f && f.target === node) return false;
    if ("from" in f && (f.from === node || f.to === node)) return false;
    if ("groups" in f && f.groups.some((g) => g.includes(node))) return false;
    return true;
  });
}

export function deleteProducer(doc: Doc, id: string): EditResult {
  const before = producersOf(doc).length;
  doc.producers = producersOf(doc).filter((p) => p.id !== id);
  if (doc.producers.length === before) return `There is no producer "${id}".`;
  dropFaultsNaming(doc, id);
  return doc;
}

/** A group goes with the sink it writes to (a sink is written by an existing group). */
export function deleteGroup(doc: Doc, id: string): EditResult {
  const group = groupsOf(doc).find((g) => g.id === id);
  if (!group) return `There is no consumer group "${id}".`;
  doc.consumerGroups = groupsOf(doc).filter((g) => g !== group);
  for (let i = 0; i < group.consumers; i++) dropFaultsNaming(doc, `${id}-${i}`);
  const sink = sinkOfGroup(doc, id);
  return sink ? deleteSink(doc, sink.id) : doc;
}

export function deleteTopic(doc: Doc, name: string): EditResult {
  if (!topicsOf(doc).some((t) => t.name === name)) return `There is no topic "${name}".`;
  const writers = producersOf(doc).filter((p) => p.topic === name).map((p) => p.id);
  if (writers.length > 0) return `${writers.join(", ")} write${writers.length === 1 ? "s" : ""} to ${name}: delete or reconnect ${writers.length === 1 ? "it" : "them"} first.`;
  const onlyReaders = groupsOf(doc).filter((g) => g.topics.length === 1 && g.topics[0] === name).map((g) => g.id);
  if (onlyReaders.length > 0) return `${onlyReaders.join(", ")} read${onlyReaders.length === 1 ? "s" : ""} only ${name}: delete ${onlyReaders.length === 1 ? "it" : "them"} first.`;
  doc.topics = topicsOf(doc).filter((t) => t.name !== name);
  for (const g of groupsOf(doc)) g.topics = g.topics.filter((t) => t !== name);
  if (doc.faults) doc.faults = doc.faults.filter((f) => !("target" in f) || !f.target.startsWith(`leader:${name}/`));
  return doc;
}

/** Brokers are numbered 1..N, so only the newest one can go. */
export function deleteBroker(doc: Doc, id: number): EditResult {
  const n = doc.cluster.brokers;
  if (id !== n) return `Brokers are numbered 1…${n}: only broker-${n} (the newest) can be removed.`;
  if (n <= 1) return "A cluster needs at least one broker.";
  // a topic that gives no replication factor has the brokers' default.replication.factor
  const defaultFactor = Number(doc.cluster.config?.["default.replication.factor"] ?? 1);
  const tooWide = topicsOf(doc).filter((t) => (t.replicationFactor ?? defaultFactor) > n - 1).map((t) => t.name);
  if (tooWide.length > 0) return `${tooWide.join(", ")} ${tooWide.length === 1 ? "has" : "have"} more replicas than ${n - 1} broker${n - 1 === 1 ? "" : "s"} can hold: lower the replication factor first.`;
  const pinned = topicsOf(doc).filter((t) => t.assignment?.some((replicas) => replicas.includes(id))).map((t) => t.name);
  if (pinned.length > 0) return `${pinned.join(", ")} place${pinned.length === 1 ? "s" : ""} replicas on broker-${id} explicitly: change the assignment first.`;
  doc.cluster.brokers = n - 1;
  dropFaultsNaming(doc, `broker-${id}`);
  return doc;
}

/** Set (or, with `undefined`, remove) a Kafka config override in the scenario. */
export function setConfigOverride(doc: Doc, scope: "broker" | "producer" | "consumerGroup" | "topic", id: string, key: string, value: number | boolean | string | undefined): EditResult {
  const map = configMapOf(doc, scope, id);
  if (!map) return `There is no ${scope === "consumerGroup" ? "consumer group" : scope} "${id}".`;
  if (value === undefined) delete map[key];
  else map[key] = value;
  return doc;
}

function configMapOf(doc: Doc, scope: "broker" | "producer" | "consumerGroup" | "topic", id: string): Record<string, number | boolean | string> | null {
  switch (scope) {
    case "broker":
      return (doc.cluster.config ??= {});
    case "producer": {
      const p = producersOf(doc).find((x) => x.id === id);
      return p ? (p.config ??= {}) : null;
    }
    case "consumerGroup": {
      const g = groupsOf(doc).find((x) => x.id === id);
      return g ? (g.config ??= {}) : null;
    }
    case "topic": {
      const t = topicsOf(doc).find((x) => x.name === id);
      return t ? (t.config ??= {}) : null;
    }
  }
}

/** The override a scenario sets for a key, if any. */
export function configOverride(doc: Doc | null, scope: "broker" | "producer" | "consumerGroup" | "topic", id: string, key: string): number | boolean | string | undefined {
  // read without configMapOf, which creates missing maps
  if (!doc) return undefined;
  switch (scope) {
    case "broker":
      return doc.cluster.config?.[key];
    case "producer":
      return doc.producers?.find((p) => p.id === id)?.config?.[key];
    case "consumerGroup":
      return doc.consumerGroups?.find((g) => g.id === id)?.config?.[key];
    case "topic":
      return doc.topics?.find((t) => t.name === id)?.config?.[key];
  }
}

/** Non-config properties the inspector edits at t=0. */
export function setTopicShape(doc: Doc, name: string, shape: { partitions?: number; replicationFactor?: number }): EditResult {
  const topic = topicsOf(doc).find((t) => t.name === name);
  if (!topic) return `There is no topic "${name}".`;
  if (shape.partitions !== undefined) {
    if (!Number.isInteger(shape.partitions) || shape.partitions < 1) return "Partitions: expected a whole number of at least 1.";
    if (topic.assignment && shape.partitions !== topic.partitions) return `${name} has an explicit replica assignment: edit the file to change its partition count.`;
    topic.partitions = shape.partitions;
  }
  if (shape.replicationFactor !== undefined) {
    const rf = shape.replicationFactor;
    if (!Number.isInteger(rf) || rf < 1) return "Replication factor: expected a whole number of at least 1.";
    if (rf > doc.cluster.brokers) return `Replication factor ${rf} needs at least ${rf} brokers; the cluster has ${doc.cluster.brokers}.`;
    if (topic.assignment) return `${name} has an explicit replica assignment: edit the file to change its replication factor.`;
    topic.replicationFactor = rf;
  }
  return doc;
}

export function setProducerRate(doc: Doc, id: string, rate: number): EditResult {
  const producer = producersOf(doc).find((p) => p.id === id);
  if (!producer) return `There is no producer "${id}".`;
  if (!Number.isFinite(rate) || rate < 0) return "Rate: expected a number of messages per second, at least 0.";
  producer.workload = { ...producer.workload, rate } as ProducerInput["workload"];
  return doc;
}

export function setGroupSize(doc: Doc, id: string, consumers: number): EditResult {
  const group = groupsOf(doc).find((g) => g.id === id);
  if (!group) return `There is no consumer group "${id}".`;
  if (!Number.isInteger(consumers) || consumers < 1) return "Consumers: expected a whole number of at least 1.";
  group.consumers = consumers;
  return doc;
}

/** Every name a node of the pipeline goes by: brokers, topics, producers, groups and their members, sinks. */
function nodeNames(doc: Doc): Set<string> {
  const names = new Set<string>();
  for (let b = 1; b <= doc.cluster.brokers; b++) names.add(`broker-${b}`);
  for (const t of doc.topics ?? []) names.add(t.name);
  for (const p of doc.producers ?? []) names.add(p.id);
  for (const g of doc.consumerGroups ?? []) {
    names.add(g.id);
    for (let m = 0; m < g.consumers; m++) names.add(`${g.id}-${m}`);
  }
  for (const s of doc.sinks ?? []) names.add(s.id);
  return names;
}

/** `sink`, then `sink-2`, `sink-3`, … : the first no node of the pipeline is called. */
function freshSinkId(doc: Doc): string {
  const taken = nodeNames(doc);
  if (!taken.has("sink")) return "sink";
  for (let i = 2; ; i++) if (!taken.has(`sink-${i}`)) return `sink-${i}`;
}

/** The sink a group writes to, if any. */
export function sinkOfGroup(doc: Doc | null, groupId: string): SinkInput | undefined {
  return doc?.sinks?.find((s) => s.from === groupId);
}

/**
 * A sink written by `from` when that group has none yet, else by the first
 * group without one. Its figures are left to the kind's defaults.
 */
export function addSink(doc: Doc, from?: string, kind: SinkKind = "dashboard", start?: number): { doc: Doc; id: string } | string {
  const groups = doc.consumerGroups ?? [];
  if (groups.length === 0) return "A sink is written by a consumer group: add a group first.";
  const free = (g: GroupInput) => !sinkOfGroup(doc, g.id);
  const writer = groups.find((g) => g.id === from && free(g)) ?? groups.find(free);
  if (!writer) return "Every consumer group already writes to a sink (a group writes to one): add a group first.";
  const id = freshSinkId(doc);
  sinksOf(doc).push(start === undefined ? { id, kind, from: writer.id } : { id, kind, from: writer.id, start });
  return { doc, id };
}

/** A sink goes with the outages scheduled for it. */
export function deleteSink(doc: Doc, id: string): EditResult {
  const before = sinksOf(doc).length;
  doc.sinks = sinksOf(doc).filter((s) => s.id !== id);
  if (doc.sinks.length === before) return `There is no sink "${id}".`;
  dropFaultsNaming(doc, id);
  return doc;
}

/** What the inspector changes on a sink; a figure set to null goes back to the kind's default. */
export interface SinkChange {
  kind?: SinkKind;
  from?: string;
  writeLatencyMs?: number | null;
  recordsPerSec?: number | null;
}

/** Checked whole before anything changes: a refused change leaves the document as it was. */
export function updateSink(doc: Doc, id: string, change: SinkChange): EditResult {
  const sink = sinksOf(doc).find((s) => s.id === id);
  if (!sink) return `There is no sink "${id}".`;
  if (change.kind !== undefined && !SINK_KIND_NAMES.includes(change.kind)) return `Kind: expected one of ${SINK_KIND_NAMES.join(", ")}, got "${String(change.kind)}".`;
  if (change.from !== undefined && change.from !== sink.from) {
    if (!groupsOf(doc).some((g) => g.id === change.from)) return `There is no consumer group "${change.from}".`;
    const other = sinkOfGroup(doc, change.from);
    if (other) return `${change.from} already writes to ${other.id}; a group writes to one sink.`;
  }
  const latencyProblem = change.writeLatencyMs === undefined ? null : sinkFigureProblem("writeLatencyMs", change.writeLatencyMs);
  if (latencyProblem) return `Write latency: ${latencyProblem}.`;
  const capacityProblem = change.recordsPerSec === undefined ? null : sinkFigureProblem("recordsPerSec", change.recordsPerSec);
  if (capacityProblem) return `Capacity: ${capacityProblem}.`;

  if (change.kind !== undefined) sink.kind = change.kind;
  if (change.from !== undefined) sink.from = change.from;
  for (const figure of ["writeLatencyMs", "recordsPerSec"] as const) {
    const value = change[figure];
    if (value === null) delete sink[figure];
    else if (value !== undefined) sink[figure] = value;
  }
  return doc;
}

export type SinkFigure = "writeLatencyMs" | "recordsPerSec";

/** Null when the value is acceptable (null: the kind's default), else why not, as the schema has it. */
export function sinkFigureProblem(figure: SinkFigure, value: number | null): string | null {
  if (value === null) return null;
  if (!Number.isFinite(value)) return `expected a number, got ${String(value)}`;
  if (figure === "writeLatencyMs") return value < 0 ? `expected at least 0 ms, got ${value}` : null;
  return value <= 0 ? `expected more than 0 records per second, got ${value}` : null;
}

/** A sink's figure as the engine runs it: the scenario's, or its kind's default. */
export function sinkFigure(sink: SinkInput, figure: SinkFigure): number {
  return sink[figure] ?? SINK_KINDS[sink.kind ?? "dashboard"][figure];
}
