import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { partitionedLeader } from "../support/engine-scenarios";

// With acks=all, a retried batch the leader already had (idempotence: its sequence is in the log)
// was acknowledged at once, even when the high watermark had not reached it. A leader cut off
// with its producer kept "acknowledging" retries nobody else had, and when the partition healed
// and it truncated to the new leader, acks=all with min.insync.replicas=2 had lost 25 acknowledged
// messages. A duplicate is now answered as its first append would be: once the HW covers it.
it("acks=all: a retried duplicate is acknowledged only once replicated, so a partitioned leader loses nothing acknowledged", () => {
  const engine = new Engine(partitionedLeader("all", 90_000));
  engine.run();
  const report = engine.report();
  expect(report.events.some((e) => e.kind === "truncation" && e.text.startsWith("broker-1 truncated"))).toBe(true);
  expect(report.delivery.ackedLost).toBe(0);
  expect(report.produced.acked).toBeGreaterThan(85_000);
});
