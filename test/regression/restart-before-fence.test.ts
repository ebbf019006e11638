import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// A broker that restarts before broker.session.timeout.ms expires re-registers with a new
// incarnation: as in KRaft, its previous registration is fenced at once (leadership moves to
// another ISR member), then it follows, catches up and rejoins the ISR. Before the fix the
// partitions it led were left with no acting leader and production stopped.
it("a broker restarted before it is fenced hands its leaderships over, follows again and rejoins the ISR", () => {
  const scenario = scenarioSchema.parse({
    name: "restart-before-fence", description: "x", duration: 20_000,
    cluster: { brokers: 3 },
    topics: [{ name: "events", partitions: 3, replicationFactor: 3 }],
    producers: [{ id: "p", topic: "events", workload: { type: "constant", rate: 2000 }, keys: { type: "uniform", count: 100 }, config: { acks: "all" } }],
    faults: [{ kind: "crash", target: "broker-1", at: "3s", duration: "4s" }], // back at 7 s; fencing would be at ~11 s
  });
  const engine = new Engine(scenario);
  engine.run();
  const state = engine.cluster.controller.partitions[0]!;
  expect(state.leader).not.toBe(1);
  expect(state.leaderEpoch).toBe(1);
  expect(state.isr).toContain(1);
  expect(engine.cluster.brokers[1]!.replica(0).role).toBe("follower");
  expect(engine.cluster.brokers[state.leader]!.replica(0).role).toBe("leader");
  const report = engine.report();
  // production resumes after the restart (before the fix: ~6,000 of ~40,000 acked, nothing after t=3 s)
  expect(report.produced.acked).toBeGreaterThan(35_000);
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.events.some((e) => e.text.includes("restarted and registered again"))).toBe(true);
});
