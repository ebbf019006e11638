import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// keys: { type: hot, count: 1, hotShare: 0 } passed validation, then the run stopped with
// "internal error: alias table needs a positive total weight": the one key got weight
// hotShare × count = 0 and there was no other. With one key, that key is the hot one.
it("a hot-key distribution of one key sends every record with that key, whatever hotShare says", () => {
  const scenario = scenarioSchema.parse({
    name: "hot-single-key", description: "x", duration: 3000,
    cluster: { brokers: 1 },
    topics: [{ name: "t", partitions: 4 }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 1000 }, keys: { type: "hot", count: 1, hotShare: 0 } }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const report = engine.report();
  expect(report.produced.acked).toBeGreaterThan(2500);
  const used = engine.cluster.topics.get("t")!.pids.filter((pid) => engine.cluster.brokers[1]!.replica(pid).log.logEndOffset > 0);
  expect(used.length).toBe(1);
});
