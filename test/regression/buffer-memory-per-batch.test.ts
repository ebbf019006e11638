import { expect, it } from "vitest";
import { runToReport, smallScenario } from "../support/engine-scenarios";

// buffer.memory holds whole batches: Kafka's accumulator takes batch.size bytes from its BufferPool
// for every new batch and gives them back when the batch is done, so many partitions with a few
// records each fill the buffer long before the records' own bytes would. The model counted record
// bytes only: 300 partitions at 30,000 msg/s stayed at about 30 KB of a 1 MiB buffer, where Kafka
// needs about 120 batches × 16 KB and send() blocks.
const run = (bufferMemory: number) =>
  runToReport(smallScenario({ durationMs: 20_000, rate: 30_000, partitions: 300, producerConfig: { "linger.ms": 5, "buffer.memory": bufferMemory } })).report;

it("300 partitions with a 1 MiB buffer.memory: at most 64 batches of 16 KB fit, send() blocks and throughput falls", () => {
  const small = run(1_048_576);
  const ample = run(33_554_432);
  // the default 32 MiB takes the whole stream (all but the last milliseconds)
  expect(ample.produced.acked).toBeGreaterThan(595_000);
  // 1 MiB: records wait in send() for memory, so fewer get through in 20 s, and those that waited are late
  expect(small.produced.acked).toBeLessThan(0.8 * ample.produced.acked);
  expect(small.produced.ackLatencyMs.max!).toBeGreaterThan(100);
  expect(small.delivery.ackedLost).toBe(0);
});
