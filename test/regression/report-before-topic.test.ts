import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// A producer waits for its topic, created later (a topic added while running, and the app
// scrubbed back before it; or a file whose topic starts after the end). The report named it.
it("a report taken before a producer's topic exists names no producer it does not have", () => {
  const scenario = scenarioSchema.parse({
    name: "late topic", description: "x", duration: 5_000,
    cluster: { brokers: 3 },
    topics: [{ name: "events", partitions: 3, replicationFactor: 3, start: 10_000 }],
    producers: [{ id: "p", topic: "events", workload: { type: "constant", rate: 1000 }, config: { "enable.idempotence": false } }],
  });
  const engine = new Engine(scenario);
  engine.run();
  // actual: TypeError: Cannot read properties of undefined (reading 'idempotent'); the CLI said "internal error"
  const report = engine.report();
  expect(report.produced.attempted).toBe(0);
  expect(report.delivery.why).toEqual([]);
});
