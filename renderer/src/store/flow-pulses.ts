/**
 * Batches on the wire → pulses on canvas edges. A frame carries a sample of
 * the messages in flight; each one not seen in the previous frame adds one
 * to the counter of the edge(s) it travels along. A sink that took writes
 * since the previous frame adds one to its group → sink edge. Edges animate
 * the increase (a dot per pulse, capped), so a busy wire stays a sample,
 * never a flood.
 */
import type { Frame } from "../../../shared/engine/frame";
import { edgeIds } from "../canvas/graph-ids";

export function countPulses(prev: Record<string, number>, prevFrame: Frame | null, frame: Frame): Record<string, number> {
  const sinks = frame.sinks ?? [];
  if (frame.flows.length === 0 && sinks.length === 0) return prev;
  const sameEngine = prevFrame !== null && frame.seq > prevFrame.seq;
  const seen = new Set(sameEngine ? prevFrame.flows.map(flowKey) : []);
  const brokerByName = new Map(frame.brokers.map((b) => [b.name, b.id]));
  const topicOfProducer = new Map(frame.producers.map((p) => [p.id, p.topic]));
  const groupOfConsumer = new Map(frame.consumers.map((c) => [c.id, c.group]));
  let next: Record<string, number> | null = null;
  const bump = (edge: string) => {
    next ??= { ...prev };
    next[edge] = (next[edge] ?? 0) + 1;
  };
  for (const flow of frame.flows) {
    if (seen.has(flowKey(flow))) continue;
    if (flow.kind === "produce") {
      const topic = topicOfProducer.get(flow.from);
      const broker = brokerByName.get(flow.to);
      if (topic === undefined || broker === undefined) continue;
      bump(edgeIds.produce(flow.from, topic));
      bump(edgeIds.lead(topic, broker));
    } else if (flow.kind === "consume") {
      const broker = brokerByName.get(flow.from);
      const group = groupOfConsumer.get(flow.to);
      if (broker !== undefined && group !== undefined) bump(edgeIds.consume(broker, group));
    } else {
      const follower = brokerByName.get(flow.to);
      if (follower !== undefined) bump(edgeIds.replicateInto(follower));
    }
  }
  const writesBefore = new Map(sameEngine ? (prevFrame.sinks ?? []).map((s) => [s.id, s.writes]) : []);
  for (const sink of sinks) if (sink.writes > (writesBefore.get(sink.id) ?? 0)) bump(edgeIds.sink(sink.from, sink.id));
  return next ?? prev;
}

function flowKey(flow: Frame["flows"][number]): string {
  return `${flow.from}>${flow.to}@${flow.sentAtMs}`;
}
