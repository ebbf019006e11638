import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, smallScenario, TOPIC } from "../support/engine-scenarios";

// When a group's coordinator broker fails, its __consumer_offsets partition gets a new leader,
// which loads the group with its members and restarts their sessions; the members find the new
// coordinator and go on heartbeating. A stable group does not rebalance. The model had every
// member rejoin after finding the coordinator again: a needless eager rebalance (all partitions
// revoked) on every coordinator crash or isolation. Found by an audit.

const scenario = (faults: NonNullable<Parameters<typeof smallScenario>[0]>["faults"]) =>
  smallScenario({ durationMs: 90_000, rate: 1000, partitions: 6, consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 2 }], faults });

function coordinatorOf(group: string): number {
  const probe = new Engine(scenario([]));
  probe.runUntil(1000);
  const pid = probe.cluster.brokers[1]!.coordinator.offsetsPartitionOf(group);
  return probe.cluster.controller.partitions[pid]!.leader;
}

for (const kind of ["crash", "isolate"] as const) {
  it(`a ${kind} of the group's coordinator moves the coordinator without a rebalance`, () => {
    const coordinator = coordinatorOf("g");
    const engine = new Engine(scenario([{ kind, target: `broker-${coordinator}`, at: "20s", duration: "30s" }]));
    engine.run();
    const report = engine.report();
    // the coordinator did move: another broker leads the group's offsets partition now
    const pid = engine.cluster.brokers[1]!.coordinator.offsetsPartitionOf("g");
    expect(engine.cluster.controller.partitions[pid]!.leader).not.toBe(coordinator);
    // actual before the fix: 1 rebalance (at 27.3 s after the crash, 50.1 s after the isolation)
    expect(report.processors[0]!.rebalances).toBe(0);
    expect(eventsOf(engine, "group").filter((e) => e.atMs > 5000)).toEqual([]);
    expect(engine.stats.series.rate("consumed", 60_000, 90_000)).toBeGreaterThan(900);
    expect(report.delivery.duplicatesDelivered).toBe(0);
    expect(report.delivery.ackedLost).toBe(0);
  });
}
