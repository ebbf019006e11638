/**
 * The newest frame, and indexes over it that keep their identity while their
 * content is unchanged, so a broker's chip list or the canvas's id lists do
 * not re-render sixty times a second for nothing.
 */
import type { StateCreator } from "zustand/vanilla";
import type { BrokerView, Frame, GroupView, PartitionView, ProducerView, SinkView, TopicView } from "../../../shared/engine/frame";
import type { AppState } from "./app-store";
import { countPulses } from "./flow-pulses";

export interface SessionSlice {
  frame: Frame | null;
  brokerIds: number[];
  producerIds: string[];
  topicNames: string[];
  groupIds: string[];
  sinkIds: string[];
  brokersById: Record<number, BrokerView>;
  producersById: Record<string, ProducerView>;
  topicsByName: Record<string, TopicView>;
  groupsById: Record<string, GroupView>;
  /** A sink's view keeps its identity while its figures are unchanged (paused, idle). */
  sinksById: Record<string, SinkView>;
  /** "topic-partition" → the partition. */
  partitionsByKey: Record<string, PartitionView>;
  /** broker id → the "topic-partition" keys it holds a replica of, in partition order. */
  replicaKeysByBroker: Record<number, string[]>;
  /** topic → broker ids leading at least one of its partitions. */
  leadersByTopic: Record<string, number[]>;
  /** Monotonic count of sampled batches seen per canvas edge (the edges animate the increase). */
  pulses: Record<string, number>;
}

export const emptySession = {
  frame: null,
  brokerIds: [],
  producerIds: [],
  topicNames: [],
  groupIds: [],
  sinkIds: [],
  brokersById: {},
  producersById: {},
  topicsByName: {},
  groupsById: {},
  sinksById: {},
  partitionsByKey: {},
  replicaKeysByBroker: {},
  leadersByTopic: {},
  pulses: {},
} satisfies SessionSlice;

/** Frames land through the store's receiveFrame(s), which fold them in with indexFrame. */
export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = () => ({ ...emptySession });

export const partitionKey = (topic: string, partition: number) => `${topic}-${partition}`;

export function indexFrame(prev: SessionSlice, frame: Frame): Partial<SessionSlice> {
  const replicaKeys: Record<number, string[]> = {};
  const partitionsByKey: Record<string, PartitionView> = {};
  const leaders: Record<string, Set<number>> = {};
  for (const p of frame.partitions) {
    const key = partitionKey(p.topic, p.partition);
    partitionsByKey[key] = p;
    for (const r of p.replicas) (replicaKeys[r.broker] ??= []).push(key);
    if (p.leader > 0) (leaders[p.topic] ??= new Set()).add(p.leader);
  }
  const replicaKeysByBroker: Record<number, string[]> = {};
  for (const b of frame.brokers) replicaKeysByBroker[b.id] = keep(prev.replicaKeysByBroker[b.id], replicaKeys[b.id] ?? []);
  const leadersByTopic: Record<string, number[]> = {};
  for (const t of frame.topics) leadersByTopic[t.name] = keep(prev.leadersByTopic[t.name], [...(leaders[t.name] ?? [])].sort((a, b) => a - b));
  // frames from an engine without sinks have none
  const sinks = frame.sinks ?? [];
  // a frame at the same simulated time (paused) measures no rate: the rates last measured still hold
  const still = prev.frame !== null && frame.seq > prev.frame.seq && frame.nowMs === prev.frame.nowMs;
  const sinksById: Record<string, SinkView> = {};
  for (const sink of sinks) {
    const before = prev.sinksById[sink.id];
    const view = still && before ? { ...sink, inRate: before.inRate, utilisation: before.utilisation } : sink;
    sinksById[sink.id] = before && sameFields(before, view) ? before : view;
  }

  return {
    frame,
    brokerIds: keep(prev.brokerIds, frame.brokers.map((b) => b.id)),
    producerIds: keep(prev.producerIds, frame.producers.map((p) => p.id)),
    topicNames: keep(prev.topicNames, frame.topics.map((t) => t.name)),
    groupIds: keep(prev.groupIds, frame.groups.map((g) => g.id)),
    sinkIds: keep(prev.sinkIds, sinks.map((s) => s.id)),
    brokersById: byKey(frame.brokers, (b) => b.id),
    producersById: byKey(frame.producers, (p) => p.id),
    topicsByName: byKey(frame.topics, (t) => t.name),
    groupsById: byKey(frame.groups, (g) => g.id),
    sinksById: sameRecord(prev.sinksById, sinksById) ? prev.sinksById : sinksById,
    partitionsByKey,
    replicaKeysByBroker: sameRecord(prev.replicaKeysByBroker, replicaKeysByBroker) ? prev.replicaKeysByBroker : replicaKeysByBroker,
    leadersByTopic: sameRecord(prev.leadersByTopic, leadersByTopic) ? prev.leadersByTopic : leadersByTopic,
    pulses: countPulses(prev.pulses, prev.frame, frame),
  };
}

/** The previous array when equal element by element (keeps selectors' results stable). */
export function keep<T>(prev: T[] | undefined, next: T[]): T[] {
  if (prev && prev.length === next.length && prev.every((v, i) => v === next[i])) return prev;
  return next;
}

function sameRecord<T>(a: Record<string | number, T>, b: Record<string | number, T>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** Flat views (every field a primitive) with equal fields. */
function sameFields<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(a) as (keyof T)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function byKey<T, K extends string | number>(items: T[], key: (item: T) => K): Record<K, T> {
  const out = {} as Record<K, T>;
  for (const item of items) out[key(item)] = item;
  return out;
}
