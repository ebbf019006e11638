import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// The eager StickyAssignor revokes everything before rejoining, but its subscription user data
// carries the member's last assignment and its generation, so the new assignment keeps each
// survivor's partitions. The model sent nothing: "sticky" assigned from scratch each time.
it("eager sticky: when a member dies, the survivors keep the partitions they had and share only the dead member's", () => {
  const scenario = scenarioSchema.parse({
    name: "sticky", description: "x", duration: 80_000,
    cluster: { brokers: 3 },
    topics: [{ name: "t", partitions: 9, replicationFactor: 1 }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 500 }, keys: { type: "uniform", count: 100 } }],
    consumerGroups: [{ id: "g", topics: ["t"], consumers: 3, config: { "partition.assignment.strategy": "sticky", "auto.offset.reset": "earliest" } }],
    faults: [{ kind: "crash", target: "g-0", at: "20s" }],
  });
  const engine = new Engine(scenario);
  const owned = (id: string) => [...engine.consumers.get(id)!.ownedPartitions].sort((a, b) => a - b);
  engine.runUntil(15_000);
  const before = { g1: owned("g-1"), g2: owned("g-2"), g0: owned("g-0") };
  expect(before.g0.length + before.g1.length + before.g2.length).toBe(9);
  engine.run();
  expect(engine.report().processors[0]!.rebalances).toBe(1);
  const after = { g1: owned("g-1"), g2: owned("g-2") };
  expect(after.g1.length + after.g2.length).toBe(9);
  for (const pid of before.g1) expect(after.g1).toContain(pid);
  for (const pid of before.g2) expect(after.g2).toContain(pid);
});
