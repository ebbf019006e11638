/**
 * The page cache keeps a broker's newest writes only (hardware.pageCacheMB):
 * a fetch of data written longer ago reads the disk, in turn with the writes,
 * so a consumer far behind catches up at the disk's pace, not memory's.
 */
import { describe, expect, it } from "vitest";
import { BatchStore, ReplicaLog } from "../../shared/kafka/log";
import { Engine } from "../../shared/engine/engine";
import { runToReport, smallScenario, TOPIC } from "../support/engine-scenarios";

const MB = 1024 * 1024;

describe("ReplicaLog write marks", () => {
  it("tell which of a range of batches the broker wrote before a point in its writes, erring towards cached", () => {
    const store = new BatchStore();
    const log = new ReplicaLog();
    // 10 batches of 0.5 MB; the broker writes 1 MB elsewhere between two of this log's
    let written = 0;
    for (let i = 0; i < 10; i++) {
      log.append(store.add(0, i, 1, MB / 2, 0, 0), 1, MB / 2, 0);
      written += MB / 2 + MB;
      log.noteWritten(written);
    }
    // a mark per MB of log: after batches 0, 2, 4, 6, 8 (log at 0.5, 1.5, 2.5, 3.5, 4.5 MB; broker at 1.5, 4.5, 7.5, 10.5, 13.5 MB)
    expect(log.bytesWrittenBefore(0, 10, 0)).toBe(0);
    expect(log.bytesWrittenBefore(0, 10, 1.5 * MB)).toBe(0.5 * MB);
    expect(log.bytesWrittenBefore(0, 10, 8 * MB)).toBe(2.5 * MB);
    expect(log.bytesWrittenBefore(3, 10, 8 * MB)).toBe(1 * MB);
    expect(log.bytesWrittenBefore(6, 10, 8 * MB)).toBe(0);
    expect(log.bytesWrittenBefore(0, 10, 100 * MB)).toBe(4.5 * MB);
    // a truncation to 3 batches (1.5 MB) drops the marks past the cut, and a new append marks afresh
    log.truncateTo(3);
    expect(log.bytesWrittenBefore(0, 3, 100 * MB)).toBe(1.5 * MB);
    expect(log.bytesWrittenBefore(0, 3, 4 * MB)).toBe(0.5 * MB);
    log.append(store.add(0, 3, 1, 2 * MB, 0, 0), 1, 2 * MB, 0);
    log.noteWritten(200 * MB);
    expect(log.bytesWrittenBefore(0, 4, 150 * MB)).toBe(1.5 * MB);
    expect(log.bytesWrittenBefore(0, 4, 200 * MB)).toBe(3.5 * MB);
  });
});

describe("reads past the page cache", () => {
  // 2,000 records a second of 200 bytes: every broker writes ≈0.4 MB/s (each holds every replica); a
  // group starts 30 s late from the earliest offset, so it first reads 30 s of old data
  const lateReader = (pageCacheMB?: number) =>
    smallScenario({
      durationMs: 60_000,
      rate: 2000,
      hardware: { diskMBps: 1, ...(pageCacheMB ? { pageCacheMB } : {}) },
      consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 1, start: 30_000, config: { "auto.offset.reset": "earliest" } }],
    });
  const caughtUpAt = (engine: Engine) => {
    for (let t = 30_000; t <= 60_000; t += 100) {
      engine.runUntil(t);
      if (engine.stats.totals.consumed >= 2000 * 30) return t;
    }
    return Infinity;
  };

  it("a consumer far behind reads the old data from the disk and catches up at its pace; with the data in memory at once", () => {
    const cached = caughtUpAt(new Engine(lateReader()));
    const evicted = new Engine(lateReader(2));
    const late = caughtUpAt(evicted);
    // from memory: within a few seconds of starting
    expect(cached).toBeLessThan(36_000);
    // ≈10 MB written before its start is older than the newest 2 MB: each leader's share (a third)
    // comes off a 1 MB/s disk, ≈3 s at the least, in turn with that broker's writes
    // (measured: 33.2 s from memory, 39.2 s from the disk)
    expect(late - cached).toBeGreaterThan(3000);
    evicted.run();
    const report = evicted.report();
    expect(report.delivery.ackedLost).toBe(0);
    // what came off the disk is counted per broker, and the log tells when the reads start and stop
    const read = report.cluster.brokers.map((b) => b.diskReadMB);
    expect(Math.min(...read)).toBeGreaterThan(1);
    expect(new Engine(lateReader()).report().cluster.brokers.every((b) => b.diskReadMB === 0)).toBe(true);
    const log = evicted.cluster.events.all().filter((e) => e.kind === "broker").map((e) => e.text);
    for (const b of ["broker-1", "broker-2", "broker-3"]) {
      expect(log).toContainEqual(expect.stringMatching(new RegExp(`^${b} reads from its disk: a fetch asks for data older than the newest 2 MB its page cache holds`)));
      expect(log).toContainEqual(expect.stringMatching(new RegExp(`^${b} no longer reads from its disk: .*\\(\\d.* MB read from the disk in that spell\\)`)));
    }
  });

  it("a second group reading the same topic delivers every message once more, and that is no duplicate", () => {
    const { report } = runToReport(
      smallScenario({
        durationMs: 20_000,
        consumerGroups: [
          { id: "a", topics: [TOPIC], consumers: 2 },
          { id: "b", topics: [TOPIC], consumers: 1, start: 5_000, config: { "auto.offset.reset": "earliest" } },
        ],
      }),
    );
    const [a, b] = report.processors;
    expect(a!.numInputRows).toBeGreaterThan(30_000);
    expect(b!.numInputRows).toBeGreaterThan(30_000);
    expect(report.delivery.duplicatesDelivered).toBe(0);
  });

  it("a power loss empties the page cache: after it, a consumer reads everything older from the disk", () => {
    // the whole run fits in the 8 GB cache; broker-1 loses power at 20 s and is back at 25 s; a group
    // starts at 40 s from the earliest offset. One replica per partition, so broker-1 leads its own again.
    const scenario = (powerLoss: boolean) =>
      smallScenario({
        durationMs: 60_000,
        replicationFactor: 1,
        hardware: { diskMBps: 1 },
        consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 1, start: 40_000, config: { "auto.offset.reset": "earliest" } }],
        faults: powerLoss ? [{ kind: "power-loss", target: "broker-1", at: "20s", duration: "5s" }] : [],
      });
    const warm = runToReport(scenario(false)).report;
    expect(warm.cluster.brokers.every((b) => b.diskReadMB === 0)).toBe(true);
    const { engine, report } = runToReport(scenario(true));
    expect(report.cluster.brokers[0]!.diskReadMB).toBeGreaterThan(0.5);
    expect(report.cluster.brokers[1]!.diskReadMB).toBe(0);
    expect(engine.cluster.events.all().map((e) => e.text)).toContainEqual(expect.stringMatching(/^broker-1 reads from its disk: a fetch asks for data written before it lost power \(its page cache is cold\)/));
  });
});
