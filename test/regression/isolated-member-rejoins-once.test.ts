import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// A member cut off from the brokers for longer than request.timeout.ms has a heartbeat, commits
// and fetches time out at the same instant. Each failure used to start its own search for the
// coordinator (the phase said "stable" until the first retry ran), and each search joined the
// group once the link healed: 16 members named analytics-0, every one assigned nothing, and the
// group stopped consuming. One search at a time now: the member rejoins once and reads again.
it("a member isolated past request.timeout.ms and session.timeout.ms rejoins once and the group consumes again", () => {
  const scenario = scenarioSchema.parse({
    name: "isolated-member", description: "x", duration: 80_000,
    cluster: { brokers: 3 },
    topics: [{ name: "events", partitions: 6, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "events", workload: { type: "constant", rate: 2000 }, keys: { type: "uniform", count: 100 } }],
    consumerGroups: [{ id: "g", topics: ["events"], consumers: 2, config: { "auto.offset.reset": "earliest" } }],
    faults: [{ kind: "isolate", target: "g-0", at: "5s", duration: "60s" }], // timeouts at 35 s, session expiry ≈48 s, healed at 65 s
  });
  const engine = new Engine(scenario);
  engine.run();
  const group = engine.coordinator.group("g");
  expect([...group.members.values()].map((m) => m.client).sort()).toEqual(["g-0", "g-1"]);
  for (const m of group.members.values()) expect(m.assignment.length).toBe(3);
  const joins = engine.report().events.filter((e) => e.text === "g-0 joined group g" && e.atMs > 65_000);
  expect(joins.length).toBe(1);
  // both members read again after the heal: the lag the isolation built up is gone by the end
  const report = engine.report();
  expect(report.processors[0]!.finalLagMessages).toBeLessThan(2000 * 6);
});
