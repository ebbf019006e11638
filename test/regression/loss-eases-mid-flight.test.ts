import { expect, it } from "vitest";
import { runToReport, smallScenario } from "../support/engine-scenarios";

// A message that a lossy link kept losing waits for its sender's next retransmission (200 ms,
// doubling); once the loss ends, that next retransmission gets through. The network used to draw
// every retransmission a message would need when it was sent, at the loss rate of that moment, so
// a message sent into 50 % loss could wait out a drawn back-off of 12.6 s or more even after
// the link was healthy again, and the records behind it on its connection waited with it.
it.each([0.5, 0.7, 0.95])("when a %s lossy link heals, what it was losing arrives at the next retransmission, as after a cut", (lossRate) => {
  const run = (kind: "cut" | "lossy-link") =>
    runToReport(
      smallScenario({
        durationMs: 60_000,
        rate: 2000,
        producerConfig: { acks: "all" },
        faults: [kind === "cut" ? { kind, from: "p", to: "all", at: "10s", duration: "5s" } : { kind, from: "p", to: "all", lossRate, at: "10s", duration: "5s" }],
      }),
    ).report;
  const lossy = run("lossy-link");
  const cut = run("cut");
  // sent at 10 s, retransmitted at 10.2, 10.6, 11.4, 13.0 and 16.2 s: through by about 16.2 s either way
  expect(lossy.produced.ackLatencyMs.max).toBeLessThan(7_000);
  expect(Math.abs(lossy.produced.ackLatencyMs.max - cut.produced.ackLatencyMs.max)).toBeLessThan(1_500);
  expect(lossy.produced.errors["REQUEST_TIMED_OUT"] ?? 0).toBe(0);
  expect(lossy.produced.acked).toBeGreaterThan(cut.produced.acked * 0.99);
  expect(lossy.delivery.ackedLost).toBe(0);
});
