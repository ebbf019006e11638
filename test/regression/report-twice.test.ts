import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// buildReport() feeds the final logs into the run's one Checker each time it is called.
it("report() called twice gives the same report", () => {
  const scenario = scenarioSchema.parse({
    name: "twice", description: "x", duration: 10_000,
    cluster: { brokers: 3 },
    topics: [{ name: "events", partitions: 3, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "events", workload: { type: "constant", rate: 1000 } }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const first = engine.report();
  const second = engine.report();
  // actual: second.delivery.duplicatesInLog === 9995 (every message counted twice in the log)
  expect(second.delivery).toEqual(first.delivery);
});
