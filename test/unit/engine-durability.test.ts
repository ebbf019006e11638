/**
 * What the checker must catch: acknowledged messages that are not in the
 * final log. acks=1 acknowledges before followers have the data, so a leader
 * crash loses its unreplicated tail; an unclean leader election promotes a
 * replica that missed acknowledged writes. acks=all with clean elections
 * loses nothing in the same situations.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, partitionState, pidOf, runToReport, smallScenario } from "../support/engine-scenarios";

// followers fetch from broker 1 over slow links (20 ms each way), so the leader runs
// ~40 ms of data ahead of them when it crashes
const leaderCrash = (acks: "1" | "all", restartAfterMs?: number) =>
  smallScenario({
    durationMs: 25_000,
    rate: 4000,
    brokerConfig: { "min.insync.replicas": 2 },
    producerConfig: { acks, "enable.idempotence": acks === "all" },
    faults: [
      { kind: "slow-link", from: "broker-1", to: "broker-2", extraLatencyMs: 20, at: 0 },
      { kind: "slow-link", from: "broker-1", to: "broker-3", extraLatencyMs: 20, at: 0 },
      { kind: "crash", target: "broker-1", at: 8_000.5, ...(restartAfterMs ? { duration: restartAfterMs } : {}) },
    ],
  });

describe("acks=1 versus acks=all when the leader crashes", () => {
  it("acks=1 loses acknowledged messages the followers never copied, and the report says why", () => {
    const { engine, report } = runToReport(leaderCrash("1"));
    expect(partitionState(engine, 0).leader).not.toBe(1);
    expect(report.delivery.ackedLost).toBeGreaterThan(0);
    // at most what the leader could run ahead of its followers (4000 msg/s over 3 partitions, ~100 ms)
    expect(report.delivery.ackedLost).toBeLessThan(400);
    // all of it on the partition broker 1 led
    expect(report.delivery.lostExamples.length).toBeGreaterThan(0);
    for (const example of report.delivery.lostExamples) expect(example.stream).toBe("p/events/0");
    expect(report.delivery.why.join(" ")).toContain("acks=1");
  });

  it("acks=all loses nothing in the same crash", () => {
    const { engine, report } = runToReport(leaderCrash("all"));
    expect(partitionState(engine, 0).leader).not.toBe(1);
    expect(report.produced.acked).toBeGreaterThan(80_000);
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.delivery.why).toEqual([]);
  });

  it("the old leader, restarted, truncates its unreplicated tail to the new leader's epoch boundary", () => {
    const { engine, report } = runToReport(leaderCrash("1", 12_000));
    const truncations = eventsOf(engine, "truncation");
    expect(truncations.length).toBeGreaterThan(0);
    expect(truncations[0]!.text).toContain("broker-1 truncated events-0");
    expect(truncations[0]!.atMs).toBeGreaterThan(20_000);
    expect(report.cluster.brokers[0]!.truncatedMessages).toBeGreaterThan(0);
    // the truncated tail is exactly what acks=1 had acknowledged and lost (plus unacknowledged in-flight writes)
    expect(report.cluster.brokers[0]!.truncatedMessages).toBeGreaterThanOrEqual(report.delivery.ackedLost);
    expect(report.delivery.ackedLost).toBeGreaterThan(0);
    // after truncating, broker 1 holds the new leader's log again
    const pid = pidOf(engine, 0);
    const leader = engine.cluster.brokers[partitionState(engine, 0).leader]!.replica(pid);
    const follower = engine.cluster.brokers[1]!.replica(pid);
    const n = Math.min(leader.log.length, follower.log.length);
    for (let i = 0; i < n; i++) expect(follower.log.batchAt(i)).toBe(leader.log.batchAt(i));
  });
});

describe("unclean leader election", () => {
  // events-0 lives on brokers 1 and 2 only; cutting them apart lets the ISR shrink to {1};
  // then broker 1 dies and only the out-of-sync broker 2 is left
  const unclean = (enabled: boolean) =>
    smallScenario({
      durationMs: 30_000,
      rate: 2000,
      partitions: 1,
      replicationFactor: 2,
      assignment: [[1, 2]],
      brokerConfig: { "replica.lag.time.max.ms": 4000 },
      topicConfig: { "unclean.leader.election.enable": enabled, "min.insync.replicas": 1 },
      producerConfig: { acks: "all" },
      faults: [
        { kind: "cut", from: "broker-1", to: "broker-2", at: 2_000.5, duration: "14s" },
        { kind: "crash", target: "broker-1", at: 12_000.5 },
      ],
    });

  it("enabled: the out-of-sync replica becomes leader and acknowledged writes are lost", () => {
    const engine = new Engine(unclean(true));
    engine.runUntil(12_000);
    expect(partitionState(engine, 0).isr).toEqual([1]);
    engine.run();
    const report = engine.report();
    const state = partitionState(engine, 0);
    expect(state.leader).toBe(2);
    expect(state.isr).toEqual([2]);
    expect(report.cluster.uncleanLeaderElections).toBe(1);
    expect(eventsOf(engine, "fenced").some((e) => e.text.includes("UNCLEAN"))).toBe(true);
    // everything acknowledged by broker 1 alone (after the cut, before the crash) is gone: seconds of data
    expect(report.delivery.ackedLost).toBeGreaterThan(2000 * 5);
    expect(report.delivery.why.join(" ")).toContain("unclean leader election");
  });

  it("disabled: the partition stays offline instead, and nothing acknowledged is lost", () => {
    const { engine, report } = runToReport(unclean(false));
    expect(partitionState(engine, 0).leader).toBe(-1);
    expect(report.cluster.uncleanLeaderElections).toBe(0);
    expect(report.cluster.offlinePartitions).toBe(1);
    expect(report.delivery.ackedLost).toBe(0);
  });
});
