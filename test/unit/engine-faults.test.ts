/**
 * Network faults whose targets resolve only when they start (leader:…, one,
 * minority, majority): a partition that would put a node on both sides, or a
 * link from a node to itself, is refused then, with the reason, and changes
 * nothing. (The loader refuses the same thing when the nodes are named.)
 * A minority of two brokers is no broker: refused the same way. A restart is
 * over once the node is back: it leaves no active fault. Overlapping
 * lifecycle faults on one node hold it until the last one heals.
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

describe("overlapping lifecycle faults on one node", () => {
  /** broker-1's process at each probe time: down, paused or running. */
  function statesAt(faults: NonNullable<Parameters<typeof smallScenario>[0]>["faults"], probes: number[]): string[] {
    const engine = new Engine(smallScenario({ durationMs: Math.max(...probes) + 1000, faults }));
    return probes.map((t) => {
      engine.runUntil(t);
      const broker = engine.cluster.brokers[1]!;
      return !broker.processUp ? "down" : broker.paused ? "paused" : "running";
    });
  }

  it("two crashes: the broker stays down until the last one heals, not the first", () => {
    const faults = [
      { kind: "crash" as const, target: "broker-1", at: 1000, duration: 2000 },
      { kind: "crash" as const, target: "broker-1", at: 2000, duration: 5000 },
    ];
    expect(statesAt(faults, [500, 1500, 2500, 4000, 6500, 7500])).toEqual(["running", "down", "down", "down", "down", "running"]);
  });

  it("a crash inside a pause: down, then frozen again until the pause heals, then running", () => {
    const faults = [
      { kind: "pause" as const, target: "broker-1", at: 1000, duration: 5000 },
      { kind: "crash" as const, target: "broker-1", at: 2000, duration: 2000 },
    ];
    expect(statesAt(faults, [1500, 3000, 5000, 6500])).toEqual(["paused", "down", "paused", "running"]);
  });

  it("a restart of a broker held down by a crash is refused with the reason, and changes nothing", () => {
    const engine = new Engine(smallScenario({ durationMs: 6000, faults: [{ kind: "crash", target: "broker-1", at: 1000, duration: 3000 }] }));
    engine.runUntil(2000);
    const result = engine.command({ type: "inject", fault: { kind: "restart", target: "broker-1", at: 0 } });
    expect(result).toEqual({ ok: false, error: "broker-1 is down by an active fault: heal that fault to bring it back, then restart it" });
    expect(engine.cluster.brokers[1]!.processUp).toBe(false);
    engine.runUntil(4500);
    expect(engine.cluster.brokers[1]!.processUp).toBe(true);
  });

  it("a restart of the controller brings it back at once (it used to stay down)", () => {
    const engine = new Engine(smallScenario({ durationMs: 3000, faults: [{ kind: "restart", target: "controller", at: 1000 }] }));
    engine.runUntil(1500);
    expect(engine.cluster.controller.up).toBe(true);
    expect(engine.nemesis.active()).toEqual([]);
  });

  it("a shutdown healed before it finished (the controller unreachable) starts the broker again once it stops; it used to stay down", () => {
    const engine = new Engine(
      smallScenario({
        durationMs: 310_000,
        rate: 200,
        faults: [
          { kind: "cut", from: "broker-1", to: "controller", at: 1000 },
          { kind: "shutdown", target: "broker-1", at: 2000, duration: 3000 },
        ],
      }),
    );
    engine.runUntil(6000);
    expect(engine.cluster.brokers[1]!.processUp).toBe(true); // still waiting for the controller's answer
    engine.run();
    const said = eventsOf(engine, "broker").filter((e) => e.text.startsWith("broker-1")).map((e) => [e.atMs, e.text]);
    // BrokerServer.shutdown waits 5 minutes for the controller before it stops anyway
    expect(said).toEqual([
      [302_000, "broker-1's controlled shutdown got no answer from the controller in 5 min: it stops anyway, without the controller moving its leaderships first"],
      [302_000, "broker-1 started again and is catching up"],
    ]);
    expect(engine.cluster.brokers[1]!.processUp).toBe(true);
  });

  it("a controlled shutdown asks again with every heartbeat: once the controller is reachable it moves the leaderships, then the broker stops", () => {
    const engine = new Engine(
      smallScenario({
        durationMs: 20_000,
        faults: [
          { kind: "cut", from: "broker-1", to: "controller", at: 1000, duration: 4000 },
          { kind: "shutdown", target: "broker-1", at: 2000 },
        ],
      }),
    );
    engine.run();
    const moved = eventsOf(engine, "broker").find((e) => e.text.startsWith("broker-1 shut down cleanly (controlled shutdown moved its leaderships first)"));
    // the cut heals at 5 s; the next want-shutdown heartbeat (every broker.heartbeat.interval.ms = 2 s from 2 s) goes at 6 s
    expect(moved?.atMs).toBeGreaterThanOrEqual(6000);
    expect(moved!.atMs).toBeLessThan(6100);
    expect(engine.cluster.brokers[1]!.processUp).toBe(false);
    expect(engine.cluster.controller.partitions.every((p) => p.leader !== 1)).toBe(true);
    expect(engine.report().delivery.ackedLost).toBe(0);
  });
});

describe("link faults heal", () => {
  it("a link slowed by 300 s for 1 s carries new requests at normal speed once healed; it used to hold every later message behind the slow ones", () => {
    const engine = new Engine(smallScenario({ durationMs: 60_000, faults: [{ kind: "slow-link", from: "p", to: "broker-1", oneWay: true, extraLatencyMs: 300_000, at: 5000, duration: 1000 }] }));
    engine.run();
    const report = engine.report();
    // only what was sent in the slow second (and retried after request.timeout.ms) waits; nothing stays stuck
    expect(report.produced.acked).toBeGreaterThan(report.produced.attempted - 100);
    expect(report.produced.ackLatencyMs.max).toBeLessThan(40_000);
  });
});

describe("clients shut down cleanly", () => {
  it("a consumer's clean shutdown leaves the group at once (LeaveGroup), so it rebalances in about a second, not after session.timeout.ms", () => {
    const engine = new Engine(
      smallScenario({
        durationMs: 15_000,
        consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 2, config: { "auto.offset.reset": "earliest" } }],
        faults: [{ kind: "shutdown", target: "g-1", at: 6000 }],
      }),
    );
    engine.run();
    const left = eventsOf(engine, "group").find((e) => e.text === "g-1 left group g: LeaveGroup on a clean shutdown");
    expect(left?.atMs).toBeGreaterThanOrEqual(6000);
    expect(left!.atMs).toBeLessThan(6100);
    expect(eventsOf(engine, "consumer").some((e) => e.text.startsWith("g-1 shut down cleanly: it committed what it had processed and left the group"))).toBe(true);
    const group = engine.coordinator.group("g");
    expect([...group.members.values()].map((m) => [m.client, m.assignment.length])).toEqual([["g-0", 3]]);
  });
});


describe("a refused fault changes nothing", () => {
  it("not even the draw that picked its majority: the next fault on a majority picks the same brokers as without it", () => {
    const majorityCut = (refusedFirst: boolean) => {
      const engine = new Engine(smallScenario({ durationMs: 5_000 }));
      engine.runUntil(1_000);
      if (refusedFirst) {
        const refused = engine.command({ type: "inject", fault: { kind: "load-spike", target: "majority", factor: 2, at: 0 } });
        expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/is not a producer/) });
      }
      const cut = engine.command({ type: "inject", fault: { kind: "cut", from: "p", to: "majority", at: 0 } });
      expect(cut.ok).toBe(true);
      return engine.nemesis.active()[0]!.targets;
    };
    expect(majorityCut(true)).toEqual(majorityCut(false));
  });
});
