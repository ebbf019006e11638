/**
 * Producers and consumer groups added while running (Engine.extend): they
 * join the running cluster at their `start`, and the run is the one an
 * engine built from the edited scenario makes — so a saved session replays
 * identically, and the CLI runs the saved file the same way.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { Engine } from "../../shared/engine/engine";
import { LiveSession } from "../../shared/engine/session";
import { scenarioSchema, type Scenario } from "../../shared/scenario/schema";
import { canonicalReport, smallScenario, TOPIC } from "../support/engine-scenarios";

const base = smallScenario({
  durationMs: 15_000,
  rate: 3000,
  consumerGroups: [{ id: "first", topics: [TOPIC], consumers: 1, config: { "auto.offset.reset": "earliest" } }],
});

function withAdded(scenario: Scenario, start: number): Scenario {
  return scenarioSchema.parse({
    ...scenario,
    producers: [...scenario.producers, { id: "late", topic: TOPIC, workload: { type: "poisson", rate: 1500 }, keys: { type: "uniform", count: 100 }, start }],
    consumerGroups: [...scenario.consumerGroups, { id: "audit", topics: [TOPIC], consumers: 2, start, config: { "auto.offset.reset": "earliest" } }],
  });
}

/**
 * Run `from` to `atMs`, extend it to `extended` there (`onExtended` sees it
 * then), run on to `untilMs`: the report must be the one an engine built with
 * `extended` gives. Returns the live engine and its report.
 */
function extendedRun(from: Scenario, atMs: number, extended: Scenario, onExtended: (live: Engine) => void = () => {}, untilMs = 15_000) {
  const live = new Engine(from);
  live.runUntil(atMs);
  expect(live.extend(extended)).toBeNull();
  onExtended(live);
  live.runUntil(untilMs);
  const built = new Engine(extended);
  built.runUntil(untilMs);
  const report = live.report();
  expect(canonicalReport(report)).toBe(canonicalReport(built.report()));
  return { live, report };
}

describe("Engine.extend", () => {
  it("a producer and a group added at t = 5 s run exactly as in an engine built with them", () => {
    const { report } = extendedRun(base, 5000.25, withAdded(base, 5001));
    // and they did join: the late producer's records were delivered, the new group consumed
    // 3000 msg/s for 15 s from the first producer, 1500 msg/s for 10 s from the late one
    expect(report.produced.attempted).toBeGreaterThan(58_000);
    expect(report.processors.find((p) => p.id === "audit")!.numInputRows).toBeGreaterThan(40_000);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("a sink added at t = 5 s for a running group takes its writes from its start, exactly as in an engine built with it", () => {
    let polls = 0;
    const extended = scenarioSchema.parse({ ...base, sinks: [{ id: "board", kind: "database", from: "first", start: 5001 }] });
    const { report } = extendedRun(base, 5000.25, extended, (live) => (polls = [...live.consumers.values()].reduce((n, c) => n + c.polls, 0)));
    // every poll after the start was written there, none before
    const sink = report.processors[0]!.sink!;
    expect(sink.id).toBe("board");
    expect(sink.writes).toBeGreaterThan(0);
    expect(sink.writes).toBeLessThanOrEqual(report.processors[0]!.batches - polls + 1);
    expect(sink.records).toBeGreaterThan(3000 * 9);
  });

  it("a topic added at t = 5 s, with a producer and a group for it, runs exactly as in an engine built with them", () => {
    const extended = scenarioSchema.parse({
      ...base,
      topics: [...base.topics, { name: "alerts", partitions: 4, replicationFactor: 2, start: 5001 }],
      producers: [...base.producers, { id: "detector", topic: "alerts", workload: { type: "poisson", rate: 800 }, keys: { type: "uniform", count: 50 }, start: 5001 }],
      consumerGroups: [...base.consumerGroups, { id: "pager", topics: ["alerts"], consumers: 2, start: 5001, config: { "auto.offset.reset": "earliest" } }],
    });
    const { live, report } = extendedRun(base, 5000.25, extended, (at) => expect(at.cluster.topics.has("alerts"), "created when its start comes").toBe(false));
    // the topic exists with its partitions led and replicated, and carried the new producer's records to the new group
    const alerts = live.cluster.topics.get("alerts")!;
    expect(alerts.pids).toHaveLength(4);
    for (const pid of alerts.pids) expect(live.cluster.controller.partitions[pid]).toMatchObject({ replicas: expect.any(Array), isr: expect.arrayContaining([expect.any(Number), expect.any(Number)]) });
    expect(report.processors.find((p) => p.id === "pager")!.numInputRows).toBeGreaterThan(800 * 9 * 0.9);
    expect(report.delivery.ackedLost).toBe(0);
    expect(live.cluster.events.all().some((e) => e.text.startsWith("topic alerts created: 4 partition(s), replication factor 2"))).toBe(true);
  });

  it("a first group added while running brings __consumer_offsets with it, as in an engine built with it", () => {
    const noGroups = { ...base, consumerGroups: [] };
    const extended = scenarioSchema.parse({ ...noGroups, consumerGroups: [{ id: "late-readers", topics: [TOPIC], consumers: 2, start: 4001, config: { "auto.offset.reset": "earliest" } }] });
    const early = new Engine(extended);
    early.runUntil(3000);
    expect(early.cluster.topics.has("__consumer_offsets"), "created when the first group starts, not at t = 0").toBe(false);
    const { live, report } = extendedRun(noGroups, 4000.5, extended, (at) => expect(at.cluster.topics.has("__consumer_offsets")).toBe(false));
    expect(live.cluster.topics.get("__consumer_offsets")!.pids).toHaveLength(50);
    // the group formed and read everything from the earliest offset: 3000 msg/s for 15 s
    expect(report.processors[0]!.numInputRows).toBeGreaterThan(3000 * 14);
    expect(report.processors[0]!.generation).toBeGreaterThanOrEqual(1);
  });

  it("refuses edits it cannot take on live, and changes nothing then", () => {
    const engine = new Engine(base);
    engine.runUntil(5000);
    expect(engine.extend(withAdded(base, 4000))).toMatch(/start after now/);
    const changed = scenarioSchema.parse({ ...base, producers: [{ ...base.producers[0]!, recordBytes: 300 }] });
    expect(engine.extend(changed)).toMatch(/existing producer changed/);
    const moreTopics = scenarioSchema.parse({ ...withAdded(base, 6000), topics: [...base.topics, { name: "other", partitions: 1, replicationFactor: 1 }] });
    expect(engine.extend(moreTopics)).toMatch(/a topic, client or sink added while running must start after now/);
    const otherBrokers = scenarioSchema.parse({ ...withAdded(base, 6000), cluster: { ...base.cluster, brokers: 4 } });
    expect(engine.extend(otherBrokers)).toMatch(/more than topics, producers, consumer groups or sinks changed/);
    expect(engine.scenario).toBe(base);
    expect(engine.producers.size).toBe(1);
  });
});

describe("LiveSession: adding while running", () => {
  it("an edit that appends a producer starting later keeps the run going; the saved session replays it", () => {
    const yaml = readFileSync("sims/acks-all-leader-crash.yaml", "utf8");
    const played = (): LiveSession => {
      const session = new LiveSession(() => 0);
      expect(session.open(yaml, "acks-all-leader-crash.yaml").ok).toBe(true);
      session.step(12_000);
      expect(session.command({ type: "inject", fault: { kind: "crash", target: "broker-3", at: 0, duration: 4000 } }).ok).toBe(true);
      return session;
    };
    const without = played();
    without.step(8000);
    const session = played();
    const doc = parseYaml(yaml) as { producers: Record<string, unknown>[] };
    doc.producers.push({ id: "late", topic: "iot_stream", workload: { type: "constant", rate: 500 }, start: 12_001 });
    const edited = session.editScenario(doc);
    expect(edited.ok && edited.value.live).toBe(true);
    expect(session.frame().nowMs).toBe(12_000);
    session.step(8000);
    const file = session.exportSession();
    expect(file.actions.length).toBe(1);
    expect(file.scenarioYaml).toContain("start: 12001");
    // the session file, replayed from t=0, is the same run
    const replay = new LiveSession(() => 0);
    expect(replay.importSession(file).ok).toBe(true);
    replay.step(20_000);
    expect(canonicalReport(replay.engine!.report())).toBe(canonicalReport(session.engine!.report()));
    // the late producer's 500 msg/s for 8 s were produced on top of the rest
    const extra = session.engine!.report().produced.attempted - without.engine!.report().produced.attempted;
    expect(extra).toBeGreaterThan(3500);
    expect(extra).toBeLessThan(4500);
  });
});
