import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema } from "../../shared/scenario/schema";

// Kafka invariant: a leader's high watermark never exceeds the log end offset of any ISR member
// (as the leader last heard it). The model breaks it two ways, both seen here:
//  - KIP-903: a fetch parked at the leader by a follower's *previous* process incarnation (sent just
//    before a clean restart) is still answered, and broker.recordFollowerFetch counts it as fresh:
//    the leader proposes adding the restarted broker to the ISR at its old offset, while the new
//    incarnation's fetcher has not asked for that partition yet.
//  - KIP-497: the HW is computed over replica.isr only, so while that AlterPartition is in flight
//    the HW moves past the offset the follower was added at.
// If the leader dies then, the controller may elect that ISR member (first in the replica list)
// and acks=all writes acknowledged with min.insync.replicas=2 are truncated away.
it("no seed of crash-then-clean-restart opens a window where an ISR member is below the HW, or loses acknowledged writes", () => {
  let windows = 0;
  const lost: string[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    const scenario = scenarioSchema.parse({
      name: "isr-below-hw", description: "x", seed, duration: 40_000,
      cluster: { brokers: 3, config: { "min.insync.replicas": 2, "replica.lag.time.max.ms": 5000 } },
      topics: [{ name: "events", partitions: 3, replicationFactor: 3 }],
      producers: [{ id: "p", topic: "events", workload: { type: "constant", rate: 2000 }, keys: { type: "uniform", count: 500 }, config: { acks: "all" } }],
      // the counterexample fast-check found: broker 1 crashes and comes back; later broker 3 restarts cleanly
      faults: [
        { kind: "crash", target: "broker-1", at: 2991.37, duration: 7552 },
        { kind: "restart", target: "broker-3", at: 11831.11 },
      ],
    });
    const engine = new Engine(scenario);
    search: while (engine.now < 25_000 && engine.sim.step()) {
      for (const broker of engine.cluster.brokers.slice(1)) {
        if (!broker.running) continue;
        for (const replica of broker.hostedReplicas()) {
          if (replica.role !== "leader") continue;
          for (const id of replica.isr) {
            const follower = replica.followers[id];
            if (id !== broker.id && follower && replica.highWatermark > follower.logEndOffset) {
              windows++;
              // the leader crashes at this instant
              engine.command({ type: "inject", fault: { kind: "crash", target: broker.name, at: 0 } });
              break search;
            }
          }
        }
      }
    }
    engine.run();
    const report = engine.report();
    if (report.delivery.ackedLost > 0) lost.push(`seed ${seed}: ${report.delivery.ackedLost} lost ${JSON.stringify(report.delivery.lostExamples)}`);
  }
  // actual (at the time of writing): windows === 7 (seeds 1, 6, 16, 21, 24, 30, 32: events-2 led by broker 1,
  // broker 3 in the ISR 2-5 offsets below the HW), and each of them loses 2-5 acknowledged messages
  expect(lost).toEqual([]);
  expect(windows).toBe(0);
});
