import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";
import { eventsOf } from "../support/engine-scenarios";

// KIP-320: after a leader change a consumer validates its position with OffsetsForLeaderEpoch, and
// when the new leader's log ends that epoch below the position (an unclean election truncated it)
// the consumer resumes at the first offset known to diverge. The model only saw OFFSET_OUT_OF_RANGE
// and let auto.offset.reset = earliest re-read the whole partition: 10,165 duplicates in
// unclean-election.yaml, where Kafka delivers none.
it("after an unclean election the consumer resumes where the logs diverge: no duplicates delivered, the new leader's records read", () => {
  const scenario = scenarioSchema.parse({
    name: "unclean", description: "x", duration: 100_000,
    cluster: { brokers: 3, config: { "unclean.leader.election.enable": true, "min.insync.replicas": 1 } },
    topics: [{ name: "t", partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]] }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 1000 }, keys: { type: "uniform", count: 100 }, recordBytes: 100, config: { acks: "all" } }],
    consumerGroups: [{ id: "g", topics: ["t"], consumers: 1, config: { "auto.offset.reset": "earliest" } }],
    faults: [
      { kind: "partition", groups: [["broker-1"], ["broker-2", "broker-3"]], at: "10s" },
      { kind: "crash", target: "broker-1", at: "50s" },
    ],
  });
  const engine = new Engine(scenario);
  engine.run();
  const report = engine.report();
  expect(report.cluster.uncleanLeaderElections).toBe(1);
  expect(report.delivery.ackedLost).toBeGreaterThan(10_000);
  expect(report.delivery.duplicatesDelivered).toBe(0);
  const consumer = engine.consumers.get("g-0")!;
  expect(consumer.truncationsDetected).toBe(1);
  expect(consumer.offsetResets).toBe(0);
  expect(eventsOf(engine, "consumer").some((e) => /log truncation detected on t-0: leader epoch 0 ends at offset \d+ on the new leader/.test(e.text))).toBe(true);
  // it went on reading what the new leader took after the election
  expect(report.processors[0]!.finalLagMessages).toBeLessThan(10_000);
  expect(engine.stats.totals.delivered).toBeGreaterThan(engine.stats.totals.acked - report.delivery.ackedLost - 10_000);
});
