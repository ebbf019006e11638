import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { partitionedLeader } from "../support/engine-scenarios";

// A new leader that has not yet written in its own epoch has the old epoch as its log's latest.
// The old leader, back from a partition with records nobody else had (same epoch, further on),
// was taken as caught up: it re-entered the ISR before truncating, and could then be elected
// with those records. A follower ahead of the leader's log end has diverged: it truncates first.
it("a former leader back from a partition truncates its diverged records before it rejoins the ISR", () => {
  const engine = new Engine(partitionedLeader("1", 75_000));
  engine.run();
  const events = engine.report().events;
  const truncated = events.findIndex((e) => e.kind === "truncation" && e.text.startsWith("broker-1 truncated t-0"));
  const rejoined = events.findIndex((e) => e.kind === "isr" && e.text.includes("ISR expanded (broker 1 caught up)"));
  expect(truncated).toBeGreaterThanOrEqual(0);
  expect(rejoined).toBeGreaterThan(truncated);
  // once back in the ISR, broker-1's log is the leader's, not longer
  const leader = engine.cluster.controller.partitions[0]!.leader;
  expect(engine.cluster.brokers[1]!.replica(0).log.logEndOffset).toBeLessThanOrEqual(engine.cluster.brokers[leader]!.replica(0).log.logEndOffset);
});
