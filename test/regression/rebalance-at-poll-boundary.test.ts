import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// Kafka runs a rebalance inside poll(): the heartbeat thread only learns of it, and the
// application rejoins (revoking its partitions, committing) when it next calls poll(), so the
// poll being processed is finished and committed first. The model revoked mid-poll: that poll's
// records were processed but never committed, and the next owner delivered them again.
it("an eager rebalance waits for the poll being processed: with a commit after every poll, no survivor delivers anything twice", () => {
  const scenario = scenarioSchema.parse({
    name: "rebalance", description: "x", seed: 2, duration: 90_000,
    cluster: { brokers: 3 },
    topics: [{ name: "t", partitions: 6, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 2450 }, keys: { type: "uniform", count: 1000 }, recordBytes: 100 }],
    // 500 records a poll at 1.2 ms each: a poll takes 0.6 s, so a rebalance almost always finds one under way
    consumerGroups: [{ id: "g", topics: ["t"], consumers: 3, processingMsPerRecord: 1.2, config: { "auto.offset.reset": "earliest", "enable.auto.commit": false, "partition.assignment.strategy": "range" } }],
    faults: [{ kind: "crash", target: "g-1", at: "20s" }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const report = engine.report();
  expect(report.processors[0]!.rebalances).toBeGreaterThanOrEqual(1);
  expect(report.delivery.duplicatesDelivered).toBe(0);
  // and the survivors did take over all six partitions
  const owned = ["g-0", "g-2"].flatMap((id) => engine.consumers.get(id)!.ownedPartitions);
  expect(owned.length).toBe(6);
  expect(new Set(owned).size).toBe(6);
});
