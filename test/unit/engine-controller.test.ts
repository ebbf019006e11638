/**
 * The KRaft controller's part in failures: a crashed broker keeps its
 * leaderships until broker.session.timeout.ms passes without a heartbeat,
 * then it is fenced and each partition it led gets a new leader from its ISR
 * in a new leader epoch; a clean (controlled) shutdown moves leadership
 * before the broker stops, with no fencing and no wait.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, partitionState, pidOf, runUntilTrue, smallScenario } from "../support/engine-scenarios";

const HEARTBEAT_MS = 2000; // broker.heartbeat.interval.ms default
const SESSION_MS = 9000; // broker.session.timeout.ms default
const CRASH_AT = 5_000.5; // between heartbeats

describe("controller: fencing a crashed broker", () => {
  // broker 1 leads events-0 (replicas [1,2,3]) and follows in events-1 and events-2
  const scenario = smallScenario({ durationMs: 20_000, faults: [{ kind: "crash", target: "broker-1", at: CRASH_AT }] });

  it("keeps the leader until broker.session.timeout.ms after the last heartbeat, then fences it", () => {
    const engine = new Engine(scenario);
    engine.runUntil(CRASH_AT - 1);
    const before = partitionState(engine, 0);
    expect(before.leader).toBe(1);
    expect(before.isr).toEqual([1, 2, 3]);

    // the last heartbeat left at most one interval before the crash, so the
    // session cannot expire earlier than SESSION - HEARTBEAT after the crash
    engine.runUntil(CRASH_AT + SESSION_MS - HEARTBEAT_MS - 50);
    expect(engine.cluster.brokers[1]!.processUp).toBe(false);
    expect(partitionState(engine, 0).leader).toBe(1);
    expect(engine.cluster.controller.isFenced(1)).toBe(false);
    expect(eventsOf(engine, "fenced")).toHaveLength(0);

    const movedAt = runUntilTrue(engine, CRASH_AT + SESSION_MS + 500, 10, () => partitionState(engine, 0).leader !== 1);
    expect(movedAt).not.toBeNull();
    expect(movedAt!).toBeGreaterThanOrEqual(CRASH_AT + SESSION_MS - HEARTBEAT_MS);
    expect(movedAt!).toBeLessThanOrEqual(CRASH_AT + SESSION_MS + 10);
    expect(engine.cluster.controller.isFenced(1)).toBe(true);

    const fenced = eventsOf(engine, "fenced");
    expect(fenced).toHaveLength(1);
    expect(fenced[0]!.text).toContain("broker-1 fenced");
    expect(fenced[0]!.atMs).toBeLessThanOrEqual(movedAt!);
    expect(fenced[0]!.atMs).toBeGreaterThan(movedAt! - 10);
  });

  it("elects the new leader from the ISR, in the next leader epoch, and drops the fenced broker from every ISR", () => {
    const engine = new Engine(scenario);
    engine.runUntil(CRASH_AT - 1);
    const before = [0, 1, 2].map((p) => partitionState(engine, p));
    engine.runUntil(CRASH_AT + SESSION_MS + 100);
    const elections = engine.cluster.controller.elections;
    for (const [p, prev] of before.entries()) {
      const next = partitionState(engine, p);
      expect(next.isr).not.toContain(1);
      expect(next.replicas).toEqual(prev.replicas);
      if (prev.leader === 1) {
        expect(prev.isr).toContain(next.leader);
        expect(next.leader).not.toBe(1);
        expect(next.leaderEpoch).toBe(prev.leaderEpoch + 1);
      } else {
        // followers leaving the ISR do not change the leader or its epoch
        expect(next.leader).toBe(prev.leader);
        expect(next.leaderEpoch).toBe(prev.leaderEpoch);
      }
      expect(next.partitionEpoch).toBeGreaterThan(prev.partitionEpoch);
    }
    expect(elections).toBeGreaterThanOrEqual(1);
    // the new leader's broker acts on it: its replica is the leader in that epoch
    const state = partitionState(engine, 0);
    const replica = engine.cluster.brokers[state.leader]!.replica(pidOf(engine, 0));
    expect(replica.role).toBe("leader");
    expect(replica.leaderEpoch).toBe(state.leaderEpoch);
  });

  it("a partition whose only replica is fenced goes offline (no unclean election by default)", () => {
    const engine = new Engine(
      smallScenario({
        durationMs: 15_000,
        replicationFactor: 1,
        partitions: 3,
        faults: [{ kind: "crash", target: "broker-1", at: CRASH_AT }],
      }),
    );
    engine.run();
    const state = partitionState(engine, 0);
    expect(state.replicas).toEqual([1]);
    expect(state.leader).toBe(-1);
    expect(engine.cluster.controller.uncleanElections).toBe(0);
    const report = engine.report();
    expect(report.cluster.offlinePartitions).toBe(1);
  });
});

describe("controller: controlled shutdown", () => {
  const SHUTDOWN_AT = 6_000.5;
  const scenario = smallScenario({ durationMs: 12_000, rate: 3000, faults: [{ kind: "shutdown", target: "broker-1", at: SHUTDOWN_AT }] });

  it("moves leadership away before the broker stops, within milliseconds, without fencing", () => {
    const engine = new Engine(scenario);
    engine.runUntil(SHUTDOWN_AT - 1);
    const before = partitionState(engine, 0);
    expect(before.leader).toBe(1);
    const broker = engine.cluster.brokers[1]!;
    // step event by event to catch the moment the process stops
    let leaderWhenStopped: number | null = null;
    let stoppedAt: number | null = null;
    while (engine.now < SHUTDOWN_AT + 1000 && engine.sim.step()) {
      if (!broker.processUp) {
        leaderWhenStopped = partitionState(engine, 0).leader;
        stoppedAt = engine.now;
        break;
      }
    }
    expect(stoppedAt).not.toBeNull();
    expect(stoppedAt! - SHUTDOWN_AT).toBeLessThan(5);
    expect(leaderWhenStopped).not.toBe(1);
    expect(leaderWhenStopped).not.toBe(-1);
    const after = partitionState(engine, 0);
    expect(after.leaderEpoch).toBe(before.leaderEpoch + 1);
    expect(before.isr).toContain(after.leader);
    expect(after.isr).not.toContain(1);

    engine.run();
    expect(eventsOf(engine, "fenced")).toHaveLength(0);
    const shutdownEvents = eventsOf(engine, "broker").filter((e) => e.text.includes("shut down cleanly"));
    expect(shutdownEvents).toHaveLength(1);
    expect(shutdownEvents[0]!.atMs - SHUTDOWN_AT).toBeLessThan(5);
    const report = engine.report();
    expect(report.cluster.brokers[0]!.state).toBe("down");
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("keeps producing: the producer is held up for far less than a session timeout", () => {
    const engine = new Engine(scenario);
    engine.runUntil(SHUTDOWN_AT);
    const ackedAtShutdown = engine.stats.totals.acked;
    engine.runUntil(SHUTDOWN_AT + 2000);
    // 2 s at 3000 msg/s ≈ 6000; a fencing-length stall would give nearly none
    expect(engine.stats.totals.acked - ackedAtShutdown).toBeGreaterThan(4000);
  });

  it("with controlled.shutdown.enable=false the broker just stops and is fenced later, like a crash", () => {
    const engine = new Engine(smallScenario({ durationMs: 20_000, brokerConfig: { "controlled.shutdown.enable": false }, faults: [{ kind: "shutdown", target: "broker-1", at: SHUTDOWN_AT }] }));
    engine.runUntil(SHUTDOWN_AT + 100);
    expect(engine.cluster.brokers[1]!.processUp).toBe(false);
    expect(partitionState(engine, 0).leader).toBe(1);
    engine.run();
    expect(partitionState(engine, 0).leader).not.toBe(1);
    expect(eventsOf(engine, "fenced")).toHaveLength(1);
  });
});
