/**
 * Determinism under random fault schedules: the same scenario and seed give
 * the same report byte for byte, however the run is sliced into runUntil
 * steps (the app's pacer slices it by wall-clock frames).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { canonicalReport, PROPERTY_CLUSTER, smallScenario } from "../support/engine-scenarios";
import { describeSchedule, scheduledFault, toFaultSpecs, type FaultInput } from "../support/fault-schedules";

const DURATION_MS = 15_000;

// a slow disk fills PROPERTY_CLUSTER's dirty limit in seconds, so its writes block within a run
const scenarioFor = (faults: FaultInput[], seed: number) => smallScenario({ ...PROPERTY_CLUSTER, seed, durationMs: DURATION_MS, faults });

describe("determinism under random fault schedules", () => {
  it("same scenario + seed ⇒ same report, whether run whole or in random slices", () => {
    fc.assert(
      fc.property(
        fc.array(scheduledFault(["crash", "shutdown", "restart", "pause", "power-loss", "slow-disk", "isolate", "lossy-link", "slow-link"]), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.double({ min: 0.5, max: 900, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (schedule, seed, slices) => {
          const faults = toFaultSpecs(schedule, 500, DURATION_MS - 500);
          const scenario = scenarioFor(faults, seed);
          const whole = new Engine(scenario);
          whole.run();
          const expected = canonicalReport(whole.report());

          const sliced = new Engine(scenario);
          for (let i = 0; sliced.now < DURATION_MS; i++) sliced.runUntil(Math.min(DURATION_MS, sliced.now + slices[i % slices.length]!));
          const context = `schedule: ${describeSchedule(faults)}; seed ${seed}; slices ${slices.map((s) => s.toFixed(1)).join(",")}`;
          expect(sliced.sim.eventsFired, context).toBe(whole.sim.eventsFired);
          expect(canonicalReport(sliced.report()), context).toBe(expected);
        },
      ),
      { numRuns: 15, seed: 31337, endOnFailure: true },
    );
  });

  it("the seed matters: two seeds of one random schedule give different runs", () => {
    fc.assert(
      fc.property(fc.array(scheduledFault(["crash", "pause", "isolate"]), { minLength: 0, maxLength: 2 }), fc.integer({ min: 1, max: 10_000 }), (schedule, seed) => {
        const faults = toFaultSpecs(schedule, 500, DURATION_MS - 500);
        const a = new Engine(scenarioFor(faults, seed));
        a.runUntil(5_000);
        const b = new Engine(scenarioFor(faults, seed + 1));
        b.runUntil(5_000);
        // Poisson arrivals and network jitter come from the seed
        expect(a.stats.totals.attempted === b.stats.totals.attempted && a.sim.eventsFired === b.sim.eventsFired).toBe(false);
      }),
      { numRuns: 10, seed: 4242 },
    );
  });
});
