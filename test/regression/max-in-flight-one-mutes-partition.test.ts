/**
 * max.in.flight.requests.per.connection = 1 keeps a producer's order even without idempotence:
 * Kafka's Sender mutes a partition while one of its batches is in flight (guaranteeMessageOrder),
 * on whatever connection. The model limited only each connection, so when a partition's leader
 * moved, its next batch went to the new leader while the one before was still out to the old one;
 * that one failed and was retried after it: the log had later messages before earlier ones.
 *
 * The case an overlapping-faults search found: the rack loses power (every append fsynced, so
 * nothing acknowledged is lost), then broker-2 alone does.
 */
import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { smallScenario, TOPIC } from "../support/engine-scenarios";

it("with max.in.flight 1 and no idempotence, a leader change does not reorder a partition's batches", () => {
  const engine = new Engine(
    smallScenario({
      seed: 723,
      durationMs: 40_000,
      rate: 1500,
      poisson: true,
      hardware: { dirtyLimitMB: 2, fsyncMs: 0.1 },
      topicConfig: { "flush.messages": 1 },
      brokerConfig: { "min.insync.replicas": 2, "unclean.leader.election.enable": false, "replica.lag.time.max.ms": 4000 },
      producerConfig: { acks: "all", "request.timeout.ms": 2000, "enable.idempotence": false, "max.in.flight.requests.per.connection": 1 },
      consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 2, processingMsPerRecord: 0.4, config: { "auto.offset.reset": "earliest", "max.poll.interval.ms": 20_000 } }],
      faults: [
        { kind: "slow-disk", target: "broker-3", diskMBps: 0.05, at: 1726.37, duration: 906 },
        { kind: "power-loss", target: "all", at: 4954.37, duration: 4974 },
        { kind: "power-loss", target: "broker-2", at: 19010.37, duration: 8989.63 },
      ],
    }),
  );
  engine.run();
  const { delivery } = engine.report();
  // actual before: 2 out of order
  expect(delivery.outOfOrder).toBe(0);
  expect(delivery.ackedLost).toBe(0);
  // retries of requests whose answers were lost still write twice: that is what idempotence is for
  expect(delivery.duplicatesInLog).toBeGreaterThan(0);
});
