import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// A follower's fetch answered while its broker was paused could not start the next fetch (the
// broker was not running), and nothing restarted the loop on resume: after any pause, however
// short, the broker never fetched again, fell out of every ISR it was in 30 s later and stayed
// out, and acks=all waited the 30 s. Resuming now restarts the fetchers.
it("a broker paused for 5 s fetches again when it resumes: no ISR shrink, nothing under-replicated", () => {
  const scenario = scenarioSchema.parse({
    name: "pause-resumes-fetching", description: "x", duration: 60_000,
    cluster: { brokers: 3, config: { "min.insync.replicas": 2 } },
    topics: [{ name: "t", partitions: 3, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 2000 }, keys: { type: "uniform", count: 100 }, config: { acks: "all" } }],
    faults: [{ kind: "pause", target: "broker-1", at: "5s", duration: "5s" }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const report = engine.report();
  expect(report.events.filter((e) => e.kind === "isr")).toEqual([]);
  for (const state of engine.cluster.controller.partitions) expect([...state.isr].sort()).toEqual([1, 2, 3]);
  for (const b of report.cluster.brokers) expect(b.UnderReplicatedPartitions).toBe(0);
  // writes wait for the paused follower only while it is paused
  expect(report.produced.ackLatencyMs.max).toBeLessThan(6000);
});
