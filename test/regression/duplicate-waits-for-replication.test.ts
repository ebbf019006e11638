import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// With acks=all, a retried batch the leader already had (idempotence: its sequence is in the log)
// was acknowledged at once, even when the high watermark had not reached it. A leader cut off
// with its producer kept "acknowledging" retries nobody else had, and when the partition healed
// and it truncated to the new leader, acks=all with min.insync.replicas=2 had lost 25 acknowledged
// messages. A duplicate is now answered as its first append would be: once the HW covers it.
it("acks=all: a retried duplicate is acknowledged only once replicated, so a partitioned leader loses nothing acknowledged", () => {
  const scenario = scenarioSchema.parse({
    name: "dup-ack", description: "x", duration: 90_000,
    cluster: { brokers: 3, config: { "min.insync.replicas": 2 } },
    topics: [{ name: "t", partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]] }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 1000 }, keys: { type: "uniform", count: 100 }, recordBytes: 100, config: { acks: "all" } }],
    faults: [{ kind: "partition", groups: [["broker-1", "p"], ["broker-2", "broker-3", "controller"]], at: "10s", duration: "60s" }],
  });
  const engine = new Engine(scenario);
  engine.run();
  const report = engine.report();
  expect(report.events.some((e) => e.kind === "truncation" && e.text.startsWith("broker-1 truncated"))).toBe(true);
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.produced.acked).toBeGreaterThan(85_000);
});
