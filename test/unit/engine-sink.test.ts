/**
 * Sinks: a consumer group's application writes each processed poll to its
 * sink and waits for the write. A sink slower than the stream becomes the
 * pipeline's bottleneck: delivery runs at the sink's capacity and the rest
 * piles up as consumer lag; a sink's write latency adds to end-to-end
 * latency; a write that takes longer than max.poll.interval.ms costs the
 * member its place in the group.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { FrameBuilder } from "../../shared/engine/frame-builder";
import { formatSummary } from "../../shared/engine/summary";
import { eventsOf, runToReport, smallScenario, TOPIC } from "../support/engine-scenarios";
import type { ScenarioInput } from "../../shared/scenario/schema";

const RATE = 4000;
const group = (config: Record<string, number | boolean | string> = {}) => ({ id: "g", topics: [TOPIC], consumers: 2, config: { "auto.offset.reset": "earliest", ...config } });
const withSink = (sink: Partial<NonNullable<ScenarioInput["sinks"]>[number]> | null, config: Record<string, number | boolean | string> = {}, durationMs = 30_000, faults: ScenarioInput["faults"] = []) =>
  smallScenario({ durationMs, rate: RATE, partitions: 4, consumerGroups: [group(config)], sinks: sink ? [{ id: "warehouse", from: "g", ...sink }] : [], faults });

describe("sinks", () => {
  it("a sink slower than the stream caps delivery at its capacity, and the rest piles up as lag", () => {
    const capacity = 1500;
    const slow = new Engine(withSink({ kind: "database", recordsPerSec: capacity }));
    const fast = new Engine(withSink(null));
    const sink = slow.sinks.get("warehouse")!;
    slow.runUntil(10_000);
    fast.runUntil(10_000);
    const [recordsAt10, lagAt10] = [sink.records, slow.groupLag("g")];
    slow.runUntil(30_000);
    fast.runUntil(30_000);
    const written = sink.records - recordsAt10;
    // 20 s at the sink's capacity: within a write of it (the last write may still be queued)
    expect(written).toBeGreaterThan(capacity * 20 * 0.95);
    expect(written).toBeLessThanOrEqual(capacity * 20 + 1000);
    // what the sink could not take is lag: (4000 - 1500) msg/s more each second
    expect(slow.groupLag("g") - lagAt10).toBeGreaterThan((RATE - capacity) * 20 * 0.8);
    // without the sink the same group keeps up
    expect(fast.groupLag("g")).toBeLessThan(RATE * 6); // auto-commit every 5 s: lag saws up to ~5 s of records
    // delivered = acknowledged by the sink: all but the writes still waiting (one per member, ≤ max.poll.records = 500 each)
    expect(slow.stats.totals.delivered).toBeLessThanOrEqual(sink.records);
    expect(slow.stats.totals.delivered).toBeGreaterThanOrEqual(sink.records - 2 * 500);
  });

  it("the report tells the sink's writes not yet acknowledged at the end apart, so its count and the group's add up", () => {
    const { report } = runToReport(withSink({ kind: "database", recordsPerSec: 1500 }));
    const [processor] = report.processors;
    const sink = processor!.sink!;
    // a slow sink has a write of each member queued at any moment
    expect(sink.unacknowledged.writes).toBeGreaterThan(0);
    expect(sink.unacknowledged.writes).toBeLessThanOrEqual(2);
    expect(sink.records - sink.unacknowledged.records).toBe(processor!.numInputRows);
    expect(sink.writes - sink.unacknowledged.writes).toBe(processor!.batches);
    expect(formatSummary(report)).toContain(`(${sink.unacknowledged.records.toLocaleString("en-US")} of them in ${sink.unacknowledged.writes} write`);
  });

  it("the sink's frame view shows it busy all the time and a backlog of queued writes", () => {
    const engine = new Engine(withSink({ kind: "database", recordsPerSec: 1500 }));
    const builder = new FrameBuilder();
    engine.runUntil(10_000);
    builder.sinkViews(engine);
    engine.runUntil(12_000);
    const [view] = builder.sinkViews(engine);
    expect(view).toMatchObject({ id: "warehouse", kind: "database", from: "g", recordsPerSec: 1500, writeLatencyMs: 5 });
    expect(view!.utilisation).toBeGreaterThan(0.97);
    // what the sink absorbed, never more than its capacity (records still queued are not in yet)
    expect(view!.inRate).toBeGreaterThan(1500 * 0.95);
    expect(view!.inRate).toBeLessThanOrEqual(1500 * 1.01);
    // a frame with no simulated time since the last (paused) keeps the last rates
    const [again] = builder.sinkViews(engine);
    expect(again).toMatchObject({ inRate: view!.inRate, utilisation: view!.utilisation });
  });

  it("a fast sink's write latency adds to end-to-end latency", () => {
    const plain = runToReport(withSink(null, {}, 15_000)).report;
    const slowWrites = runToReport(withSink({ kind: "file", writeLatencyMs: 40, recordsPerSec: 10_000_000 }, {}, 15_000)).report;
    expect(slowWrites.throughput.sinkMsgsPerSec).toBeGreaterThan(RATE * 0.95);
    expect(slowWrites.latencyMs.p50).toBeGreaterThanOrEqual(plain.latencyMs.p50 + 40);
    expect(slowWrites.latencyMs.p50).toBeLessThan(plain.latencyMs.p50 + 100);
  });

  it("a write that outlasts max.poll.interval.ms makes the member leave the group", () => {
    // max.poll.records = 500 records at 100 records/s: a 5 s write, against a 3 s max.poll.interval.ms
    const engine = new Engine(withSink({ kind: "database", recordsPerSec: 100 }, { "max.poll.interval.ms": 3000 }, 20_000));
    engine.run();
    const left = eventsOf(engine, "consumer").filter((e) => e.text.includes("spent more than max.poll.interval.ms = 3 s processing and writing one poll to warehouse"));
    expect(left.length).toBeGreaterThan(0);
  });

  it("an outage blocks the group's poll loops: nothing reaches the sink, lag builds up, then drains once it is back, with nothing lost or duplicated", () => {
    const engine = new Engine(withSink({ kind: "database", recordsPerSec: 20_000 }, {}, 45_000, [{ kind: "crash", target: "warehouse", at: 10_000, duration: 10_000 }]));
    const sink = engine.sinks.get("warehouse")!;
    engine.runUntil(9_000);
    const rebalances = engine.coordinator.group("g").rebalances;
    engine.runUntil(10_500);
    const [writesAtFault, lagAtFault] = [sink.writes, engine.groupLag("g")];
    engine.runUntil(19_900);
    expect(sink.up).toBe(false);
    expect(sink.writes, "no write goes through while the sink is down").toBe(writesAtFault);
    expect(sink.blocked, "both members wait on their write").toBe(2);
    expect(engine.groupLag("g") - lagAtFault).toBeGreaterThan(RATE * 9 * 0.8);
    engine.runUntil(45_000);
    expect(sink.up).toBe(true);
    // 4,000 msg/s into a sink that takes 20,000: the backlog drains
    expect(engine.groupLag("g")).toBeLessThan(RATE * 6);
    const report = engine.report();
    expect(report.delivery).toMatchObject({ ackedLost: 0, duplicatesDelivered: 0 });
    expect(eventsOf(engine, "fault").some((e) => e.text.startsWith("warehouse is down: writes from g wait until it is back"))).toBe(true);
    expect(eventsOf(engine, "heal").some((e) => e.text.startsWith("warehouse is back: 2 blocked write(s) go through"))).toBe(true);
    // the group never left: the outage (10 s) is shorter than max.poll.interval.ms (300 s)
    expect(engine.coordinator.group("g").rebalances).toBe(rebalances);
  });

  it("an outage longer than max.poll.interval.ms costs the members their places: the group rebalances", () => {
    const engine = new Engine(withSink({ kind: "database" }, { "max.poll.interval.ms": 5000 }, 30_000, [{ kind: "crash", target: "warehouse", at: 10_000, duration: 12_000 }]));
    engine.run();
    const left = eventsOf(engine, "consumer").filter((e) => e.text.includes("spent more than max.poll.interval.ms = 5 s processing and writing one poll to warehouse"));
    expect(left.length).toBe(2);
    // each member's stuck poll began within a poll's time of the outage (at 10 s): it leaves ≈5 s later
    for (const e of left) expect(Math.abs(e.atMs - 15_000)).toBeLessThan(100);
    expect(engine.coordinator.group("g").rebalances).toBeGreaterThan(1);
  });

  it("a sink is no network node: cutting or isolating it is refused with the reason", () => {
    const engine = new Engine(withSink({ kind: "dashboard" }));
    engine.runUntil(1000);
    const result = engine.command({ type: "inject", fault: { kind: "isolate", target: "warehouse", at: 0 } });
    expect(result).toEqual({ ok: false, error: expect.stringContaining("warehouse is a sink, not a node on the network") });
  });
});
