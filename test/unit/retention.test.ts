/**
 * Log retention (DESIGN §3.1 Partitions): a partition's log rolls segments by
 * segment.bytes and segment.ms; every log.retention.check.interval.ms its
 * leader deletes the closed segments past retention.ms or retention.bytes
 * (never the active one, never past the high watermark), the log start offset
 * moves, followers take it from their next fetch, and a consumer still behind
 * it gets OFFSET_OUT_OF_RANGE: auto.offset.reset = earliest moves it to the
 * log start, and the messages it skipped were never read. Deleted is not lost.
 */
import { describe, expect, it } from "vitest";
import { BatchStore, ReplicaLog } from "../../shared/kafka/log";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, runToReport, smallScenario, TOPIC } from "../support/engine-scenarios";

/** A log of `n` batches of 10 messages and 1,000 bytes, one every `everyMs`, from t = 0. */
function logOf(n: number, everyMs: number, segmentBytes = Infinity, segmentMs = Infinity): { log: ReplicaLog; store: BatchStore } {
  const store = new BatchStore();
  const log = new ReplicaLog();
  for (let i = 0; i < n; i++) {
    const t = i * everyMs;
    log.append(store.add(0, i * 10, 10, 1000, t, t), 10, 1000, 0, t, segmentBytes, segmentMs);
  }
  return { log, store };
}

describe("segments", () => {
  it("roll when the active one would pass segment.bytes, or is segment.ms old", () => {
    expect(logOf(10, 100, 3000).log.segments().map((s) => s.start)).toEqual([0, 3, 6, 9]);
    expect(logOf(10, 100, Infinity, 250).log.segments().map((s) => s.start)).toEqual([0, 3, 6, 9]);
    expect(logOf(10, 100).log.segments().map((s) => s.start)).toEqual([0]);
  });

  it("retention.ms deletes closed segments whose newest record is older, never the active one, and moves the log start", () => {
    const { log, store } = logOf(10, 100, 3000); // segments [0..2] [3..5] [6..8] [9]
    // at 1,000 ms with retention 450 ms: the newest records are at 200, 500, 800 and 900 ms
    expect(log.deleteOldSegments(store, 1000, 450, -1, Infinity)).toEqual({ from: 0, to: 6 });
    expect(log.logStartOffset).toBe(60);
    expect(log.segments().map((s) => s.start)).toEqual([6, 9]);
    // everything is old now, but the active segment stays
    expect(log.deleteOldSegments(store, 100_000, 0, -1, Infinity)).toEqual({ from: 6, to: 9 });
    expect(log.logStartOffset).toBe(90);
    expect(log.logEndOffset).toBe(100);
  });

  it("retention.bytes deletes the oldest segments while the rest still hold that much", () => {
    const { log, store } = logOf(10, 100, 3000); // 10,000 bytes in segments of 3,000, 3,000, 3,000, 1,000
    expect(log.deleteOldSegments(store, 0, -1, 6500, Infinity)).toEqual({ from: 0, to: 3 });
    expect(log.logStartOffset).toBe(30);
    // 7,000 left: one more segment would leave 4,000 < 6,500
    expect(log.deleteOldSegments(store, 0, -1, 6500, Infinity)).toEqual({ from: 3, to: 3 });
  });

  it("never deletes past the high watermark, and -1 keeps everything", () => {
    const { log, store } = logOf(10, 100, 3000);
    expect(log.deleteOldSegments(store, 100_000, 0, -1, 45)).toEqual({ from: 0, to: 3 });
    const keep = logOf(10, 100, 3000);
    expect(keep.log.deleteOldSegments(keep.store, 100_000, -1, -1, Infinity)).toEqual({ from: 0, to: 0 });
  });

  it("a follower takes its leader's log start, inside a batch if need be, never past its own end or back", () => {
    const { log } = logOf(5, 100);
    log.advanceStartTo(23);
    expect(log.logStartOffset).toBe(23);
    expect(log.startIndex).toBe(2);
    log.advanceStartTo(10);
    expect(log.logStartOffset).toBe(23);
    log.advanceStartTo(1000);
    expect(log.logStartOffset).toBe(50);
  });
});

// 2,000 msg/s to 3 partitions; the one consumer handles 1,000 msg/s, so its lag grows by 1,000 a second
const slowReader = (topicConfig: Record<string, number>, autoOffsetReset = "earliest") =>
  smallScenario({
    durationMs: 60_000,
    rate: 2000,
    brokerConfig: { "log.retention.check.interval.ms": 2000 },
    topicConfig,
    consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 1, processingMsPerRecord: 1, config: { "auto.offset.reset": autoOffsetReset } }],
  });

describe("retention in a run", () => {
  it("a consumer that falls behind retention.ms skips what was deleted: OFFSET_OUT_OF_RANGE, earliest moves it to the log start; nothing acknowledged is lost", () => {
    const { engine, report } = runToReport(slowReader({ "retention.ms": 15_000, "segment.ms": 3000 }));
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.delivery.deletedByRetention).toBeGreaterThan(0);
    // it read about 1,000 a second of the 2,000 a second written: much of the rest went unread
    expect(report.delivery.expiredUnread).toBeGreaterThan(10_000);
    expect(report.delivery.expiredUnread).toBeLessThanOrEqual(report.delivery.deletedByRetention);
    expect(report.delivery.why.some((w) => w.startsWith("retention: ") && w.includes("retention.ms = 15000"))).toBe(true);
    const resets = eventsOf(engine, "consumer").filter((e) => /is below the log start offset \d+ \(retention deleted/.test(e.text));
    expect(resets.length).toBeGreaterThan(0);
    expect(eventsOf(engine, "broker").some((e) => /deleted [\d,]+ messages in segments past retention/.test(e.text))).toBe(true);
    // the report gives each partition's log start, high watermark and log end, as its leader had them
    expect(report.cluster.partitions.map((p) => `${p.topic}-${p.partition}`)).toEqual([`${TOPIC}-0`, `${TOPIC}-1`, `${TOPIC}-2`]);
    for (const p of report.cluster.partitions) {
      const leader = engine.cluster.brokers[p.leader]!.replica(engine.cluster.topics.get(TOPIC)!.pids[p.partition]!);
      expect([p.logStartOffset, p.highWatermark, p.logEndOffset]).toEqual([leader.log.logStartOffset, leader.highWatermark, leader.log.logEndOffset]);
      expect(p.logStartOffset).toBeGreaterThan(0);
      expect(p.isr).toEqual(expect.arrayContaining([p.leader]));
    }
    // every replica's log start moved, none past its high watermark, the followers' no later than their leader's
    for (const state of engine.cluster.controller.partitions) {
      if (engine.cluster.partitions[state.pid]!.internal) continue;
      const leader = engine.cluster.brokers[state.leader]!.replica(state.pid);
      expect(leader.log.logStartOffset).toBeGreaterThan(0);
      expect(leader.log.logStartOffset).toBeLessThanOrEqual(leader.highWatermark);
      for (const id of state.replicas) {
        const replica = engine.cluster.brokers[id]!.replica(state.pid);
        expect(replica.log.logStartOffset).toBeGreaterThan(0);
        expect(replica.log.logStartOffset).toBeLessThanOrEqual(leader.log.logStartOffset);
      }
    }
  });

  it("retention.bytes does the same by size", () => {
    const { report } = runToReport(slowReader({ "retention.bytes": 2_000_000, "segment.bytes": 500_000 }));
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.delivery.deletedByRetention).toBeGreaterThan(0);
    expect(report.delivery.expiredUnread).toBeGreaterThan(0);
  });

  it("a consumer that keeps up loses nothing to retention: segments are deleted after it read them", () => {
    const scenario = slowReader({ "retention.ms": 15_000, "segment.ms": 3000 });
    scenario.consumerGroups[0]!.processingMsPerRecord = 0.01;
    const { report } = runToReport(scenario);
    expect(report.delivery.deletedByRetention).toBeGreaterThan(0);
    expect(report.delivery.expiredUnread).toBe(0);
    expect(report.delivery.duplicatesDelivered).toBe(0);
  });

  it("a follower down past its leader's log start starts its log there (OFFSET_OUT_OF_RANGE) and copies none of what was deleted", () => {
    // broker-3 is down from 5 s to 35 s; 10 s of retention deletes what it missed, and more
    const scenario = smallScenario({
      durationMs: 50_000,
      rate: 2000,
      brokerConfig: { "log.retention.check.interval.ms": 1000 },
      topicConfig: { "retention.ms": 10_000, "segment.ms": 2000 },
      faults: [{ kind: "crash", target: "broker-3", at: "5s", duration: "30s" }],
    });
    const engine = new Engine(scenario);
    engine.runUntil(35_000);
    engine.runUntil(45_000);
    const resets = eventsOf(engine, "truncation").filter((e) => /^broker-3 fetched events-\d from offset \d+, below leader broker-\d's log start offset \d+ \(OFFSET_OUT_OF_RANGE\): retention deleted what it missed, so it starts its log there without copying the [\d,]+ deleted messages/.test(e.text));
    expect(resets.length).toBe(3);
    for (const state of engine.cluster.controller.partitions) {
      if (engine.cluster.partitions[state.pid]!.internal) continue;
      const leader = engine.cluster.brokers[state.leader]!.replica(state.pid);
      const follower = engine.cluster.brokers[3]!.replica(state.pid);
      // it follows the leader's log start (a deletion a moment ago reaches it with its next fetch)
      expect(follower.log.logStartOffset).toBeGreaterThan(0);
      expect(follower.log.logStartOffset).toBeLessThanOrEqual(leader.log.logStartOffset);
      expect(state.isr).toContain(3);
    }
    // 35-45 s: every follower copied what was written (2 followers × 10 s of 2,000 200-byte messages,
    // 8 MB) and broker-3 what retention had left of the 30 s it missed (measured: 13.8 MB in all);
    // copying all 30 s, as it did before it started at the log start, came to 21.5 MB
    const copied = engine.stats.series.rate("replicatedBytes", 35_000, 45_000) * 10;
    expect(copied).toBeLessThan(17_000_000);
    engine.run();
    expect(engine.report().delivery.ackedLost).toBe(0);
  });

  it("with Kafka's defaults (7 days, 1 GiB segments) nothing is deleted", () => {
    const engine = new Engine(slowReader({}));
    engine.run();
    const report = engine.report();
    expect(report.delivery.deletedByRetention).toBe(0);
    expect(report.delivery.expiredUnread).toBe(0);
  });
});
