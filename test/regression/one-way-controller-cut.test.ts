import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, partitionState, smallScenario } from "../support/engine-scenarios";

// A broker talks to the KRaft controller over connections it opens itself (heartbeats, metadata,
// AlterPartition), one heartbeat at a time: the next goes once the last is answered. With either
// direction of the link cut, TCP gets no handshake, ACK or answer through, so the broker is fenced
// a session timeout later and hears nothing more from the controller. Heartbeats used to be one-way
// messages: with only controller→broker cut, every heartbeat still arrived, the broker was never
// fenced and the cut had no effect at all; with only broker→controller cut it was fenced but still
// got every metadata change pushed to it.
for (const [from, to] of [
  ["controller", "broker-1"],
  ["broker-1", "controller"],
] as const) {
  it(`a one-way cut ${from} → ${to} fences broker-1 and leaves it a stale leader until the heal`, () => {
    const engine = new Engine(
      smallScenario({
        durationMs: 40_000,
        rate: 1000,
        brokerConfig: { "min.insync.replicas": 2 },
        assignment: [[1, 2, 3], [2, 3, 1], [3, 1, 2]],
        producerConfig: { acks: "all" },
        faults: [{ kind: "cut", from, to, oneWay: true, at: "10s", duration: "20s" }],
      }),
    );
    engine.runUntil(25_000);
    const fenced = eventsOf(engine, "fenced");
    expect(fenced.map((e) => e.text.split(" (")[0])).toEqual(["broker-1 fenced"]);
    // its last heartbeat went at or before 10 s: broker.session.timeout.ms = 9 s later
    expect(fenced[0]!.atMs).toBeGreaterThan(17_000);
    expect(fenced[0]!.atMs).toBeLessThan(19_100);
    expect(partitionState(engine, 0).leader).toBe(2);
    // no metadata reaches it either: it still believes it leads events-0, at the old epoch
    const replica = engine.cluster.brokers[1]!.replica(partitionState(engine, 0).pid);
    expect(replica.role).toBe("leader");
    expect(replica.leaderEpoch).toBe(0);
    engine.runUntil(40_000);
    // healed at 30 s: it hears the controller again, follows the new leader and is back in the ISR
    expect(replica.role).toBe("follower");
    expect(partitionState(engine, 0).isr).toContain(1);
    expect(engine.report().delivery.ackedLost).toBe(0);
  });
}
