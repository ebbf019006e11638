/**
 * Partition replication: the ISR shrinks when a follower stops keeping up
 * for replica.lag.time.max.ms and expands when it catches up; acks=all
 * refuses writes with NOT_ENOUGH_REPLICAS while the ISR is below
 * min.insync.replicas; a power loss takes the unflushed page cache with it.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, partitionState, pidOf, runToReport, runUntilTrue, smallScenario } from "../support/engine-scenarios";

describe("ISR shrink and expand", () => {
  const LAG_MS = 4000;
  const CUT_AT = 3_000.5;
  const HEAL_AT = 15_000.5;
  // broker 1 leads events-0 with followers 2 and 3; cutting 1↔2 starves broker 2's fetches
  // of events-0 (and broker 1's of events-1, which broker 2 leads); the controller still hears both
  const scenario = smallScenario({
    durationMs: 25_000,
    rate: 2000,
    // a lost fetch is retried after replica.socket.timeout.ms: keep that short so the test is too
    brokerConfig: { "replica.lag.time.max.ms": LAG_MS, "replica.socket.timeout.ms": 3000 },
    faults: [{ kind: "cut", from: "broker-1", to: "broker-2", at: CUT_AT, duration: HEAL_AT - CUT_AT }],
  });

  it("drops the cut-off follower after replica.lag.time.max.ms, not before", () => {
    const engine = new Engine(scenario);
    engine.runUntil(CUT_AT + LAG_MS - 100);
    expect(partitionState(engine, 0).isr).toEqual([1, 2, 3]);
    expect(partitionState(engine, 1).isr).toEqual([2, 3, 1]);
    // the leader checks every replica.lag.time.max.ms / 2
    const shrunkAt = runUntilTrue(engine, CUT_AT + 2 * LAG_MS, 10, () => !partitionState(engine, 0).isr.includes(2));
    expect(shrunkAt).not.toBeNull();
    expect(shrunkAt!).toBeGreaterThan(CUT_AT + LAG_MS);
    expect(shrunkAt!).toBeLessThan(CUT_AT + LAG_MS * 1.5 + 100);
    expect(partitionState(engine, 0).isr).toEqual([1, 3]);
    expect(partitionState(engine, 0).leader).toBe(1);
    // events-1: broker 2 leads, broker 1 is the one cut off
    engine.runUntil(CUT_AT + LAG_MS * 1.5 + 200);
    expect(partitionState(engine, 1).isr).toEqual([2, 3]);
    // events-2 (leader 3) is untouched, and nobody was fenced or re-elected
    expect(partitionState(engine, 2).isr).toEqual([3, 1, 2]);
    expect(engine.cluster.controller.elections).toBe(0);
    expect(eventsOf(engine, "isr").some((e) => e.text.includes("events-0 ISR shrank"))).toBe(true);
  });

  it("takes the follower back once the link heals and it catches up", () => {
    const engine = new Engine(scenario);
    engine.runUntil(HEAL_AT - 1);
    expect(partitionState(engine, 0).isr).toEqual([1, 3]);
    const expandedAt = runUntilTrue(engine, 25_000, 50, () => partitionState(engine, 0).isr.includes(2) && partitionState(engine, 1).isr.includes(1));
    expect(expandedAt).not.toBeNull();
    // a fetch lost at the heal is retried within replica.socket.timeout.ms + replica.fetch.backoff.ms
    expect(expandedAt! - HEAL_AT).toBeLessThan(3000 + 1000 + 1000);
    const report = engine.report();
    expect(report.cluster.brokers[0]!.IsrShrinks).toBeGreaterThanOrEqual(1);
    expect(report.cluster.brokers[0]!.IsrExpands).toBeGreaterThanOrEqual(1);
    expect(report.cluster.brokers[1]!.IsrShrinks).toBeGreaterThanOrEqual(1);
    expect(report.cluster.brokers[1]!.IsrExpands).toBeGreaterThanOrEqual(1);
    // the rejoined follower holds the leader's whole log up to the high watermark
    const leader = engine.cluster.brokers[1]!.replica(pidOf(engine, 0));
    const follower = engine.cluster.brokers[2]!.replica(pidOf(engine, 0));
    expect(follower.log.logEndOffset).toBeGreaterThanOrEqual(leader.highWatermark);
    expect(eventsOf(engine, "isr").some((e) => e.text.includes("events-0 ISR expanded"))).toBe(true);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("a follower that keeps up is never dropped", () => {
    const { report } = runToReport(smallScenario({ durationMs: 20_000, brokerConfig: { "replica.lag.time.max.ms": LAG_MS } }));
    for (const broker of report.cluster.brokers) expect(broker.IsrShrinks).toBe(0);
    expect(report.cluster.eventsByKind.isr ?? 0).toBe(0);
  });
});

describe("min.insync.replicas with acks=all", () => {
  it("refuses writes with NOT_ENOUGH_REPLICAS when two of three brokers are down", () => {
    const engine = new Engine(
      smallScenario({
        durationMs: 45_000,
        rate: 2000,
        brokerConfig: { "min.insync.replicas": 2 },
        producerConfig: { acks: "all" },
        faults: [
          { kind: "crash", target: "broker-2", at: 4_000.5 },
          { kind: "crash", target: "broker-3", at: 4_000.5 },
        ],
      }),
    );
    engine.runUntil(15_000);
    // both fenced by now: every partition is led by broker 1 with ISR {1}
    for (const p of [0, 1, 2]) {
      expect(partitionState(engine, p).leader).toBe(1);
      expect(partitionState(engine, p).isr).toEqual([1]);
    }
    const ackedThen = engine.stats.totals.acked;
    engine.run();
    const report = engine.report();
    // the writes appended before the ISR shrank wait for a high watermark that no longer moves (Kafka >= 3.7)
    // until request.timeout.ms = 30 s; the retries are refused at once
    expect(report.produced.errors.REQUEST_TIMED_OUT ?? 0).toBeGreaterThan(0);
    expect(report.produced.errors.NOT_ENOUGH_REPLICAS ?? 0).toBeGreaterThan(0);
    expect(report.cluster.brokers[0]!.FailedProduceRequests).toBeGreaterThan(0);
    expect(report.cluster.underMinIsrPartitions).toBe(3);
    // nothing more is acknowledged while the ISR is too small, and nothing acknowledged is lost
    expect(engine.stats.totals.acked).toBe(ackedThen);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("acks=1 keeps writing to the lone leader in the same situation (the contrast)", () => {
    const { report } = runToReport(
      smallScenario({
        durationMs: 25_000,
        brokerConfig: { "min.insync.replicas": 2 },
        producerConfig: { acks: "1", "enable.idempotence": false },
        faults: [
          { kind: "crash", target: "broker-2", at: 4_000.5 },
          { kind: "crash", target: "broker-3", at: 4_000.5 },
        ],
      }),
    );
    expect(report.produced.errors.NOT_ENOUGH_REPLICAS ?? 0).toBe(0);
    // at 2000 msg/s for 25 s, most is acknowledged once broker 1 leads everything
    expect(report.produced.acked).toBeGreaterThan(35_000);
  });
});

describe("page cache and power loss", () => {
  const faultAt = 10_000.5;
  const base = { durationMs: 20_000, rate: 3000, hardware: { pageCacheFlushMs: 60_000 }, brokerConfig: { "min.insync.replicas": 2 } };

  it("a power loss truncates what the broker had not flushed", () => {
    const { engine, report } = runToReport(smallScenario({ ...base, faults: [{ kind: "power-loss", target: "broker-1", at: faultAt }] }));
    expect(report.cluster.brokers[0]!.state).toBe("powered off");
    expect(report.cluster.brokers[0]!.truncatedMessages).toBeGreaterThan(20_000);
    expect(report.cluster.brokers[1]!.truncatedMessages).toBe(0);
    expect(report.cluster.brokers[2]!.truncatedMessages).toBe(0);
    // nothing was ever flushed (first flush at 60 s), so broker 1's logs are empty
    for (const replica of engine.cluster.brokers[1]!.hostedReplicas()) expect(replica.log.logEndOffset).toBe(0);
    // the other replicas had it all: acks=all with three replicas loses nothing
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("a process crash keeps the page cache: nothing is truncated", () => {
    const { engine, report } = runToReport(smallScenario({ ...base, faults: [{ kind: "crash", target: "broker-1", at: faultAt }] }));
    expect(report.cluster.brokers[0]!.truncatedMessages).toBe(0);
    let kept = 0;
    for (const replica of engine.cluster.brokers[1]!.hostedReplicas()) kept += replica.log.logEndOffset;
    expect(kept).toBeGreaterThan(20_000);
  });

  it("data flushed before the power loss survives it", () => {
    // flushes every second: at most ~1 s of writes is lost
    const { report } = runToReport(smallScenario({ ...base, hardware: { pageCacheFlushMs: 1000 }, faults: [{ kind: "power-loss", target: "broker-1", at: faultAt }] }));
    const truncated = report.cluster.brokers[0]!.truncatedMessages;
    expect(truncated).toBeGreaterThan(0);
    expect(truncated).toBeLessThan(3000 * 1.5);
  });
});

describe("follower fetching", () => {
  it("a parked follower fetch is answered once per produce request, with every partition it appended", () => {
    // 6 partitions on 3 brokers: each broker leads 2, and each produce request carries both
    const engine = new Engine(smallScenario({ durationMs: 10_000, partitions: 6, rate: 20_000 }));
    const leader = engine.cluster.brokers[1]!;
    let produces = 0;
    let partitionsProduced = 0;
    const fetchesFrom = new Map<number, number>();
    const handleProduce = leader.handleProduce.bind(leader);
    leader.handleProduce = (request, reply) => {
      if (engine.now > 5000) {
        produces++;
        partitionsProduced += request.entries.length;
      }
      handleProduce(request, reply);
    };
    const handleReplicaFetch = leader.handleReplicaFetch.bind(leader);
    leader.handleReplicaFetch = (follower, entries, reply) => {
      if (engine.now > 5000) fetchesFrom.set(follower, (fetchesFrom.get(follower) ?? 0) + 1);
      handleReplicaFetch(follower, entries, reply);
    };
    engine.runUntil(10_000);
    expect(partitionsProduced / produces).toBeGreaterThan(1.8);
    // Kafka completes delayed fetches after the whole request is appended: one fetch round per
    // produce request. Woken after the first partition, a follower would need a second round.
    for (const follower of [2, 3]) {
      const perProduce = fetchesFrom.get(follower)! / produces;
      expect(perProduce).toBeGreaterThan(0.9);
      expect(perProduce).toBeLessThan(1.2);
    }
  });

  it("places followers as Kafka's rack-unaware assignment does, so a broker follows many leaders", () => {
    const engine = new Engine(smallScenario({ durationMs: 1000, partitions: 6 }));
    const placed = [0, 1, 2, 3, 4, 5].map((p) => partitionState(engine, p).replicas);
    // first replica (the preferred leader) round-robin; the followers' shift grows every 3 partitions
    expect(placed).toEqual([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 3, 2],
      [2, 1, 3],
      [3, 2, 1],
    ]);
  });
});
