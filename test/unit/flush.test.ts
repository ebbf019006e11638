/**
 * Kafka's own flush policy (flush.messages, flush.ms): by default Kafka never
 * fsyncs, leaving durability to replication and the OS's write-back, so a
 * power loss takes what was in the page cache. With one replica nothing else
 * has it; flush.messages = 1 fsyncs every append before the answer, and the
 * disk's pace shows in the produce latency.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { pidOf, runToReport, smallScenario } from "../support/engine-scenarios";

// one replica, acks=1, a power loss of the broker that holds partition 0 (broker-1) for 5 s at 10 s;
// the OS writes back every 60 s, so without Kafka's fsync nothing of the first 10 s is on disk
const onOneReplica = (topicConfig: Record<string, number>, brokerConfig: Record<string, number> = {}, diskMBps = 500) =>
  smallScenario({
    durationMs: 25_000,
    rate: 3000,
    partitions: 3,
    replicationFactor: 1,
    assignment: [[1], [2], [3]],
    hardware: { pageCacheFlushMs: 60_000, diskMBps },
    brokerConfig,
    topicConfig,
    producerConfig: { acks: "1" },
    faults: [{ kind: "power-loss", target: "broker-1", at: 10_000.5, duration: "5s" }],
  });

describe("flush policy", () => {
  it("by default a power loss of the only replica loses what was acknowledged; flush.messages = 1 loses nothing", () => {
    const lazy = runToReport(onOneReplica({})).report;
    expect(lazy.delivery.ackedLost).toBeGreaterThan(5000);
    expect(lazy.delivery.why.some((w) => /power loss/.test(w))).toBe(true);
    const eager = runToReport(onOneReplica({ "flush.messages": 1 })).report;
    expect(eager.delivery.ackedLost).toBe(0);
    expect(eager.cluster.brokers[0]!.truncatedMessages).toBe(0);
  });

  it("flush.ms with the flusher every 100 ms loses at most what came since the last fsync", () => {
    const { report } = runToReport(onOneReplica({ "flush.ms": 200 }, { "log.flush.scheduler.interval.ms": 100 }));
    // about 1,000 msg/s reach partition 0: at most ≈300 ms of them were unflushed
    expect(report.cluster.brokers[0]!.truncatedMessages).toBeGreaterThan(0);
    expect(report.cluster.brokers[0]!.truncatedMessages).toBeLessThan(450);
  });

  it("flush.ms counts from Kafka's own last fsync, not from the OS's write-back", () => {
    // the flusher looks every 100 ms and fsyncs at 1 s, 2 s, …; the OS writes back at 1.5 s, 3 s, …
    const engine = new Engine(smallScenario({ durationMs: 5000, rate: 1000, hardware: { pageCacheFlushMs: 1500 }, brokerConfig: { "log.flush.scheduler.interval.ms": 100 }, topicConfig: { "flush.ms": 1000 } }));
    engine.runUntil(1700);
    const log = engine.cluster.brokers[1]!.replica(pidOf(engine, 0)).log;
    expect(log.flushedAtMs).toBe(1000);
    // the write-back itself did reach the disk
    expect(log.flushedOffset).toBeGreaterThan(0);
  });

  it("an fsync per append makes the answer wait for the disk: produce latency follows the disk's speed", () => {
    const p99 = (topicConfig: Record<string, number>) => runToReport(onOneReplica(topicConfig, {}, 2)).report.produced.ackLatencyMs.p99!;
    const lazy = p99({});
    const eager = p99({ "flush.messages": 1 });
    expect(eager).toBeGreaterThan(lazy + 0.5);
  });

  it("each fsync holds the disk for hardware.fsyncMs: an fsync per append costs that per append, and an fsync-free run nothing", () => {
    const ack = (fsyncMs: number, topicConfig: Record<string, number>) =>
      runToReport(smallScenario({ durationMs: 10_000, rate: 2000, hardware: { fsyncMs }, topicConfig, producerConfig: { acks: "1" } })).report.produced.ackLatencyMs.p50!;
    // no fsync: the flush time is never paid
    expect(ack(10, {})).toBe(ack(0, {}));
    const quick = ack(0.1, { "flush.messages": 1 });
    const slow = ack(5, { "flush.messages": 1 });
    // an append waits for its partition's fsync, in turn with the others' on that disk
    expect(slow - quick).toBeGreaterThan(4.5);
    const fsyncs = (fsyncMs: number) => {
      const engine = new Engine(smallScenario({ durationMs: 5_000, rate: 2000, hardware: { fsyncMs }, topicConfig: { "flush.messages": 1 } }));
      engine.run();
      return engine.cluster.brokers[1]!.pageCache.fsyncs;
    };
    // every append is fsynced, as leader and as follower
    expect(fsyncs(1)).toBeGreaterThan(1000);
  });
});
