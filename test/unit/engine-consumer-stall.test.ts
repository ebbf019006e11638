import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import type { ScenarioInput } from "../../shared/scenario/schema";
import { eventsOf, runToReport, smallScenario, TOPIC } from "../support/engine-scenarios";

// Two ways a consumer stops consuming without dying, and the two timeouts that notice them:
// - a stall blocks the application thread (a slow call, a lock): the heartbeat thread goes on, so
//   only max.poll.interval.ms notices, and the member then leaves the group itself;
// - a pause freezes the whole process (a long GC): heartbeats stop too, so the coordinator removes
//   the member after session.timeout.ms, and it rejoins once it thaws.

const group = (config: Record<string, number> = {}) => [{ id: "g", topics: [TOPIC], consumers: 2, config }];

function run(faults: ScenarioInput["faults"], config: Record<string, number> = {}, durationMs = 120_000) {
  return runToReport(smallScenario({ durationMs, rate: 1000, partitions: 6, consumerGroups: group(config), faults }));
}

const texts = (engine: Engine, kind: string) => eventsOf(engine, kind).map((e) => `${(e.atMs / 1000).toFixed(1)} ${e.text}`);

describe("a consumer's application thread stalls", () => {
  it("shorter than max.poll.interval.ms: no rebalance; its partitions wait, then catch up", () => {
    const { engine, report } = run([{ kind: "stall", target: "g-0", at: "20s", duration: "30s" }]);
    expect(report.processors[0]!.rebalances).toBe(0);
    expect(texts(engine, "group").filter((t) => t.includes("left"))).toEqual([]);
    // about half the partitions wait 30 s: lag reaches ~15,000 records, and is worked off afterwards
    expect(report.processors[0]!.maxLagMessages).toBeGreaterThan(12_000);
    expect(report.processors[0]!.finalLagMessages).toBeLessThan(6_000);
    expect(engine.stats.series.rate("consumed", 25_000, 45_000)).toBeLessThan(700);
    expect(report.delivery.duplicatesDelivered).toBe(0);
  });

  it("longer than max.poll.interval.ms: the member leaves at the deadline, the group goes on without it, and it rejoins afterwards", () => {
    const { engine, report } = run([{ kind: "stall", target: "g-0", at: "20s", duration: "60s" }], { "max.poll.interval.ms": 30_000 });
    const consumer = texts(engine, "consumer");
    expect(consumer).toContain("50.0 g-0 spent more than max.poll.interval.ms = 30 s since its last poll() (its application thread is blocked) and leaves the group");
    const group = texts(engine, "group");
    expect(group).toContain("50.0 g-0 left group g: max.poll.interval.ms exceeded");
    expect(group.some((t) => /^5\d\.\d group g is stable in generation 2 \(range\): g-1 6 partitions$/.test(t))).toBe(true);
    expect(group).toContain("80.0 g-0 joined group g");
    expect(report.processors[0]!.rebalances).toBe(2);
    // the heartbeat thread kept it alive until it left: no session timeout
    expect(group.some((t) => t.includes("session.timeout.ms"))).toBe(false);
    expect(report.delivery.ackedLost).toBe(0);
  });
});

describe("a consumer's process is paused (a long GC)", () => {
  it("longer than session.timeout.ms: the coordinator removes it after session.timeout.ms, and it rejoins when it thaws", () => {
    const { engine, report } = run([{ kind: "pause", target: "g-0", at: "20s", duration: "60s" }]);
    const group = texts(engine, "group");
    const left = group.find((t) => t.includes("g-0 left group g"));
    // its last heartbeat came at most heartbeat.interval.ms = 3 s before the pause
    expect(left).toMatch(/^6[2-5]\.\d g-0 left group g: no heartbeat from g-0 for session\.timeout\.ms = 45 s$/);
    expect(group).toContain("80.0 g-0 joined group g");
    expect(report.processors[0]!.rebalances).toBe(2);
    // before the heal the frozen member sent nothing: no max.poll.interval.ms leave either
    expect(texts(engine, "consumer").some((t) => t.includes("max.poll.interval.ms"))).toBe(false);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("shorter than session.timeout.ms: no rebalance", () => {
    const { engine, report } = run([{ kind: "pause", target: "g-1", at: "20s", duration: "30s" }]);
    expect(report.processors[0]!.rebalances).toBe(0);
    expect(texts(engine, "group").filter((t) => t.includes("left"))).toEqual([]);
    expect(report.delivery.duplicatesDelivered).toBe(0);
  });
});

it("a rebalance waits for a stalled member until its max.poll.interval.ms runs out; the members waiting in it stay in the group", () => {
  const { engine, report } = runToReport(
    smallScenario({
      durationMs: 200_000,
      rate: 1000,
      partitions: 6,
      consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 3, config: { "max.poll.interval.ms": 120_000 } }],
      faults: [
        { kind: "stall", target: "g-1", at: "10s", duration: "150s" },
        { kind: "crash", target: "g-2", at: "12s" },
      ],
    }),
  );
  const group = texts(engine, "group");
  // g-2's session runs out at about 55 s: the rebalance starts, g-0 rejoins at once, g-1 cannot
  expect(group.some((t) => /^5\d\.\d group g rebalancing \(no heartbeat from g-2/.test(t))).toBe(true);
  // g-0 waits 75 s in its JoinGroup: no session expiry, no request timeout, no second join
  expect(group.filter((t) => /g-0 (joined|left)/.test(t))).toEqual(["0.0 g-0 joined group g"]);
  expect(report.processors[0]!.errors["REQUEST_TIMED_OUT"] ?? 0).toBe(0);
  // g-1 leaves at 10 s + 120 s, which completes the rebalance; nobody consumed meanwhile (eager)
  expect(group).toContain("130.0 g-1 left group g: max.poll.interval.ms exceeded");
  expect(group).toContain("130.0 group g is stable in generation 2 (range): g-0 6 partitions");
  expect(engine.stats.series.rate("consumed", 60_000, 125_000)).toBe(0);
});

describe("a producer's process is paused (a long GC)", () => {
  it("it sends nothing while frozen; the records it makes meanwhile go on thawing, their latency counting the pause; nothing is lost", () => {
    const { engine, report } = runToReport(
      smallScenario({ durationMs: 60_000, rate: 1000, partitions: 6, faults: [{ kind: "pause", target: "p", at: "20s", duration: "10s" }] }),
    );
    expect(engine.stats.series.rate("acked", 21_000, 29_500)).toBe(0);
    expect(engine.stats.series.rate("acked", 30_000, 32_000)).toBeGreaterThan(3_000); // the backlog goes out
    expect(report.produced.ackLatencyMs.max).toBeGreaterThan(9_500);
    expect(report.produced.ackLatencyMs.max).toBeLessThan(11_000);
    expect(report.produced.failed).toBe(0);
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.delivery.duplicatesInLog).toBe(0);
  });

  it("frozen past delivery.timeout.ms: records made while frozen are sent on thawing (their timeout starts at send()); only what was already waiting expires", () => {
    const { engine, report } = runToReport(
      smallScenario({
        durationMs: 60_000,
        rate: 1000,
        partitions: 6,
        producerConfig: { "request.timeout.ms": 5_000, "delivery.timeout.ms": 10_000 },
        faults: [{ kind: "pause", target: "p", at: "20s", duration: "20s" }],
      }),
    );
    // about 20,000 records made while frozen reach the log after it thaws
    expect(engine.stats.series.rate("acked", 40_000, 45_000) * 5).toBeGreaterThan(19_000);
    // only batches in the accumulator or in flight when it froze (a few ms' worth) can have expired
    expect(report.produced.failed).toBeLessThan(100);
    expect(report.delivery.ackedLost).toBe(0);
  });
});
