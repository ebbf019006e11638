import { expect, it } from "vitest";
import { runToReport, smallScenario } from "../support/engine-scenarios";

// The idempotent producer (Kafka's default) bumps its epoch after a batch fails for good, so the
// broker starts the sequence afresh. The model let the first batch after the failure restart the
// sequence while older batches still waited to be retried; when those arrived, the broker took them
// for duplicates of what it had and acknowledged them without writing them: acknowledged but lost.
// Kafka holds the partition until the old epoch's requests are answered
// (shouldStopDrainBatchesForPartition), and the broker refuses a batch of an older epoch.

it("followers down longer than delivery.timeout.ms under min.insync.replicas = 2: batches fail, none acknowledged is lost", () => {
  const { engine, report } = runToReport(
    smallScenario({
      durationMs: 200_000,
      rate: 3000,
      brokerConfig: { "min.insync.replicas": 2 },
      faults: [
        { kind: "crash", target: "broker-2", at: "10s", duration: "140s" },
        { kind: "crash", target: "broker-3", at: "10s", duration: "140s" },
      ],
    }),
  );
  expect(report.produced.failed).toBeGreaterThan(0); // delivery.timeout.ms = 120 s ran out for the first ones
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.delivery.duplicatesInLog).toBe(0);
  expect(report.produced.errors["OUT_OF_ORDER_SEQUENCE_NUMBER"] ?? 0).toBe(0);
  expect(report.produced.errors["INVALID_PRODUCER_EPOCH"] ?? 0).toBe(0);
  // sends go through again as soon as the followers are back (150 s), not tens of seconds later
  expect(engine.stats.series.rate("failed", 140_000, 150_000)).toBeGreaterThan(0);
  expect(engine.stats.series.rate("failed", 152_000, 200_000)).toBe(0);
  expect(report.faults[0]!.recoveryStatus).toBe("recovered");
  expect(report.faults[0]!.recoveryMs!).toBeLessThan(145_000);
});

it("a leader down longer than delivery.timeout.ms with replication factor 1: expired batches fail, none acknowledged is lost", () => {
  const { report } = runToReport(
    smallScenario({
      durationMs: 90_000,
      rate: 3000,
      replicationFactor: 1,
      producerConfig: { "request.timeout.ms": 20_000, "delivery.timeout.ms": 30_000 },
      faults: [{ kind: "crash", target: "broker-1", at: "5s", duration: "40s" }],
    }),
  );
  expect(report.produced.failed).toBeGreaterThan(0);
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.delivery.duplicatesInLog).toBe(0);
  expect(report.delivery.outOfOrder).toBe(0);
});
