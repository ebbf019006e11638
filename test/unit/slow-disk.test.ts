/**
 * A slow log disk (DESIGN §3.1 faults "slow or full disk"). Appends land in
 * the page cache; the disk writes them out at its bandwidth. The page cache
 * hides a slow disk until `dirtyLimitMB` waits for it; from then on every
 * write waits (Linux's balance_dirty_pages), so the broker's produce answers
 * and its follower fetches slow down. A power loss loses what the disk has not
 * written yet.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PageCache } from "../../shared/kafka/page-cache";
import { ServiceQueue, Timeline } from "../../shared/kafka/resources";
import { formatProblems, parseScenario } from "../../shared/scenario/load";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, runUntilTrue, smallScenario } from "../support/engine-scenarios";

const MB = 1024 * 1024;

describe("PageCache", () => {
  it("takes writes at once and lets a writer wait only once more than the dirty limit waits for the disk", () => {
    // 1 MB/s: a byte takes 1000/MB ms; the dirty limit is 2 MB
    const cache = new PageCache(1, 2);
    expect(cache.write(0, MB)).toBeCloseTo(1000, 6);
    expect(cache.blockedUntil).toBe(0);
    expect(cache.write(0, MB)).toBeCloseTo(2000, 6);
    expect(cache.blockedUntil).toBe(0);
    expect(cache.dirtyBytes(0)).toBeCloseTo(2 * MB, 0);
    // a third MB: the disk must get back under 2 MB waiting, which takes 1 s
    expect(cache.write(0, MB)).toBeCloseTo(3000, 6);
    expect(cache.blockedUntil).toBeCloseTo(1000, 6);
    // a write counts as dirty until the disk has finished it: at 1.5 s the second and third still are
    expect(cache.dirtyBytes(1500)).toBe(2 * MB);
  });

  it("reads of old data take the disk in turn with writes, delaying them, but are not dirty data", () => {
    const cache = new PageCache(1, 2.5);
    expect(cache.write(0, MB)).toBeCloseTo(1000, 6);
    expect(cache.read(0, 5 * MB)).toBeCloseTo(6000, 6);
    expect(cache.write(0, MB)).toBeCloseTo(7000, 6);
    expect(cache.blockedUntil).toBe(0);
    expect(cache.dirtyBytes(0)).toBe(2 * MB);
    expect(cache.dirtyBytes(1000)).toBe(MB);
    expect(cache.backlogMs(1000)).toBeCloseTo(6000, 6);
    // a third MB passes the 2.5 MB limit: it waits for the write that gets back under it (the one at 1 s)
    cache.write(0, MB);
    expect(cache.blockedUntil).toBeCloseTo(1000, 6);
  });

  it("writes back only what the disk has written: each partition is durable up to its first unwritten append", () => {
    const cache = new PageCache(1, 100);
    cache.note(cache.write(0, MB), 7, 0); // partition 7, offsets from 0, on disk at 1 s
    cache.note(cache.write(0, MB), 8, 0); // partition 8, on disk at 2 s
    cache.note(cache.write(0, MB), 7, 50); // partition 7, offsets from 50, on disk at 3 s
    const seen = (now: number) => {
      const out: [number, number][] = [];
      cache.writeBack(now, (pid, upTo) => out.push([pid, upTo]));
      return out;
    };
    expect(seen(500)).toEqual([
      [7, 0],
      [8, 0],
    ]);
    expect(seen(2500)).toEqual([[7, 50]]);
    expect(seen(3000)).toEqual([]);
    // a power loss: nothing is left for the disk to write
    cache.note(cache.write(4000, MB), 7, 90);
    cache.lose();
    expect(cache.dirtyBytes(4000)).toBe(0);
    expect(seen(4000)).toEqual([]);
  });

  it("re-times what is queued when the disk slows down or recovers, keeping the bytes waiting; the slowest fault applies", () => {
    const cache = new PageCache(10, 100);
    cache.note(cache.write(0, 10 * MB), 1, 0); // 1 s at 10 MB/s
    cache.slow(500, 1); // half written; 5 MB left, now at 1 MB/s: 5 s more
    expect(cache.currentMBps).toBe(1);
    expect(cache.backlogMs(500)).toBeCloseTo(5000, 6);
    expect(cache.dirtyBytes(500)).toBe(10 * MB);
    cache.slow(500, 2);
    expect(cache.currentMBps).toBe(1);
    const seen: number[] = [];
    cache.writeBack(5000, (_pid, upTo) => seen.push(upTo));
    expect(seen).toEqual([0]); // still writing at 5 s
    cache.unslow(1500, 1); // 4 MB left, at 2 MB/s now: done at 3.5 s
    expect(cache.currentMBps).toBe(2);
    expect(cache.backlogMs(1500)).toBeCloseTo(2000, 6);
    cache.unslow(1500, 2); // at 10 MB/s: done at 1.9 s
    expect(cache.currentMBps).toBe(10);
    expect(cache.backlogMs(1500)).toBeCloseTo(400, 6);
    expect(cache.dirtyBytes(1899)).toBe(10 * MB);
    expect(cache.dirtyBytes(1900)).toBe(0);
    seen.length = 0;
    cache.writeBack(1900, (_pid, upTo) => seen.push(upTo));
    expect(seen).toEqual([]);
  });
});

describe("ServiceQueue", () => {
  it("serveUntil holds a server until a blocked call returns, so the next request waits for another server", () => {
    const queue = new ServiceQueue(2);
    expect(queue.serveUntil(0, 1, 100)).toBe(100);
    expect(queue.serve(0, 1)).toBe(1);
    expect(queue.serve(0, 1)).toBe(2);
    queue.stretch(0, 3);
    // the blocked server is now busy until 300, the other until 6
    expect(queue.serve(0, 1)).toBe(7);
  });
});

describe("PageCache reads as the disk does them", () => {
  it("count a read as it goes, in turn with writes, and at the new speed after a slow-disk", () => {
    const cache = new PageCache(1, 100);
    cache.write(0, MB); // the disk writes it until 1 s
    expect(cache.read(0, 5 * MB)).toBeCloseTo(6000, 6);
    expect(cache.readBytes).toBe(5 * MB); // asked at once ...
    expect(cache.readBy(500)).toBe(0); // ... read from 1 s on
    expect(cache.readBy(3500)).toBeCloseTo(2.5 * MB, 0);
    cache.slow(3500, 0.5); // the 2.5 MB left take 5 s
    expect(cache.readBy(6000)).toBeCloseTo(3.75 * MB, 0);
    expect(cache.readBy(8500)).toBeCloseTo(5 * MB, 0);
    expect(cache.readBy(20_000)).toBeCloseTo(5 * MB, 0);
  });

  it("never read faster than the disk, whatever mix of reads and writes", () => {
    const op = fc.record({ gapMs: fc.integer({ min: 0, max: 3000 }), read: fc.boolean(), MB: fc.double({ min: 0.01, max: 4, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 10 }), (ops, looks) => {
        const cache = new PageCache(2, 50);
        let now = 0;
        let asked = 0;
        for (const { gapMs, read, MB: size } of ops) {
          now += gapMs;
          if (read) {
            cache.read(now, size * MB);
            asked += size * MB;
          } else cache.write(now, size * MB);
        }
        let t = 0;
        let before = cache.readBy(0);
        for (let i = 0; t < now + 120_000; i++) {
          const step = looks[i % looks.length]!;
          t += step;
          const by = cache.readBy(t);
          expect(by - before).toBeLessThanOrEqual(2 * MB * (step / 1000) * (1 + 1e-9) + 1e-6);
          before = by;
        }
        expect(before).toBeCloseTo(asked, 0);
      }),
      { numRuns: 200 },
    );
  });
});

describe("Timeline (a broker's NIC)", () => {
  it("sends a response ready now in the gap before one booked for later, instead of behind it", () => {
    const nic = new Timeline();
    expect(nic.book(0, 100, 10)).toBe(110); // waiting for the disk until 100
    expect(nic.book(0, 0, 5)).toBe(5);
    expect(nic.book(0, 0, 90)).toBe(95);
    expect(nic.book(0, 0, 10)).toBe(120); // no 10 ms gap before 100: after the booked one
    expect(nic.book(0, 0, 5)).toBe(100); // the 95-100 gap
    expect(nic.backlogMs(0)).toBe(120);
    // jobs ready at once queue one after another, as in a one-server queue
    const fifo = new Timeline();
    expect([fifo.book(0, 0, 3), fifo.book(1, 1, 3), fifo.book(10, 10, 1)]).toEqual([3, 6, 11]);
    expect(fifo.busyMs).toBe(7);
  });

  it("every job takes the earliest time at or after it is ready when the NIC is free for all of it (against every job booked so far)", () => {
    // every response has bytes, so every job takes time (whether an empty one fits between two touching jobs is moot)
    const booking = fc.record({ advance: fc.nat(30), wait: fc.oneof(fc.constant(0), fc.nat(60)), serviceMs: fc.integer({ min: 1, max: 12 }) });
    fc.assert(
      fc.property(fc.array(booking, { maxLength: 60 }), (bookings) => {
        const nic = new Timeline();
        const jobs: [number, number][] = [];
        let now = 0;
        let busy = 0;
        for (const { advance, wait, serviceMs } of bookings) {
          now += advance;
          const ready = now + wait;
          const clashes = (t: number) => jobs.some(([s, e]) => s < t + serviceMs && e > t);
          // the earliest start is the ready time or the end of a job booked before
          const start = [ready, ...jobs.map(([, e]) => e).filter((e) => e > ready)].sort((a, b) => a - b).find((t) => !clashes(t))!;
          expect(nic.book(now, ready, serviceMs)).toBe(start + serviceMs);
          jobs.push([start, start + serviceMs]);
          busy += serviceMs;
          expect(nic.backlogMs(now)).toBe(Math.max(0, ...jobs.map(([, e]) => e - now)));
        }
        expect(nic.busyMs).toBe(busy);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a size or time that is not a finite number (it would stay booked for ever)", () => {
    const nic = new Timeline();
    expect(() => nic.book(0, 0, Number.NaN)).toThrow(/service time NaN/);
    expect(() => nic.book(0, Number.NaN, 1)).toThrow(/ready time NaN/);
    expect(() => nic.book(0, 0, -1)).toThrow(/service time -1/);
    expect(nic.book(0, 0, 1)).toBe(1);
  });
});

describe("slow-disk", () => {
  // 2000 msg/s of 200 bytes: every broker holds every replica, so each writes ≈0.38 MB/s
  const slowFollower = (acks: "all" | "1", brokerConfig: Record<string, number> = {}) =>
    smallScenario({
      durationMs: 60_000,
      hardware: { dirtyLimitMB: 2 },
      brokerConfig: { "min.insync.replicas": 2, ...brokerConfig },
      producerConfig: { acks },
      // broker-3 leads nothing: it is only a follower
      assignment: [
        [1, 2, 3],
        [2, 1, 3],
        [1, 2, 3],
      ],
      faults: [{ kind: "slow-disk", target: "broker-3", diskMBps: 0.1, at: "5s", duration: "30s" }],
    });

  it("is hidden by the page cache until the dirty limit; then acks=all waits for the slow follower; the heal drains it; nothing is lost", () => {
    const engine = new Engine(slowFollower("all"));
    const broker = engine.cluster.brokers[3]!;
    engine.runUntil(6000);
    expect(eventsOf(engine, "broker").some((e) => e.text.startsWith("broker-3's log disk slows to 0.1 MB/s (was 500 MB/s)"))).toBe(true);
    // filling the page cache: ≈0.28 MB/s more comes in than the disk writes, 2 MB takes ≈7 s
    const fullAt = runUntilTrue(engine, 30_000, 100, () => eventsOf(engine, "broker").some((e) => /^broker-3's page cache holds 2 MB the disk has not written \(its dirty limit\)/.test(e.text)));
    expect(fullAt).not.toBeNull();
    expect(fullAt!).toBeGreaterThan(10_000);
    expect(fullAt!).toBeLessThan(16_000);
    expect(broker.pageCache.dirtyBytes(engine.now)).toBeGreaterThan(1.9 * MB);
    // acks=all: every produce waits for the slow follower's fetches, which wait for its disk
    engine.runUntil(30_000);
    const acked = engine.stats.series.rate("acked", 25_000, 30_000);
    expect(acked).toBeLessThan(1000); // the disk writes 0.1 MB/s ≈ 520 msgs of 200 bytes a second
    expect(acked).toBeGreaterThan(200);
    // no ISR shrink: the follower is slow, not behind (it reaches the leader's log end each fetch)
    expect(broker.stats.isrShrinks + engine.cluster.brokers[1]!.stats.isrShrinks + engine.cluster.brokers[2]!.stats.isrShrinks).toBe(0);
    engine.runUntil(35_001);
    expect(eventsOf(engine, "heal").some((e) => /^broker-3's log disk writes 500 MB\/s again: the \d MB waiting in its page cache are written in/.test(e.text))).toBe(true);
    engine.runUntil(45_000);
    expect(engine.stats.series.rate("acked", 43_000, 45_000)).toBeGreaterThan(1800);
    expect(broker.pageCache.dirtyBytes(engine.now)).toBeLessThan(0.1 * MB);
    expect(eventsOf(engine, "broker").some((e) => e.text.startsWith("broker-3's disk has caught up"))).toBe(true);
    engine.run();
    const report = engine.report();
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.faults[0]).toMatchObject({ kind: "slow-disk", target: "broker-3", description: "slow log disk (0.1 MB/s) of broker-3" });
  });

  it("with acks=1 the producer does not wait for it: the slow follower falls behind and leaves the ISR after replica.lag.time.max.ms", () => {
    const engine = new Engine(slowFollower("1", { "replica.lag.time.max.ms": 5000 }));
    const shrunk = runUntilTrue(engine, 35_000, 100, () => eventsOf(engine, "isr").some((e) => /ISR shrank \(broker 3 fell more than replica\.lag\.time\.max\.ms/.test(e.text)));
    expect(shrunk).not.toBeNull();
    // not before the page cache filled (≈ 5 s of 0.38 MB/s coming in, 2 MB limit) and the follower lagged 5 s
    expect(shrunk!).toBeGreaterThan(14_000);
    expect(engine.stats.series.rate("acked", shrunk! - 3000, shrunk!)).toBeGreaterThan(1800);
  });

  it("loses to a power loss what the disk had not written, beyond what the OS write-back interval loses", () => {
    // one replica and acks=1, so what the broker loses is lost; a dirty limit too high to throttle
    const lost = (slow: boolean) => {
      const scenario = smallScenario({
        durationMs: 20_000,
        replicationFactor: 1,
        hardware: { dirtyLimitMB: 1000 },
        producerConfig: { acks: "1" },
        faults: [...(slow ? [{ kind: "slow-disk" as const, target: "broker-1", diskMBps: 0.05, at: "2s" }] : []), { kind: "power-loss", target: "broker-1", at: "12.5s", duration: "2s" }],
      });
      const engine = new Engine(scenario);
      engine.run();
      return engine.report().delivery.ackedLost;
    };
    const normal = lost(false);
    const slowed = lost(true);
    // normally the loss is what came since the last write-back (every 5 s): at most ≈ 5 s of broker-1's share
    expect(normal).toBeGreaterThan(0);
    expect(normal).toBeLessThan(5 * 2000);
    // slowed at 2 s to 0.05 MB/s: of the 10.5 s since, the disk wrote ≈0.5 MB (≈2,600 records of 200 bytes)
    expect(slowed).toBeGreaterThan(normal * 1.5);
  });

  it("from the app or a command: refused, changing nothing, when it names no broker or would not slow the disk", () => {
    const engine = new Engine(smallScenario({ durationMs: 5000 }));
    engine.runUntil(1000);
    const refused = (fault: object) => {
      const result = engine.command({ type: "inject", fault: { kind: "slow-disk", at: 0, ...fault } });
      return result.ok ? "accepted" : result.error;
    };
    expect(refused({ target: "p", diskMBps: 2 })).toMatch(/a slow-disk slows a broker's log disk; "p" is not a broker \(brokers: broker-1, broker-2, broker-3\)/);
    expect(refused({ target: "broker-1", diskMBps: 800 })).toMatch(/a slow-disk of 800 MB\/s would not slow broker-1's 500 MB\/s disk: give diskMBps below it/);
    expect(engine.nemesis.active()).toEqual([]);
    expect(engine.cluster.brokers[1]!.pageCache.currentMBps).toBe(500);
    expect(refused({ target: "broker-1", diskMBps: 2 })).toBe("accepted");
    expect(engine.cluster.brokers[1]!.pageCache.currentMBps).toBe(2);
  });

  it("is a broker's fault: the loader refuses another target and a missing or non-positive bandwidth", () => {
    const yaml = (fault: string) =>
      `name: d\ndescription: d\ncluster: { brokers: 3 }\ntopics: [{ name: t, partitions: 1, replicationFactor: 3 }]\nproducers: [{ id: sensors, topic: t, workload: { type: constant, rate: 10 } }]\nfaults: [{ kind: slow-disk, at: 1s, ${fault} }]`;
    const problems = (fault: string) => {
      const parsed = parseScenario(yaml(fault), "d.yaml");
      return parsed.ok ? "" : formatProblems(parsed.errors);
    };
    expect(problems("target: sensors, diskMBps: 5")).toMatch(/d\.yaml:\d+:\d+: faults\[0\]\.target: expected a broker \(a slow-disk slows a broker's log disk; brokers: broker-1\.\.broker-3\), got "sensors"/);
    expect(problems("target: broker-1")).toMatch(/faults\[0\]\.diskMBps: /);
    expect(problems("target: broker-1, diskMBps: 0")).toMatch(/faults\[0\]\.diskMBps: /);
    expect(problems("target: broker-1, diskMBps: 500")).toMatch(/faults\[0\]\.diskMBps: expected less than the disk's 500 MB\/s \(cluster\.hardware\.diskMBps\): a slow disk writes slower, got 500/);
    expect(problems("target: broker-1, diskMBps: 5")).toBe("");
    expect(problems("target: one, diskMBps: 5")).toBe("");
  });
});
