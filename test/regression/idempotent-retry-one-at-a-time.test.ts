import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { smallScenario } from "../support/engine-scenarios";

// An idempotent producer retries a partition's batches one at a time: a retried batch is sent only
// once every earlier batch of its partition is answered (RecordAccumulator.
// shouldStopDrainBatchesForPartition: "this effectively reduces our in flight request count to 1").
// New batches, which get their sequence when drained, are not held back. The model re-sent all five
// failed batches of a partition at once.

it("an idempotent producer re-sends a failed batch only once every earlier batch of its partition is answered", () => {
  const engine = new Engine(
    smallScenario({
      durationMs: 30_000,
      rate: 3000,
      brokerConfig: { "min.insync.replicas": 2 },
      // 40 ms each way to broker-1: five batches of its partition are in flight when it crashes
      faults: [
        { kind: "slow-link", from: "p", to: "broker-1", extraLatencyMs: 40, at: "1s", duration: "28s" },
        { kind: "crash", target: "broker-1", at: "5s", duration: "10s" },
      ],
    }),
  );
  // test-only peek at the producer's sender: every batch handed to send(), and every batch answered
  const producer = engine.producers.get("p") as any;
  let retriesSent = 0;
  let retriesAheadOfTurn = 0;
  let mostInFlightBeforeCrash = 0;
  const send = producer.send.bind(producer);
  producer.send = (broker: number, batches: any[]) => {
    for (const b of batches) {
      const queue = producer.queues[b.partition];
      if (engine.now < 5000) mostInFlightBeforeCrash = Math.max(mostInFlightBeforeCrash, queue.inFlight);
      if (b.attempts === 0) continue;
      retriesSent++;
      // the oldest batch of the partition neither acknowledged nor failed yet must be this one
      if (queue.outstanding[0] !== b.baseSeq) retriesAheadOfTurn++;
    }
    send(broker, batches);
  };
  engine.run();
  const report = engine.report();
  expect(mostInFlightBeforeCrash).toBe(5); // the set-up works: the slow leader had five in flight
  expect(retriesSent).toBeGreaterThan(5);
  // actual before the fix: 43 of 54 retries went while an earlier batch of the partition was unanswered
  // (now 15 retries in all: fewer sends into the lost connection)
  expect(retriesAheadOfTurn).toBe(0);
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.delivery.outOfOrder).toBe(0);
  expect(report.delivery.duplicatesInLog).toBe(0);
});
