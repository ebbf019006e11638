/**
 * Module-level selectors for canvas items. Each returns a primitive or an
 * object the store keeps stable, so an item re-renders only when what it
 * shows changes.
 */
import type { AppState } from "../store/app-store";
import { partitionKey } from "../store/session-slice";
import { edgeIds } from "./graph-ids";

export const selectBrokerIds = (s: AppState) => s.brokerIds;
export const selectProducerIds = (s: AppState) => s.producerIds;
export const selectTopicNames = (s: AppState) => s.topicNames;
export const selectGroupIds = (s: AppState) => s.groupIds;
export const selectSinkIds = (s: AppState) => s.sinkIds;
export const selectScenarioName = (s: AppState) => s.frame?.scenarioName ?? null;
export const selectHasFrame = (s: AppState) => s.frame !== null;

/** A replica's look: "L" leader in ISR, "F" follower in ISR, "O" out of ISR, "" none; a string keeps re-renders to real changes. */
export function replicaLook(s: AppState, key: string, broker: number): "leader" | "follower" | "out" | "gone" {
  const p = s.partitionsByKey[key];
  if (!p) return "gone";
  if (!p.isr.includes(broker)) return "out";
  return p.leader === broker ? "leader" : "follower";
}

/**
 * The edges as a string (one line each): recomputed on every frame, but the
 * canvas rebuilds its edge list only when the string changes.
 */
export function edgeSignature(s: AppState): string {
  const frame = s.frame;
  if (!frame) return "";
  const lines: string[] = [];
  for (const p of frame.producers) lines.push(`produce ${p.id} ${p.topic}`);
  for (const t of frame.topics) for (const b of s.leadersByTopic[t.name] ?? []) lines.push(`lead ${t.name} ${b}`);
  for (const g of frame.groups) {
    const brokers = new Set<number>();
    for (const topic of g.topics) for (const b of s.leadersByTopic[topic] ?? []) brokers.add(b);
    for (const b of [...brokers].sort((x, y) => x - y)) lines.push(`consume ${b} ${g.id}`);
  }
  for (const sink of frame.sinks ?? []) if (s.groupsById[sink.from]) lines.push(`sink ${sink.from} ${sink.id}`);
  return lines.join("\n");
}

/** A sink busy this share of the time or more is the pipeline's bottleneck: writes queue up in front of it. */
export const SINK_SATURATED = 0.95;

/** "saturated": a group → sink edge whose sink cannot keep up. */
export type EdgeHealth = "ok" | "down" | "cut" | "slow" | "lossy" | "saturated" | "idle";

/** What the network and the nodes at both ends say about an edge. */
export function edgeHealth(s: AppState, edgeId: string): EdgeHealth {
  const frame = s.frame;
  if (!frame) return "idle";
  if (edgeId.startsWith("sink:")) return sinkEdgeHealth(s, edgeId);
  const ends = edgeEndpoints(s, edgeId);
  if (!ends) return "idle";
  if (ends.down) return "down";
  let health: EdgeHealth = "ok";
  for (const link of frame.links) {
    const a = ends.from.includes(link.from) && ends.to.includes(link.to);
    const b = ends.to.includes(link.from) && ends.from.includes(link.to);
    if (!a && !b) continue;
    if (link.cut) return "cut";
    if (link.lossRate > 0) health = "lossy";
    else if (link.extraLatencyMs > 0 && health === "ok") health = "slow";
  }
  return health;
}

/** A sink is down during an outage (a crash or pause of it). */
export function sinkDown(s: AppState, sinkId: string): boolean {
  return s.sinksById[sinkId]?.up === false;
}

/** A group writes to its sink in-process, not over the network: down with the sink or the group's last member, saturated with the sink. */
function sinkEdgeHealth(s: AppState, edgeId: string): EdgeHealth {
  const sinkId = edgeId.slice(edgeId.indexOf("->") + 2);
  const sink = s.sinksById[sinkId];
  if (!sink) return "idle";
  if (sinkDown(s, sinkId) || !s.frame?.consumers.some((c) => c.group === sink.from && c.up)) return "down";
  return sink.utilisation >= SINK_SATURATED ? "saturated" : "ok";
}

/** The network nodes at each end of a canvas edge (for link faults and health); null for an edge that is no network link (group → sink). */
export function edgeEndpoints(s: AppState, edgeId: string): { from: string[]; to: string[]; down: boolean; label: string } | null {
  const frame = s.frame;
  if (!frame) return null;
  const [kind, rest] = edgeId.split(":", 2) as [string, string];
  const [left, right] = rest.split("->") as [string, string];
  const brokerName = (id: number) => s.brokersById[id]?.name ?? `broker-${id}`;
  const allBrokers = frame.brokers.map((b) => b.name);
  if (kind === "produce") {
    const producer = s.producersById[left];
    return { from: [left], to: allBrokers, down: producer ? !producer.up : false, label: `${left} ↔ the brokers` };
  }
  if (kind === "lead") {
    const broker = Number(right);
    const writers = frame.producers.filter((p) => p.topic === left).map((p) => p.id);
    return { from: writers, to: [brokerName(broker)], down: s.brokersById[broker]?.state !== "up", label: `${writers.join(", ") || "producers"} ↔ ${brokerName(broker)}` };
  }
  if (kind === "consume") {
    const broker = Number(left);
    const members = frame.consumers.filter((c) => c.group === right).map((c) => c.id);
    return { from: [brokerName(broker)], to: members, down: s.brokersById[broker]?.state !== "up", label: `${brokerName(broker)} ↔ ${right}` };
  }
  return null;
}

export const selectPulse = (edgeId: string) => (s: AppState) => s.pulses[edgeId] ?? 0;
export const selectReplicationPulse = (broker: number) => (s: AppState) => s.pulses[edgeIds.replicateInto(broker)] ?? 0;

export { partitionKey };
