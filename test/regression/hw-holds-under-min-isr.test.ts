import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { smallScenario } from "../support/engine-scenarios";

// Kafka >= 3.7 (KAFKA-15583, Partition.maybeIncrementLeaderHW): the high watermark does not move
// while the ISR is smaller than min.insync.replicas (capped at the replication factor). With acks=1
// the leader alone goes on acknowledging writes, but no consumer sees them until the ISR is whole again.
// The model advanced the HW to the leader's log end as soon as the follower left the ISR.
it("acks=1 with the ISR below min.insync.replicas: writes are acknowledged, the high watermark waits for the follower", () => {
  const engine = new Engine(
    smallScenario({
      durationMs: 90_000,
      partitions: 1,
      replicationFactor: 2,
      assignment: [[1, 2]],
      rate: 500,
      brokerConfig: { "min.insync.replicas": 2 },
      producerConfig: { acks: "1" },
      faults: [{ kind: "crash", target: "broker-2", at: "10s", duration: "50s" }],
    }),
  );
  const pid = engine.cluster.topics.get("events")!.pids[0]!;
  const leader = engine.cluster.brokers[1]!.replica(pid);
  engine.runUntil(45_000);
  expect(engine.cluster.controller.partitions[pid]!.isr).toEqual([1]);
  const frozen = leader.highWatermark;
  expect(frozen).toBeGreaterThan(0);
  engine.runUntil(55_000);
  // the leader took 10 s more of writes (500/s), the HW stayed put
  expect(leader.log.logEndOffset - frozen).toBeGreaterThan(4_000);
  expect(leader.highWatermark).toBe(frozen);
  expect(engine.report().cluster.underMinIsrPartitions).toBe(1);
  engine.runUntil(90_000);
  // broker-2 is back (t=60 s), caught up and in the ISR: the HW has reached the log end again
  expect(engine.cluster.controller.partitions[pid]!.isr).toEqual([1, 2]);
  expect(leader.highWatermark).toBeGreaterThan(leader.log.logEndOffset - 100);
  const report = engine.report();
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.cluster.underMinIsrPartitions).toBe(0);
});

it("min.insync.replicas above the replication factor counts as the replication factor (Partition.effectiveMinIsr)", () => {
  const engine = new Engine(
    smallScenario({ durationMs: 10_000, partitions: 1, replicationFactor: 2, assignment: [[1, 2]], rate: 500, brokerConfig: { "min.insync.replicas": 3 }, producerConfig: { acks: "all" } }),
  );
  engine.run();
  const report = engine.report();
  expect(report.produced.acked).toBeGreaterThan(4_000);
  expect(report.produced.failed).toBe(0);
  expect(report.cluster.underMinIsrPartitions).toBe(0);
});
