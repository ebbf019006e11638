/**
 * The OS writes dirty pages back whatever the Kafka process does: the page cache is the kernel's.
 * Before, the write-back loop was a timer of the broker process, so a crashed (or paused) broker's
 * unwritten pages stayed unwritten until it restarted, and a power loss while it was down lost
 * them. And every broker's write-back ticked at the same instants (all started at 0 s), so in a
 * rack-wide power loss each lost exactly the same stretch.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, smallScenario } from "../support/engine-scenarios";

const lostPower = (engine: Engine) => eventsOf(engine, "broker").map((e) => /^(broker-\d) lost power: (\d+) messages/.exec(e.text)).filter((m) => m !== null);

describe("the OS's write-back", () => {
  it("goes on while the broker process is down: a power loss 10 s after a crash loses nothing", () => {
    const engine = new Engine(
      smallScenario({
        durationMs: 30_000,
        rate: 2000,
        partitions: 1,
        replicationFactor: 1,
        assignment: [[1]],
        producerConfig: { acks: "1" },
        faults: [
          { kind: "crash", target: "broker-1", at: "10s", duration: "20s" },
          { kind: "power-loss", target: "broker-1", at: "20s", duration: "5s" },
        ],
      }),
    );
    engine.runUntil(10_000);
    // the crash leaves up to a write-back period of appends unwritten in the page cache
    const log = engine.cluster.brokers[1]!.replica(engine.cluster.topics.get("events")!.pids[0]!).log;
    const atCrash = log.logEndOffset;
    expect(atCrash - log.flushedOffset).toBeGreaterThan(0);
    engine.runUntil(26_000);
    // the power loss came and went: the log is all there (actual before: "broker-1 lost power: 10000 messages")
    expect(lostPower(engine)).toEqual([]);
    expect(log.logEndOffset).toBe(atCrash);
  });

  it("ticks at each host's own phase: brokers losing power together lose different stretches", () => {
    const engine = new Engine(smallScenario({ durationMs: 25_000, rate: 3000, faults: [{ kind: "power-loss", target: "all", at: "20s", duration: "2s" }] }));
    engine.runUntil(25_000);
    const lost = lostPower(engine).map((m) => Number(m[2]));
    expect(lost).toHaveLength(3);
    // actual before: the same count three times
    expect(new Set(lost).size).toBe(3);
  });
});
