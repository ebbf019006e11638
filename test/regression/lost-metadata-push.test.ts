/**
 * The controller pushes each metadata change to every broker; a push lost on a cut link used to be
 * skipped for good when a later push arrived first, because every push carried the controller's
 * latest version and the broker took that as its own: its heartbeats then said it was up to date.
 *
 * Found by a liveness search over overlapping faults: broker-1's disk fills (it halts) while the
 * cluster is split {broker-2, broker-3, p} | {broker-1, controller, g-0, g-1}. The controller
 * fences broker-1 and makes broker-2 leader of events-0, but broker-2 is on the other side. At the
 * heal, the push for broker-1's return reached broker-2 before its next heartbeat: broker-2 never
 * learned it led events-0, so the partition had no working leader for the rest of the run, 36,000
 * records waited unacknowledged, and the consumers met NOT_LEADER_OR_FOLLOWER 59,000 times.
 *
 * A push now says which version it starts from; a broker that missed one keeps its old version,
 * and its next heartbeat brings what it missed.
 */
import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { partitionState, smallScenario, TOPIC } from "../support/engine-scenarios";

it("a broker that missed a metadata push catches up at its next heartbeat, even when a later push came first", () => {
  const engine = new Engine(
    smallScenario({
      seed: 135,
      durationMs: 60_000,
      rate: 1500,
      poisson: true,
      hardware: { dirtyLimitMB: 2 },
      brokerConfig: { "min.insync.replicas": 2, "unclean.leader.election.enable": false, "replica.lag.time.max.ms": 4000 },
      producerConfig: { acks: "all", "enable.idempotence": true, "request.timeout.ms": 2000 },
      consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 2, processingMsPerRecord: 0.4, config: { "auto.offset.reset": "earliest", "session.timeout.ms": 6000, "auto.commit.interval.ms": 1000 } }],
      faults: [
        { kind: "lossy-link", from: "g-1", to: "broker-1", oneWay: true, lossRate: 0.1, at: 1011.37, duration: 7613 },
        { kind: "restart", target: "broker-2", at: 9753.37 },
        { kind: "disk-full", target: "broker-1", at: 27832.37, duration: 12167.63 },
        { kind: "partition", groups: [["broker-2", "broker-3", "p"], ["broker-1", "controller", "g-0", "g-1"]], at: 33966.37, duration: 6033.63 },
      ],
    }),
  );
  engine.runUntil(39_000);
  // the controller moved events-0 to broker-2 while broker-2 could not hear it
  expect(partitionState(engine, 0).leader).toBe(2);
  const broker2 = engine.cluster.brokers[2]!;
  expect(broker2.replica(partitionState(engine, 0).pid).role).toBe("follower");
  engine.runUntil(45_000);
  // within a heartbeat or two of the heal it leads, and broker-1 is back in the ISR
  expect(broker2.replica(partitionState(engine, 0).pid).role).toBe("leader");
  expect(broker2.metadataVersion).toBe(engine.cluster.controller.version);
  engine.runUntil(60_000);
  expect([...partitionState(engine, 0).isr].sort()).toEqual([1, 2, 3]);
  const report = engine.report();
  // actual before: 113,440 of 149,742 acknowledged at 100 s
  expect(report.produced.attempted - report.produced.acked).toBeLessThan(100);
  expect(report.processors[0]!.errors["NOT_LEADER_OR_FOLLOWER"] ?? 0).toBeLessThan(5000);
});
