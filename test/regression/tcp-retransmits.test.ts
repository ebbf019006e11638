import { expect, it } from "vitest";
import { smallScenario, runToReport } from "../support/engine-scenarios";

// Client requests and responses ride TCP connections: a lost segment is sent again after the
// retransmission timeout (200 ms, doubling), and data sent into a cut waits in the sender's socket
// and goes through at the first retransmission after the heal. The model used to drop such
// messages outright, so every request sent during a 3 s blip waited out request.timeout.ms (30 s)
// and 2% packet loss showed as timed-out requests and OUT_OF_ORDER_SEQUENCE_NUMBER errors.

it("a 3 s cut between a producer and a leader delays its writes by about 3 s, not request.timeout.ms", () => {
  const { report } = runToReport(
    smallScenario({
      durationMs: 40_000,
      rate: 1000,
      producerConfig: { acks: "all" },
      faults: [{ kind: "cut", from: "p", to: "broker-1", at: "10s", duration: "3s" }],
    }),
  );
  expect(report.produced.failed).toBe(0);
  expect(report.produced.errors).toEqual({});
  expect(report.produced.acked).toBeGreaterThan(report.produced.attempted - 50); // the last milliseconds are in flight at the end
  expect(report.produced.ackLatencyMs.max).toBeGreaterThan(2_500);
  expect(report.produced.ackLatencyMs.max).toBeLessThan(5_000);
});

it("2% packet loss on a producer's link costs retransmissions, not requests", () => {
  const { report } = runToReport(
    smallScenario({
      durationMs: 30_000,
      rate: 1000,
      producerConfig: { acks: "all" },
      faults: [{ kind: "lossy-link", from: "p", to: "broker-1", lossRate: 0.02, at: "5s", duration: "20s" }],
    }),
  );
  expect(report.produced.failed).toBe(0);
  expect(report.produced.errors).toEqual({});
  expect(report.delivery.ackedLost).toBe(0);
  // some batches waited one or more 200 ms retransmission timeouts
  expect(report.produced.ackLatencyMs.max).toBeGreaterThanOrEqual(200);
  expect(report.produced.ackLatencyMs.p99).toBeLessThan(1_000);
});

it("a cut longer than request.timeout.ms still times requests out, and the producer recovers on a new connection", () => {
  const { report } = runToReport(
    smallScenario({
      durationMs: 90_000,
      rate: 1000,
      producerConfig: { acks: "all", "request.timeout.ms": 5_000 },
      faults: [{ kind: "cut", from: "p", to: "broker-1", at: "10s", duration: "20s" }],
    }),
  );
  expect(report.produced.errors["REQUEST_TIMED_OUT"] ?? 0).toBeGreaterThan(0);
  expect(report.delivery.ackedLost).toBe(0);
  // delivery.timeout.ms (120 s) is longer than the cut: every record is acknowledged in the end
  expect(report.produced.failed).toBe(0);
  expect(report.produced.acked).toBeGreaterThan(report.produced.attempted - 50); // the last milliseconds are in flight at the end
});
