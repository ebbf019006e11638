import { describe, expect, it } from "vitest";
import { createAppStore } from "../../renderer/src/store/app-store";
import { appendPoint, decimate, HISTORY_CAPACITY } from "../../renderer/src/store/history-slice";
import { appendEvents } from "../../renderer/src/store/event-slice";
import { edgeHealth, edgeSignature, replicaLook } from "../../renderer/src/canvas/selectors";
import { edgeIds } from "../../renderer/src/canvas/graph-ids";
import type { MetricsPoint } from "../../shared/engine/frame";
import { sessionApi, simYaml } from "../support/renderer-fakes";

function point(tMs: number, lag = 0): MetricsPoint {
  return { tMs, produceMsgsPerSec: 1, consumeMsgsPerSec: 1, sinkMsgsPerSec: 1, p50: 1, p95: 2, p99: 3, lag, underReplicated: 0, underMinIsr: 0, offline: 0, isrTotal: 18 };
}

function openLesson(name = "acks-all-leader-crash") {
  const api = sessionApi();
  const opened = api.session.open(simYaml(name), `${name}.yaml`);
  if (!opened.ok) throw new Error(opened.error);
  return api;
}

describe("renderer store: frames", () => {
  it("indexes a frame: ids, partitions by key, each broker's replica keys, leaders per topic", () => {
    const api = openLesson();
    api.session.step(3000);
    const store = createAppStore();
    store.getState().receiveFrame(api.session.frame());
    const s = store.getState();
    expect(s.brokerIds).toEqual([1, 2, 3]);
    expect(s.topicNames).toEqual(["iot_stream"]);
    expect(s.producerIds).toEqual(["sensors"]);
    expect(s.groupIds).toEqual(["analytics"]);
    expect(Object.keys(s.partitionsByKey)).toHaveLength(6);
    expect(s.replicaKeysByBroker[1]).toEqual(["iot_stream-0", "iot_stream-1", "iot_stream-2", "iot_stream-3", "iot_stream-4", "iot_stream-5"]);
    expect(s.leadersByTopic["iot_stream"]).toEqual([1, 2, 3]);
  });

  it("keeps the identity of unchanged lists, so items that select them do not re-render", () => {
    const api = openLesson();
    const store = createAppStore();
    store.getState().receiveFrame(api.session.frame());
    const before = store.getState();
    api.session.step(200);
    store.getState().receiveFrame(api.session.frame());
    const after = store.getState();
    expect(after.frame).not.toBe(before.frame);
    expect(after.brokerIds).toBe(before.brokerIds);
    expect(after.replicaKeysByBroker).toBe(before.replicaKeysByBroker);
    expect(after.replicaKeysByBroker[2]).toBe(before.replicaKeysByBroker[2]);
  });

  it("shows a crashed leader's replicas out of the ISR and leadership moved (a replica chip's look)", () => {
    const api = openLesson();
    api.session.step(5000);
    const store = createAppStore();
    store.getState().receiveFrame(api.session.frame());
    const leader = store.getState().partitionsByKey["iot_stream-0"]!.leader;
    expect(replicaLook(store.getState(), "iot_stream-0", leader)).toBe("leader");
    expect(api.session.command({ type: "inject", fault: { kind: "crash", target: `broker-${leader}`, at: 0 } }).ok).toBe(true);
    api.session.step(40_000);
    store.getState().receiveFrame(api.session.frame());
    const s = store.getState();
    expect(s.brokersById[leader]!.state).toBe("down");
    expect(replicaLook(s, "iot_stream-0", leader)).toBe("out");
    expect(s.partitionsByKey["iot_stream-0"]!.leader).not.toBe(leader);
    expect(edgeHealth(s, edgeIds.lead("iot_stream", leader))).toBe("down");
    expect(edgeSignature(s)).not.toContain(`lead iot_stream ${leader}`);
  });

  it("appends events in order and starts the log over when a new engine's frames begin (seek back, open)", () => {
    const api = openLesson();
    const store = createAppStore();
    api.session.step(4000);
    store.getState().receiveFrame(api.session.frame());
    const early = store.getState().events.length;
    expect(early).toBeGreaterThan(0);
    api.session.step(20_000);
    store.getState().receiveFrame(api.session.frame());
    const events = store.getState().events;
    expect(events.length).toBeGreaterThan(early);
    expect(events.map((e) => e.atMs)).toEqual([...events.map((e) => e.atMs)].sort((a, b) => a - b));
    api.session.seek(2000);
    store.getState().receiveFrame(api.session.frame());
    const replayed = store.getState().events;
    expect(replayed.every((e) => e.atMs <= 2000)).toBe(true);
    expect(store.getState().history.every((p) => p.tMs <= 2000)).toBe(true);
  });

  it("several frames between two paints make one update with every frame's events", () => {
    const api = openLesson();
    const store = createAppStore();
    let updates = 0;
    store.subscribe(() => updates++);
    const frames = [];
    for (let i = 0; i < 5; i++) {
      api.session.step(1000);
      frames.push(api.session.frame());
    }
    store.getState().receiveFrames(frames);
    expect(updates).toBe(1);
    expect(store.getState().frame!.seq).toBe(frames[4]!.seq);
    expect(store.getState().events.length).toBe(frames.reduce((n, f) => n + f.events.length, 0));
  });

  it("takes a snapshot's history and frame after a reconnect", () => {
    const api = openLesson();
    api.session.step(6000);
    const snap = api.session.snapshot();
    const store = createAppStore();
    store.getState().receiveSnapshot(snap.frame, snap.history);
    expect(store.getState().frame!.nowMs).toBe(6000);
    expect(store.getState().history.length).toBeGreaterThanOrEqual(snap.history.length);
  });
});

describe("renderer store: bounded history and log", () => {
  it("thins points closer than 100 ms, keeping the newest as now", () => {
    let h: MetricsPoint[] = [];
    for (let t = 0; t <= 1000; t += 16) h = appendPoint(h, point(t));
    expect(h[h.length - 1]!.tMs).toBe(992);
    expect(h.length).toBeLessThan(15);
    for (let i = 1; i < h.length - 1; i++) expect(h[i]!.tMs - h[i - 1]!.tMs).toBeGreaterThanOrEqual(80);
  });

  it("returns the same array for an identical point (paused), truncates when time goes back", () => {
    const h = [point(0), point(500), point(1000)];
    expect(appendPoint(h, point(1000))).toBe(h);
    expect(appendPoint(h, point(600)).map((p) => p.tMs)).toEqual([0, 500, 600]);
  });

  it("never grows past its capacity and keeps the whole span", () => {
    let h: MetricsPoint[] = [];
    for (let t = 0; t < 3 * HISTORY_CAPACITY * 100; t += 100) h = appendPoint(h, point(t));
    expect(h.length).toBeLessThanOrEqual(HISTORY_CAPACITY);
    expect(h[0]!.tMs).toBe(0);
    expect(h[h.length - 1]!.tMs).toBe(3 * HISTORY_CAPACITY * 100 - 100);
    expect(decimate(h, 10).length).toBeLessThanOrEqual(10);
  });

  it("bounds the event log and counts what fell off", () => {
    const fresh = Array.from({ length: 30 }, (_, i) => ({ atMs: i, kind: "broker" as const, text: `e${i}` }));
    const s = appendEvents({ events: [], eventsDropped: 0, eventSeq: 0 }, fresh, 20);
    expect(s.events).toHaveLength(20);
    expect(s.events[0]!.text).toBe("e10");
    expect(s.eventsDropped).toBe(10);
    expect(new Set(s.events.map((e) => e.seq)).size).toBe(20);
  });
});

describe("renderer store: scenario undo/redo", () => {
  it("pushes edits, undoes and redoes them, and a new edit clears the redo stack", () => {
    const store = createAppStore();
    const doc = (brokers: number) => ({ name: "x", description: "y", cluster: { brokers } });
    const info = { name: "x", description: "y", durationMs: 1, fileName: "x.yaml" };
    store.getState().scenarioLoaded(doc(3), info);
    store.getState().scenarioEdited(doc(3), doc(4), info);
    store.getState().scenarioEdited(doc(4), doc(5), info);
    expect(store.getState().past).toHaveLength(2);
    store.getState().undone(info);
    expect(store.getState().scenario!.cluster.brokers).toBe(4);
    store.getState().redone(info);
    expect(store.getState().scenario!.cluster.brokers).toBe(5);
    store.getState().undone(info);
    store.getState().scenarioEdited(doc(4), doc(7), info);
    expect(store.getState().future).toHaveLength(0);
    store.getState().scenarioLoaded(doc(1), info);
    expect(store.getState().past).toHaveLength(0);
  });

  it("keeps one toast per message and at most four", () => {
    const store = createAppStore();
    for (let i = 0; i < 6; i++) store.getState().pushToast("error", `m${i}`);
    store.getState().pushToast("error", "m5");
    expect(store.getState().toasts.map((t) => t.message)).toEqual(["m2", "m3", "m4", "m5"]);
  });
});
