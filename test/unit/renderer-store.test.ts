import { describe, expect, it } from "vitest";
import { createAppStore } from "../../renderer/src/store/app-store";
import { appendPoint, decimate, HISTORY_CAPACITY } from "../../renderer/src/store/history-slice";
import { appendEvents } from "../../renderer/src/store/event-slice";
import { edgeHealth, edgeSignature, replicaLook } from "../../renderer/src/canvas/selectors";
import { edgeIds } from "../../renderer/src/canvas/graph-ids";
import type { MetricsPoint } from "../../shared/engine/frame";
import { sessionApi, simYaml } from "../support/renderer-fakes";
import { parse } from "yaml";
import type { ScenarioInput } from "../../shared/scenario/schema";
import { addSink } from "../../renderer/src/scenario/edits";
import { buildEdges, defaultPositions } from "../../renderer/src/canvas/graph";
import { nodeIds } from "../../renderer/src/canvas/graph-ids";

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

describe("renderer store: sinks", () => {
  /** iot-baseline (≈53,000 msg/s) with a sink written by its group. */
  function withSink(kind: "dashboard" | "database" = "dashboard", recordsPerSec?: number) {
    const api = openLesson("iot-baseline");
    const doc = parse(simYaml("iot-baseline")) as ScenarioInput;
    const added = addSink(doc, "analytics", kind);
    if (typeof added === "string") throw new Error(added);
    if (recordsPerSec) added.doc.sinks![0]!.recordsPerSec = recordsPerSec;
    const edited = api.session.editScenario(added.doc);
    if (!edited.ok) throw new Error(edited.error);
    return api;
  }

  it("indexes sinks, draws a group → sink edge, and pulses it while the sink takes writes", () => {
    const api = withSink();
    const store = createAppStore();
    store.getState().receiveFrame(api.session.frame());
    expect(store.getState().sinkIds).toEqual(["sink"]);
    expect(edgeSignature(store.getState())).toContain("sink analytics sink");
    const edge = edgeIds.sink("analytics", "sink");
    expect(buildEdges(edgeSignature(store.getState())).find((e) => e.id === edge)).toMatchObject({ source: nodeIds.group("analytics"), target: nodeIds.sink("sink"), data: { kind: "sink" } });
    let pulses = 0;
    for (let i = 0; i < 30; i++) {
      api.session.step(200);
      store.getState().receiveFrame(api.session.frame());
      const now = store.getState().pulses[edge] ?? 0;
      expect(now).toBeGreaterThanOrEqual(pulses);
      pulses = now;
    }
    const sink = store.getState().sinksById["sink"]!;
    expect(sink.records).toBeGreaterThan(0);
    expect(pulses).toBeGreaterThan(0);
    expect(edgeHealth(store.getState(), edge)).toBe("ok");
  });

  it("colours the edge of a sink that cannot keep up", () => {
    const api = withSink("database", 20_000);
    const store = createAppStore();
    api.session.step(10_000);
    store.getState().receiveFrame(api.session.frame());
    api.session.step(1000);
    store.getState().receiveFrame(api.session.frame());
    const sink = store.getState().sinksById["sink"]!;
    expect(sink.utilisation).toBeGreaterThan(0.95);
    expect(sink.backlogMs).toBeGreaterThan(0);
    expect(edgeHealth(store.getState(), edgeIds.sink("analytics", "sink"))).toBe("saturated");
  });

  it("keeps a sink's view while its figures are unchanged, and takes frames without sinks", () => {
    const api = withSink();
    const store = createAppStore();
    api.session.step(5000);
    const frame = api.session.frame();
    store.getState().receiveFrame(frame);
    const before = store.getState();
    expect(before.sinksById["sink"]!.inRate).toBeGreaterThan(0);
    // the same figures again (paused): the node's selector sees the same object
    store.getState().receiveFrame({ ...frame, seq: frame.seq + 1, sinks: frame.sinks.map((s) => ({ ...s })) });
    expect(store.getState().sinksById).toBe(before.sinksById);
    // a frame at the same simulated time measures no rate: the last rates still hold
    store.getState().receiveFrame({ ...frame, seq: frame.seq + 2, sinks: frame.sinks.map((s) => ({ ...s, inRate: 0, utilisation: 0 })) });
    expect(store.getState().sinksById).toBe(before.sinksById);
    expect(store.getState().sinkIds).toBe(before.sinkIds);
    expect(store.getState().pulses).toBe(before.pulses);
    // an engine without sinks sends frames without the field
    const older = { ...frame, seq: frame.seq + 3 } as Partial<typeof frame>;
    delete older.sinks;
    store.getState().receiveFrame(older as typeof frame);
    expect(store.getState().sinkIds).toEqual([]);
    expect(edgeSignature(store.getState())).not.toContain("sink ");
  });

  it("lays a sink out beside the group that writes to it", () => {
    const positions = defaultPositions({ producerIds: ["p"], topicNames: ["t"], brokerIds: [1, 2, 3], groupIds: ["a", "b"], sinkIds: ["s-b", "orphan"], replicaCounts: {}, sinkGroups: { "s-b": "b", orphan: "gone" } });
    const group = positions.get(nodeIds.group("b"))!;
    const sink = positions.get(nodeIds.sink("s-b"))!;
    expect(sink.y).toBe(group.y);
    expect(sink.x).toBeGreaterThan(group.x + 230);
    // a sink whose group is not drawn goes below the groups, in the same column
    const orphan = positions.get(nodeIds.sink("orphan"))!;
    expect(orphan.x).toBe(sink.x);
    expect(orphan.y).toBeGreaterThan(group.y);
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
