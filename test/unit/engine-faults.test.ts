/**
 * Network faults whose targets resolve only when they start (leader:…, one,
 * minority, majority): a partition that would put a node on both sides, or a
 * link from a node to itself, is refused then, with the reason, and changes
 * nothing. (The loader refuses the same thing when the nodes are named.)
 * A minority of two brokers is no broker: refused the same way. A restart is
 * over once the node is back: it leaves no active fault.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { formatSummary } from "../../shared/engine/summary";
import { eventsOf, partitionState, smallScenario, TOPIC } from "../support/engine-scenarios";

describe("faults with nothing real to do", () => {
  it("a scheduled partition whose leader: target lands on the other side is not started, and says why", () => {
    const probe = new Engine(smallScenario({ durationMs: 3000 }));
    probe.runUntil(1000);
    const leader = `broker-${partitionState(probe, 0).leader}`;
    const everyBroker = ["broker-1", "broker-2", "broker-3"];
    const engine = new Engine(smallScenario({ durationMs: 6000, faults: [{ kind: "partition", groups: [[`leader:${TOPIC}/0`], everyBroker], at: 2000 }] }));
    engine.run();
    const refused = eventsOf(engine, "fault").filter((e) => e.text.startsWith("fault not started"));
    expect(refused).toEqual([
      {
        atMs: 2000,
        kind: "fault",
        text: `fault not started: network partition: ${leader} would be on both sides (groups 1 and 2: leader:${TOPIC}/0 | ${everyBroker.join(", ")}); a node can be on one side only`,
      },
    ]);
    expect(engine.nemesis.history).toEqual([]);
    expect(engine.cluster.net.isCut(leader, "broker-1") || engine.cluster.net.isCut(leader, "broker-2") || engine.cluster.net.isCut(leader, "broker-3")).toBe(false);
  });

  it("a link fault from a partition's leader to that same broker is refused as a command; a real one is accepted", () => {
    const engine = new Engine(smallScenario({ durationMs: 6000 }));
    engine.runUntil(1000);
    const leader = `broker-${partitionState(engine, 0).leader}`;
    const other = ["broker-1", "broker-2", "broker-3"].find((b) => b !== leader)!;
    const self = engine.command({ type: "inject", fault: { kind: "cut", from: `leader:${TOPIC}/0`, to: leader, at: 0 } });
    expect(self).toEqual({ ok: false, error: `cut from leader:${TOPIC}/0 to ${leader}: both name ${leader}, and a link joins two different nodes` });
    expect(engine.nemesis.history).toEqual([]);
    expect(engine.actionLog).toEqual([]);
    const real = engine.command({ type: "inject", fault: { kind: "cut", from: `leader:${TOPIC}/0`, to: other, at: 0 } });
    expect(real.ok).toBe(true);
    expect(engine.cluster.net.isCut(leader, other)).toBe(true);
  });

  it("a restart leaves nothing to heal: it is not an active fault, and the summary says it was a one-off", () => {
    const engine = new Engine(smallScenario({ durationMs: 4000, faults: [{ kind: "restart", target: "broker-2", at: 1000 }] }));
    engine.runUntil(1500);
    expect(engine.nemesis.active()).toEqual([]);
    expect(engine.nemesis.history.map((f) => [f.spec.kind, f.atMs, f.healedAtMs])).toEqual([["restart", 1000, 1000]]);
    expect(eventsOf(engine, "broker").some((e) => e.text === "broker-2 started again and is catching up")).toBe(true);
    engine.run();
    expect(formatSummary(engine.report(0))).toContain("[t+1.000 s] clean restart of broker-2; a one-off (nothing to heal);");
  });

  it("a minority of two brokers is no broker: the command is refused, not run as a fault on nothing", () => {
    const scenario = smallScenario({ durationMs: 4000, replicationFactor: 2 });
    const engine = new Engine({ ...scenario, cluster: { ...scenario.cluster, brokers: 2 } });
    engine.runUntil(1000);
    const result = engine.command({ type: "inject", fault: { kind: "crash", target: "minority", at: 0 } });
    expect(result).toEqual({ ok: false, error: `target "minority": with 2 brokers a minority (fewer than half) is no broker at all; name a broker or use "one"` });
    expect(engine.nemesis.history).toEqual([]);
    expect(engine.command({ type: "inject", fault: { kind: "crash", target: "majority", at: 0 } }).ok).toBe(true);
  });
});

