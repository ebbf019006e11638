import { expect, it } from "vitest";
import { runToReport, smallScenario, TOPIC } from "../support/engine-scenarios";

// The broker refuses a record batch larger than the topic's max.message.bytes (broker default
// message.max.bytes = 1048588) with MESSAGE_TOO_LARGE. The producer splits a refused batch and
// sends the pieces again; a single record too large fails (RecordTooLargeException). The model
// had no such limit: any batch max.request.size let out was written.

const bigRecords = (topicConfig: Record<string, number> = {}) =>
  smallScenario({
    durationMs: 20_000,
    topicConfig,
    producers: [{ id: "p", topic: TOPIC, workload: { type: "constant", rate: 5 }, recordBytes: 1_500_000, config: { "max.request.size": 5_000_000 } }],
  });

it("a record larger than the topic's max.message.bytes fails, though max.request.size lets it out", () => {
  const { report } = runToReport(bigRecords());
  // actual before the fix: 99 acknowledged, 0 failed
  expect(report.produced.acked).toBe(0);
  expect(report.produced.failed).toBeGreaterThan(90);
  expect(report.produced.errors["MESSAGE_TOO_LARGE"]).toBe(report.produced.failed);
  expect(report.events.some((e) => e.text.includes("larger than the topic's max.message.bytes = 1048588") && e.text.includes("RecordTooLargeException"))).toBe(true);
  // the fix users need: raise the topic's limit
  const raised = runToReport(bigRecords({ "max.message.bytes": 2_000_000 })).report;
  expect(raised.produced.failed).toBe(0);
  expect(raised.produced.acked).toBeGreaterThan(90);
});

it("a batch larger than max.message.bytes is split and every record still arrives once, in order", () => {
  const { engine, report } = runToReport(
    smallScenario({ durationMs: 20_000, rate: 50_000, producerConfig: { "batch.size": 2_000_000, "linger.ms": 1000 } }),
  );
  // actual before the fix: no MESSAGE_TOO_LARGE, 2 MB batches written
  expect(report.produced.errors["MESSAGE_TOO_LARGE"]).toBeGreaterThan(0);
  expect((engine.producers.get("p") as unknown as { splits: number }).splits).toBe(report.produced.errors["MESSAGE_TOO_LARGE"]);
  expect(report.produced.failed).toBe(0);
  expect(report.produced.acked).toBeGreaterThan(900_000);
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.delivery.duplicatesInLog).toBe(0);
  expect(report.delivery.outOfOrder).toBe(0);
  // every batch in every log fits the limit
  let largest = 0;
  for (const broker of engine.cluster.brokers.slice(1)) {
    for (const pid of engine.cluster.topics.get(TOPIC)!.pids) {
      const log = broker.replica(pid).log;
      for (let i = 0; i < log.length; i++) largest = Math.max(largest, log.bytesBetween(i, i + 1));
    }
  }
  expect(largest).toBeGreaterThan(500_000);
  expect(largest).toBeLessThanOrEqual(1_048_588);
});

it("pieces still too large are halved until they fit (KAFKA-8350), the broker's message.max.bytes applying to every topic", () => {
  // batch.size 16384 against a 10,000-byte limit: pieces of batch.size are as large as the batch
  const { report } = runToReport(smallScenario({ durationMs: 10_000, rate: 60_000, brokerConfig: { "message.max.bytes": 10_000 } }));
  expect(report.produced.errors["MESSAGE_TOO_LARGE"]).toBeGreaterThan(0);
  // splitting pieces into themselves would go on until delivery.timeout.ms and fail every record
  expect(report.produced.failed).toBe(0);
  expect(report.produced.acked).toBeGreaterThan(400_000);
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.delivery.outOfOrder).toBe(0);
});
