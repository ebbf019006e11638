import { expect, it } from "vitest";
import { runToReport, smallScenario } from "../support/engine-scenarios";

// A link that loses every packet is, to TCP, a cut link: the sender retransmits (200 ms, doubling)
// and the first retransmission after the loss ends gets through. A 100 % lossy-link used to drop
// such a request outright, so the producer waited out request.timeout.ms (30 s) for each one lost,
// where a cut of the same length cost a few seconds: a 5 s total loss stalled acks for 30 s.
const faults = (kind: "cut" | "lossy-link") => [
  kind === "cut" ? { kind, from: "p", to: "all", at: "10s", duration: "5s" } : { kind, from: "p", to: "all", lossRate: 1, at: "10s", duration: "5s" },
];

it("a 5 s total loss between the producer and the brokers costs what a 5 s cut does, not a request timeout", () => {
  const run = (kind: "cut" | "lossy-link") =>
    runToReport(smallScenario({ durationMs: 50_000, rate: 2000, producerConfig: { acks: "all" }, faults: faults(kind) })).report;
  const lossy = run("lossy-link");
  const cut = run("cut");
  expect(lossy.produced.acked).toBe(cut.produced.acked);
  // the last retransmission before the heal is 3 s after the send (0.2 + 0.4 + 0.8 + 1.6 s), the next 6.2 s
  expect(lossy.produced.ackLatencyMs.max).toBeLessThan(7_000);
  expect(lossy.produced.errors["REQUEST_TIMED_OUT"] ?? 0).toBe(0);
  expect(Math.abs(lossy.produced.ackLatencyMs.max - cut.produced.ackLatencyMs.max)).toBeLessThan(500);
  expect(lossy.delivery.ackedLost).toBe(0);
});
