/**
 * The lesson the simulator exists to prove: with acks=all,
 * min.insync.replicas=2, replication factor 3 and clean leader elections,
 * no schedule of broker crashes, clean shutdowns, restarts, pauses, full
 * disks and slow disks (past the page cache's dirty limit) loses an
 * acknowledged message. (Power loss and unclean election are the
 * exceptions, and have their own tests.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { smallScenario } from "../support/engine-scenarios";
import { describeSchedule, scheduledFault, toFaultSpecs } from "../support/fault-schedules";

const DURATION_MS = 30_000;

describe("acks=all + min.insync.replicas=2 + RF 3 + clean elections", () => {
  it("loses no acknowledged message under any schedule of single-broker crashes, shutdowns, restarts, pauses, full and slow disks", () => {
    fc.assert(
      fc.property(fc.array(scheduledFault(["crash", "shutdown", "restart", "pause", "disk-full", "slow-disk"]), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 1000 }), (schedule, seed) => {
        const faults = toFaultSpecs(schedule, 1000, DURATION_MS - 1000);
        const scenario = smallScenario({
          seed,
          durationMs: DURATION_MS,
          rate: 2000,
          // ≈0.4 MB/s comes into each broker: a slow disk fills 2 MB of page cache in a few seconds
          hardware: { dirtyLimitMB: 2 },
          brokerConfig: { "min.insync.replicas": 2, "unclean.leader.election.enable": false, "replica.lag.time.max.ms": 6000 },
          producerConfig: { acks: "all", "enable.idempotence": true },
          faults,
        });
        const engine = new Engine(scenario);
        engine.run();
        const report = engine.report();
        const context = `schedule: ${describeSchedule(faults)}; seed ${seed}`;
        expect(report.cluster.uncleanLeaderElections, context).toBe(0);
        expect(report.delivery.ackedLost, `${context}; lost ${JSON.stringify(report.delivery.lostExamples)}`).toBe(0);
        // the idempotent producer also keeps the log free of duplicates and in order
        expect(report.delivery.duplicatesInLog, context).toBe(0);
        expect(report.delivery.outOfOrder, context).toBe(0);
        // and something was acknowledged at all (a run that acknowledges nothing proves nothing)
        expect(report.produced.acked, context).toBeGreaterThan(0);
      }),
      { numRuns: 20, seed: 20240601, endOnFailure: true },
    );
  });
});
