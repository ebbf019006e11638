/**
 * Every lesson in sims/ says what it teaches and what to look for; these
 * tests run each one as shipped (iot-baseline shortened) and check that the
 * model still produces what its description claims. A change to the model
 * that quietly breaks a lesson fails here, not in front of a class.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import type { Report } from "../../shared/engine/report";
import { parseScenario } from "../../shared/scenario/load";

function lesson(name: string, durationMs?: number): { engine: Engine; report: Report; events: string[] } {
  const file = `sims/${name}.yaml`;
  const parsed = parseScenario(readFileSync(file, "utf8"), file);
  if (!parsed.ok) throw new Error(`${file} does not load`);
  const engine = new Engine(parsed.scenario, durationMs === undefined ? {} : { durationMs });
  engine.run();
  const report = engine.report();
  return { engine, report, events: engine.cluster.events.all().map((e) => e.text) };
}

const group = (report: Report, id: string) => report.processors.find((p) => p.id === id)!;

describe("the lessons teach what they say", () => {
  it("iot-baseline: ≈53,333 msg/s end to end, latency of a few milliseconds, nothing lost or duplicated", () => {
    const { report } = lesson("iot-baseline", 60_000);
    expect(Math.abs(report.throughput.sinkMsgsPerSec - 53_333) / 53_333).toBeLessThan(0.02);
    expect(report.latencyMs.p99!).toBeLessThan(20);
    expect(report.delivery).toMatchObject({ ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0, outOfOrder: 0 });
  });

  it("acks-1-leader-crash: acknowledged writes are lost, and the report says it was acks=1", () => {
    const { report } = lesson("acks-1-leader-crash");
    expect(report.delivery.ackedLost).toBeGreaterThan(0);
    expect(report.delivery.why.some((w) => w.startsWith("acks=1"))).toBe(true);
  });

  it("acks-all-leader-crash: a new leader from the ISR, nothing acknowledged lost", () => {
    const { report } = lesson("acks-all-leader-crash");
    expect(report.cluster.leaderElections).toBeGreaterThan(0);
    expect(report.cluster.uncleanLeaderElections).toBe(0);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("unclean-election: an out-of-sync replica leads, and acknowledged writes vanish", () => {
    const { report } = lesson("unclean-election");
    expect(report.cluster.uncleanLeaderElections).toBeGreaterThan(0);
    expect(report.delivery.ackedLost).toBeGreaterThan(0);
    expect(report.delivery.why.some((w) => /unclean leader election/.test(w))).toBe(true);
  });

  it("consumer-rebalance: the group rebalances after the member dies and re-delivers what was not committed", () => {
    const { report } = lesson("consumer-rebalance");
    expect(group(report, "analytics").rebalances).toBeGreaterThan(0);
    expect(report.delivery.duplicatesDelivered).toBeGreaterThan(0);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("consumer-stall: the paused member goes after session.timeout.ms, the stalled one after max.poll.interval.ms; handovers re-deliver", () => {
    const { report, events } = lesson("consumer-stall");
    expect(events.some((t) => /^analytics-0 left group analytics: no heartbeat from analytics-0 for session\.timeout\.ms = 45 s/.test(t))).toBe(true);
    expect(events.some((t) => /^analytics-1 left group analytics: max\.poll\.interval\.ms exceeded/.test(t))).toBe(true);
    expect(report.delivery.duplicatesDelivered).toBeGreaterThan(0);
  });

  it("controller-failover: one failover, then no active controller; the crashed broker-1 is fenced, broker-3 never", () => {
    const { report, events } = lesson("controller-failover");
    expect(report.cluster.quorum.failovers).toBe(1);
    expect(report.cluster.quorum.active).toBeNull();
    expect(events.some((t) => t.startsWith("broker-1 fenced"))).toBe(true);
    expect(events.some((t) => t.startsWith("broker-3 fenced"))).toBe(false);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("retention: the slow consumer skips what retention deleted; deleted is not lost", () => {
    const { report, events } = lesson("retention");
    expect(report.delivery.deletedByRetention).toBeGreaterThan(0);
    expect(report.delivery.expiredUnread).toBeGreaterThan(0);
    expect(report.delivery.ackedLost).toBe(0);
    expect(events.some((t) => /^archiver-0: offset \d+ of sensor_readings-\d is below the log start offset/.test(t))).toBe(true);
  });

  it("slow-disk: hidden until the dirty limit, then throughput falls to the disk's 2 MB/s; no ISR shrink; recovered after the heal; nothing lost", () => {
    const { engine, report, events } = lesson("slow-disk");
    const series = engine.stats.series;
    const full = engine.cluster.events.all().find((e) => /^broker-2's page cache holds 128 MB the disk has not written/.test(e.text));
    // ≈10 MB/s comes in, the disk writes 2: 128 MB fill in ≈16 s
    expect(full!.atMs).toBeGreaterThan(30_000);
    expect(full!.atMs).toBeLessThan(40_000);
    expect(Math.abs(series.rate("sink", 25_000, 30_000) - 53_333) / 53_333).toBeLessThan(0.05);
    // 2 MB/s of 200-byte readings ≈ 10,500 a second
    const slowed = series.rate("acked", 45_000, 75_000);
    expect(slowed).toBeGreaterThan(9000);
    expect(slowed).toBeLessThan(12_500);
    expect(report.latencyMs.max!).toBeGreaterThan(15_000);
    expect(events.some((t) => /ISR shrank/.test(t))).toBe(false);
    expect(report.faults[0]).toMatchObject({ kind: "slow-disk", recoveryStatus: "recovered" });
    expect(report.faults[0]!.recoveryMs!).toBeLessThan(70_000);
    expect(report.delivery).toMatchObject({ ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0 });
  });

  it("catch-up-reads: the backfill group reads the disk at ≈150,000 a second until it reaches the page cache; producers and analytics notice nothing", () => {
    const { engine, report, events } = lesson("catch-up-reads");
    const backfill = group(report, "backfill");
    for (const b of ["broker-1", "broker-2", "broker-3"]) {
      const started = engine.cluster.events.all().find((e) => e.text.startsWith(`${b} reads from its disk: a fetch asks for data older than the newest 64 MB`));
      expect(started!.atMs).toBeGreaterThanOrEqual(60_000);
      expect(started!.atMs).toBeLessThan(65_000);
      expect(events.some((t) => t.startsWith(`${b} no longer reads from its disk`))).toBe(true);
    }
    // the disk writes ≈10.7 MB/s of its 20: each broker reads ≈9 MB/s, ≈47,000 records, for its third
    const reading = engine.stats.series.rate("sink", 68_000, 88_000) - 53_333;
    expect(reading).toBeGreaterThan(130_000);
    expect(reading).toBeLessThan(170_000);
    // a minute and a half of the three brokers' leader data, less the newest 64 MB each
    for (const b of report.cluster.brokers) {
      expect(b.diskReadMB).toBeGreaterThan(250);
      expect(b.diskReadMB).toBeLessThan(350);
    }
    expect(backfill.finalLagMessages).toBeLessThan(300_000);
    expect(backfill.maxLagMessages).toBeGreaterThan(3_000_000);
    // producers notice nothing (acks=all, p99 of a few ms), nor does the group at the log end
    expect(report.produced.ackLatencyMs.p99!).toBeLessThan(10);
    expect(group(report, "analytics").maxLagMessages).toBeLessThan(300_000);
    expect(report.delivery).toMatchObject({ ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0 });
  });

  it("power-loss: the whole rack loses power; acknowledged records only in page caches are gone; one machine alone loses nothing", () => {
    const { report, events } = lesson("power-loss");
    const lostBy = new Map<string, number>();
    for (const t of events) {
      const m = /^(broker-\d) lost power: ([\d,]+) messages in its page cache were never flushed/.exec(t);
      if (m) lostBy.set(m[1]!, Number(m[2]!.replace(/,/g, "")));
    }
    expect(lostBy.size).toBe(3);
    // each lost what came in since its own OS last wrote back: up to 5 s of 53,333 a second, at its own phase
    for (const lost of lostBy.values()) {
      expect(lost).toBeGreaterThan(0);
      expect(lost).toBeLessThan(5.5 * 53_333);
    }
    expect(new Set(lostBy.values()).size).toBe(3);
    const fenced = events.filter((t) => /fenced \(no heartbeat for broker\.session\.timeout\.ms/.test(t));
    expect(fenced).toHaveLength(3);
    // the last broker fenced stays the ISR of every partition: it alone may lead them when the brokers return, the
    // others truncate to it, and what it lost is what is lost, however much more the others kept
    const last = /^(broker-\d) fenced/.exec(fenced[2]!)![1]!;
    expect(report.delivery.ackedLost).toBe(lostBy.get(last));
    expect(report.delivery.why.some((w) => /power loss/.test(w))).toBe(true);
    expect(report.faults[0]).toMatchObject({ kind: "power-loss", recoveryStatus: "recovered" });
    expect(report.cluster.offlinePartitions).toBe(0);
  });

  it("hot-key: one partition takes half the records, its consumer falls behind by ≈3,300 a second, then drains; nothing lost", () => {
    const { engine, report, events } = lesson("hot-key");
    const series = engine.stats.series;
    expect(events.some((t) => /^sensors: 50% of its records now carry key sensor-0, which murmur2 sends to readings-\d \(leader broker-\d\)/.test(t))).toBe(true);
    expect(Math.abs(series.rate("sink", 12_000, 20_000) - 20_000) / 20_000).toBeLessThan(0.05);
    // the hot consumer handles 10,000 a second, the other two a third of the rest each
    const during = series.rate("sink", 25_000, 60_000);
    expect(during).toBeGreaterThan(15_500);
    expect(during).toBeLessThan(18_000);
    const analytics = group(report, "analytics");
    expect(analytics.maxLagMessages).toBeGreaterThan(200_000);
    expect(report.faults[0]).toMatchObject({ kind: "hot-key", recoveryStatus: "recovered" });
    expect(report.delivery).toMatchObject({ ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0 });
  });

  it("slow-sink: nothing lost; the sink takes 15,000 a second of 20,000, so lag climbs", () => {
    const { report } = lesson("slow-sink");
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.throughput.sinkMsgsPerSec).toBeLessThan(0.8 * report.throughput.produceMsgsPerSec);
    expect(group(report, "analytics").finalLagMessages).toBeGreaterThan(100_000);
  });

  it("sink-outage: producers never notice, lag drains after the outage, nothing lost or duplicated", () => {
    const { report } = lesson("sink-outage");
    expect(report.produced.failed).toBe(0);
    expect(report.delivery).toMatchObject({ ackedLost: 0, duplicatesDelivered: 0 });
    // ≈20,000 a second for 20 s piled up, then drained to the auto-commit sawtooth (≈20,000 a second × 5 s)
    const analytics = group(report, "analytics");
    expect(analytics.maxLagMessages).toBeGreaterThan(320_000);
    expect(analytics.finalLagMessages).toBeLessThan(analytics.maxLagMessages / 4);
    expect(report.latencyMs.max!).toBeGreaterThan(15_000);
    expect(report.latencyMs.max!).toBeLessThan(30_000);
  });
});
