import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { runToReport, smallScenario } from "../support/engine-scenarios";

// delivery.timeout.ms is "an upper bound on the time to report success or failure after a call to
// send() returns". Kafka's sender expires batches in flight too (Sender.getExpiredInflightBatches,
// KIP-91) and ignores their late answers. The model expired only batches waiting in the
// accumulator, so a batch whose deadline passed on the wire was acknowledged when the answer came.

it("no record is acknowledged later than delivery.timeout.ms after it was created", () => {
  const { report } = runToReport(
    smallScenario({
      durationMs: 90_000,
      rate: 1000,
      partitions: 1,
      replicationFactor: 1,
      producerConfig: { "delivery.timeout.ms": 40_000 },
      // a 24 s round trip (under request.timeout.ms = 30 s): batches queue behind
      // max.in.flight.requests.per.connection and many reach their deadline on the wire
      faults: [{ kind: "slow-link", from: "p", to: "broker-1", extraLatencyMs: 12_000, at: "5s", duration: "60s" }],
    }),
  );
  expect(report.produced.failed).toBeGreaterThan(10_000); // the set-up works: deadlines do pass
  expect(report.produced.errors["DELIVERY_TIMEOUT"]).toBe(report.produced.failed);
  // actual before the fix: 51,973 ms (10 batches acknowledged up to 12 s after their deadline)
  expect(report.produced.ackLatencyMs.max).toBeLessThanOrEqual(40_000);
  expect(report.delivery.ackedLost).toBe(0);
});

// The accumulator's deque holds the open batch too: with no leader to send to, a batch that is still
// filling expires at its deadline (RecordAccumulator.expiredBatches), not when it finally fills.
it("a batch still open when its delivery.timeout.ms runs out fails then", () => {
  const engine = new Engine(
    smallScenario({
      durationMs: 300_000,
      rate: 0.5, // a 16 KB batch of 200-byte records takes 160 s to fill
      partitions: 1,
      replicationFactor: 1,
      faults: [{ kind: "crash", target: "broker-1", at: "5s", duration: "200s" }],
    }),
  );
  const producer = engine.producers.get("p") as any; // test-only peek at when each batch fails
  let failures = 0;
  let mostLate = 0;
  const fail = producer.fail.bind(producer);
  producer.fail = (queue: unknown, batch: { deadline: number }, error: number) => {
    failures++;
    mostLate = Math.max(mostLate, engine.now - batch.deadline);
    return fail(queue, batch, error);
  };
  engine.run();
  expect(failures).toBeGreaterThan(0);
  // actual before the fix: 40,005 ms (the open batch failed once full, with records only 40 s old)
  expect(mostLate).toBeLessThanOrEqual(5); // one producer tick (linger.ms)
  const report = engine.report();
  expect(report.produced.errors["DELIVERY_TIMEOUT"]).toBe(report.produced.failed);
});
