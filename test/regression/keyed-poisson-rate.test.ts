import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// Producer.accumulate: a negative carry (left by the rounding-leftover step) makes k = floor(exact)
// negative, and `left -= k` then *adds* records; the surplus grows over time.
it("a keyed Poisson producer sends what its workload says (2000 msg/s for 30 s ≈ 60,000)", () => {
  const scenario = scenarioSchema.parse({
    name: "rate", description: "x", duration: 30_000,
    cluster: { brokers: 3 },
    topics: [{ name: "events", partitions: 4, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "events", workload: { type: "poisson", rate: 2000 }, keys: { type: "uniform", count: 500 } }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const { attempted } = engine.report().produced;
  // actual: 111,113 (1.85x), and the per-5-s count climbs 11k, 14.6k, 16.6k, 19.8k, 24.2k, 24.8k
  expect(attempted).toBeGreaterThan(57_000);
  expect(attempted).toBeLessThan(63_000);
});
