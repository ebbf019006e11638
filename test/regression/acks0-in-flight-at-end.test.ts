import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { formatSummary } from "../../shared/engine/summary";
import { scenarioSchema } from "../../shared/scenario/schema";

// acks=0 counts a write as done when it is sent. A batch sent in the run's last instant had not
// reached the broker when the logs were read, and the report called it "ACKNOWLEDGED BUT LOST",
// explained by leadership moving (there was one broker and no election). It is now counted as in
// flight at the end; real acks=0 loss (a crash) still counts as lost.
function acks0(faults: unknown[] = []) {
  return scenarioSchema.parse({
    name: "acks0", description: "x", duration: 5000,
    cluster: { brokers: 1 },
    topics: [{ name: "t", partitions: 1 }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 1000 }, config: { acks: "0", "linger.ms": 500, "batch.size": 1_048_576 } }],
    faults,
  });
}

it("a healthy acks=0 run that ends with a batch on the wire loses nothing: the batch is in flight at the end", () => {
  const engine = new Engine(acks0());
  engine.run();
  const report = engine.report();
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.delivery.why).toEqual([]);
  // linger.ms = 500 at 1,000 msg/s (batch.size large enough that batches never fill): the batch closed at t = 5 s left exactly then
  expect(report.delivery.inFlightAtEnd).toBeGreaterThan(400);
  expect(report.delivery.inFlightAtEnd).toBeLessThan(600);
  expect(formatSummary(report)).toMatch(/in flight at the end \(acks=0\) +\d{3}\n/);
  // no consumer: no end-to-end latency to show (it used to print 0.0)
  expect(formatSummary(report)).toMatch(/p50 +n\/a +p95 n\/a\n.*p99 +n\/a +max n\/a\n/);
});

it("acks=0 writes sent to a crashed broker are lost, and the report says why", () => {
  const engine = new Engine(acks0([{ kind: "crash", target: "broker-1", at: 2000, duration: 1000 }]));
  engine.run();
  const report = engine.report();
  // the batch on its way when the broker died (linger.ms = 500: about 500 records); later batches wait
  // in the accumulator for the connection, which opens again once the broker is back
  expect(report.delivery.ackedLost).toBeGreaterThan(400);
  expect(report.delivery.ackedLost).toBeLessThan(600);
  expect(report.delivery.why[0]).toMatch(/^acks=0: the producer counts a write as done once it is sent/);
});
