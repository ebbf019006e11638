import { expect, it } from "vitest";
import { runToReport, smallScenario } from "../support/engine-scenarios";

// acks=0 after a broker crash. Kafka's producer keeps a batch in its accumulator until the leader's
// connection is open (NetworkClient.ready), refreshes its metadata when a connection drops, and a
// broker answers a failed acks=0 write by closing the connection, which makes the client refresh
// too. The model counted batches as sent while they waited for a connection that never opened, and
// never refreshed after the crash: it kept writing into the void until the 5-minute periodic refresh
// (110,963 records lost in a 120 s run).
it("acks=0: a leader crash loses the writes already on their way, then the producer follows the new leader", () => {
  const { report } = runToReport(
    smallScenario({
      durationMs: 120_000,
      rate: 3000,
      producerConfig: { acks: "0", "enable.idempotence": false },
      faults: [{ kind: "crash", target: "broker-1", at: "10s", duration: "30s" }],
    }),
  );
  expect(report.delivery.ackedLost).toBeGreaterThan(0); // acks=0 does lose what the crashed leader had not passed on
  expect(report.delivery.ackedLost).toBeLessThan(100);
  expect(report.delivery.outOfOrder).toBe(0);
  expect(report.produced.failed).toBe(0);
});

it("acks=0 batches wait for the connection and go out in order", () => {
  const { report } = runToReport(smallScenario({ durationMs: 5_000, rate: 3000, producerConfig: { acks: "0", "enable.idempotence": false } }));
  expect(report.delivery.outOfOrder).toBe(0);
  expect(report.delivery.ackedLost).toBe(0);
});
