import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// Kafka keeps a follower in the ISR while its log end equals the leader's, however long ago it
// fetched (Replica.isCaughtUp): on a partition nobody writes to, a follower cut off from its
// leader is still in sync. The model shrank the ISR on time alone.
it("a follower cut off from the leader of an idle partition stays in its ISR; on a busy one it is removed after replica.lag.time.max.ms", () => {
  const scenario = scenarioSchema.parse({
    name: "idle", description: "x", duration: 55_000,
    cluster: { brokers: 3 },
    topics: [
      { name: "idle", partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]] },
      { name: "busy", partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]] },
    ],
    producers: [{ id: "p", topic: "busy", workload: { type: "constant", rate: 100 }, keys: { type: "uniform", count: 10 } }],
    faults: [{ kind: "cut", from: "broker-1", to: "broker-3", at: "10s", duration: "40s" }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const shrinks = engine.report().events.filter((e) => e.kind === "isr" && e.text.includes("shrank")).map((e) => e.text.split(" ")[0]);
  expect(shrinks).toEqual(["busy-0"]);
  const isrOf = (topic: string) => engine.cluster.controller.partitions[engine.cluster.topics.get(topic)!.pids[0]!]!.isr;
  expect([...isrOf("idle")].sort()).toEqual([1, 2, 3]);
});
