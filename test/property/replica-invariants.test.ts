/**
 * The replication invariants of test/support/replica-invariants.ts (dense
 * offsets, HW <= LEO, HW monotonic per leader epoch, committed prefixes
 * agree, log start <= HW, HW <= every ISR member's LEO), checked every 5 ms
 * of simulated time under random single-broker fault schedules.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { smallScenario } from "../support/engine-scenarios";
import { describeSchedule, scheduledFault, toFaultSpecs, type FaultInput } from "../support/fault-schedules";
import { runChecked } from "../support/replica-invariants";

const DURATION_MS = 25_000;
const STEP_MS = 5;

// short retention: segments roll every second and go 4 s later, so the log start moves throughout a run
const RETENTION = { topic: { "retention.ms": 4000, "segment.ms": 1000 }, broker: { "log.retention.check.interval.ms": 1000 } };

const scenarioFor = (faults: FaultInput[], seed: number, retention = false) =>
  smallScenario({
    seed,
    durationMs: DURATION_MS,
    rate: 2000,
    poisson: false,
    brokerConfig: { "min.insync.replicas": 2, "replica.lag.time.max.ms": 5000, ...(retention ? RETENTION.broker : {}) },
    topicConfig: retention ? RETENTION.topic : {},
    producerConfig: { acks: "all" },
    // ≈0.4 MB/s comes into each broker: a slow disk fills 2 MB of page cache in a few seconds
    hardware: { dirtyLimitMB: 2 },
    faults,
  });

describe("replica invariants under random single-broker faults", () => {
  it("hold at every step of a fault-free run (and the checker does look at something)", () => {
    const engine = new Engine(scenarioFor([], 1));
    const checker = runChecked(engine, STEP_MS);
    expect(checker.violations).toEqual([]);
    expect(checker.checks).toBeGreaterThan(9 * (DURATION_MS / STEP_MS) * 0.9);
    expect(engine.cluster.brokers[1]!.replica(0).log.length).toBeGreaterThan(1000);
  });

  it("hold at every step under crashes, shutdowns, restarts, pauses, isolation, slow links and full or slow disks", () => {
    fc.assert(
      fc.property(fc.array(scheduledFault(["crash", "shutdown", "restart", "pause", "isolate", "slow-link", "disk-full", "slow-disk"]), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (schedule, seed) => {
        const faults = toFaultSpecs(schedule, 1000, DURATION_MS - 1000);
        const checker = runChecked(new Engine(scenarioFor(faults, seed)), STEP_MS);
        expect(checker.violations, `schedule: ${describeSchedule(faults)}; seed ${seed}`).toEqual([]);
      }),
      { numRuns: 15, seed: 424242, endOnFailure: true },
    );
  });

  it("hold with retention deleting segments all along, under the same faults", () => {
    fc.assert(
      fc.property(fc.array(scheduledFault(["crash", "shutdown", "restart", "pause", "isolate", "slow-link", "disk-full", "slow-disk"]), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (schedule, seed) => {
        const faults = toFaultSpecs(schedule, 1000, DURATION_MS - 1000);
        const engine = new Engine(scenarioFor(faults, seed, true));
        const checker = runChecked(engine, STEP_MS);
        expect(checker.violations, `schedule: ${describeSchedule(faults)}; seed ${seed}`).toEqual([]);
        // retention did run: some leader's log start moved
        const moved = engine.cluster.controller.partitions.some((p) => !engine.cluster.partitions[p.pid]!.internal && p.leader > 0 && engine.cluster.brokers[p.leader]!.replica(p.pid).log.logStartOffset > 0);
        expect(moved, `schedule: ${describeSchedule(faults)}; seed ${seed}`).toBe(true);
        expect(engine.report().delivery.ackedLost, `schedule: ${describeSchedule(faults)}; seed ${seed}`).toBe(0);
      }),
      { numRuns: 10, seed: 77, endOnFailure: true },
    );
  });
});
