/**
 * The page cache keeps a broker's newest writes only (hardware.pageCacheMB):
 * a fetch of data written longer ago reads the disk, in turn with the writes,
 * so a consumer far behind catches up at the disk's pace, not memory's.
 */
import { describe, expect, it } from "vitest";
import { BatchStore, ReplicaLog } from "../../shared/kafka/log";
import { Engine } from "../../shared/engine/engine";
import { smallScenario, TOPIC } from "../support/engine-scenarios";

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
    expect(evicted.report().delivery.ackedLost).toBe(0);
  });
});
