/**
 * Consumer groups: a crashed member is noticed only when its session times
 * out; the group then rebalances, and the new owner of its partitions starts
 * from the last committed offset, so what the dead member processed after
 * its last commit is delivered again (at-least-once), and lag builds up
 * meanwhile.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, runToReport, smallScenario } from "../support/engine-scenarios";

const SESSION_MS = 6000;
const HEARTBEAT_MS = 3000; // heartbeat.interval.ms default
const COMMIT_MS = 1000;
const RATE = 2000;
const CRASH_AT = 12_600.5; // 600 ms after an auto-commit

const groupScenario = (options: { crash?: boolean; autoCommit?: boolean } = {}) =>
  smallScenario({
    durationMs: 30_000,
    rate: RATE,
    partitions: 4,
    consumerGroups: [
      {
        id: "g",
        topics: ["events"],
        consumers: 2,
        config: { "auto.offset.reset": "earliest", "session.timeout.ms": SESSION_MS, "auto.commit.interval.ms": COMMIT_MS, "enable.auto.commit": options.autoCommit ?? true },
      },
    ],
    faults: options.crash === false ? [] : [{ kind: "crash", target: "g-1", at: CRASH_AT }],
  });

describe("consumer group: a member crashes", () => {
  it("the group rebalances only after session.timeout.ms, and the survivor takes every partition", () => {
    const engine = new Engine(groupScenario());
    engine.runUntil(CRASH_AT - 1);
    const group = engine.coordinator.group("g");
    const generation = group.generation;
    expect(generation).toBeGreaterThanOrEqual(1);
    expect(engine.consumers.get("g-0")!.ownedPartitions).toHaveLength(2);
    expect(engine.consumers.get("g-1")!.ownedPartitions).toHaveLength(2);
    const rebalancesBefore = group.rebalances;

    // the last heartbeat was at most one interval before the crash
    engine.runUntil(CRASH_AT + SESSION_MS - HEARTBEAT_MS - 50);
    expect(group.rebalances).toBe(rebalancesBefore);
    expect(group.generation).toBe(generation);

    engine.runUntil(25_000);
    const left = eventsOf(engine, "group").filter((e) => e.text.startsWith("g-1 left group g"));
    expect(left).toHaveLength(1);
    expect(left[0]!.text).toContain("session.timeout.ms");
    expect(left[0]!.atMs).toBeGreaterThan(CRASH_AT + SESSION_MS - HEARTBEAT_MS);
    expect(left[0]!.atMs).toBeLessThanOrEqual(CRASH_AT + SESSION_MS + 5);
    expect(group.rebalances).toBe(rebalancesBefore + 1);
    expect(group.generation).toBe(generation + 1);
    expect([...engine.consumers.get("g-0")!.ownedPartitions].sort()).toEqual(engine.cluster.topics.get("events")!.pids);
  });

  it("with auto-commit, what the dead member processed after its last commit is delivered again, and no more", () => {
    const { report } = runToReport(groupScenario());
    const dups = report.delivery.duplicatesDelivered;
    expect(dups).toBeGreaterThan(0);
    // at most what the whole topic carries in one commit interval (the dead member had half of it)
    expect(dups).toBeLessThanOrEqual((RATE * COMMIT_MS) / 1000);
    expect(report.processors[0]!.rebalances).toBe(1);
    expect(report.delivery.why.join(" ")).toContain("rebalance");
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.delivery.duplicatesInLog).toBe(0);
  });

  it("lag builds up while the dead member's partitions wait, then drains", () => {
    const healthy = new Engine(groupScenario({ crash: false }));
    healthy.run();
    const crashed = new Engine(groupScenario());
    crashed.run();
    const baseline = healthy.maxLagOf("g");
    // committed once a second: lag stays around a second's worth of messages
    expect(baseline).toBeLessThanOrEqual(RATE * 1.5);
    // ~6 s of the dead member's share (half the partitions) uncommitted on top of that
    expect(crashed.maxLagOf("g")).toBeGreaterThan(baseline + (RATE / 2) * (SESSION_MS / 1000 - 2));
    // caught up again by the end
    expect(crashed.groupLag("g")).toBeLessThanOrEqual(RATE * 1.5);
  });

  it("a healthy group delivers everything once", () => {
    const { report } = runToReport(groupScenario({ crash: false }));
    expect(report.delivery.duplicatesDelivered).toBe(0);
    expect(report.processors[0]!.rebalances).toBe(0); // forming the group is not counted as a rebalance
    expect(report.throughput.sinkMsgsPerSec).toBeGreaterThan(RATE * 0.95);
  });

  it("committing after every processed poll re-delivers at most one poll", () => {
    const { report } = runToReport(groupScenario({ autoCommit: false }));
    expect(report.processors[0]!.rebalances).toBeGreaterThanOrEqual(1);
    expect(report.delivery.duplicatesDelivered).toBeLessThanOrEqual(500); // max.poll.records
  });
});
