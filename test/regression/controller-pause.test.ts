import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, smallScenario } from "../support/engine-scenarios";

// A controller frozen for longer than broker.session.timeout.ms (a long GC pause) used to fence every
// broker when it resumed: the session expiries that came due during the pause ran before the
// heartbeats waiting in its socket, so all partitions went offline at once, then came back with new
// leader epochs and truncations. Since Kafka 4.0 a heartbeat updates the broker's contact time before,
// and apart from, the controller's other work (KAFKA-17793), so brokers that kept heartbeating stay.
it("a controller paused for 15 s fences nobody when it resumes: the brokers' heartbeats waited in its socket", () => {
  const engine = new Engine(smallScenario({ durationMs: 40_000, rate: 1000, faults: [{ kind: "pause", target: "controller", at: "10s", duration: "15s" }] }));
  engine.run();
  expect(eventsOf(engine, "fenced")).toEqual([]);
  expect(engine.cluster.controller.elections).toBe(0);
  const report = engine.report();
  expect(report.cluster.leaderElections).toBe(0);
  expect(report.faults[0]!.recoveryStatus).toBe("no-impact");
});

it("a broker that dies during the controller's pause is fenced a session timeout after its last heartbeat is handled", () => {
  const engine = new Engine(
    smallScenario({
      durationMs: 40_000,
      rate: 1000,
      faults: [
        { kind: "pause", target: "controller", at: "10s", duration: "15s" },
        { kind: "crash", target: "broker-2", at: "12s" },
      ],
    }),
  );
  engine.run();
  const fenced = eventsOf(engine, "fenced").map((e) => [e.atMs, e.text.split(" (")[0]]);
  expect(fenced).toHaveLength(1);
  // its last heartbeat (sent ≤ 12 s) is handled at the resume (25 s): broker.session.timeout.ms = 9 s later
  expect(fenced[0]![0]).toBeGreaterThanOrEqual(34_000);
  expect(fenced[0]![0]).toBeLessThan(34_100);
  expect(fenced[0]![1]).toBe("broker-2 fenced");
});
