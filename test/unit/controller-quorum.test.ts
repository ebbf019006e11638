/**
 * The KRaft controller quorum: with three voters the active controller fails
 * over — a follower that gets no fetch answer for
 * controller.quorum.fetch.timeout.ms stands, wins a majority and carries on
 * with the same metadata — while data keeps flowing; with two of three gone
 * nothing can be fenced or elected. Pre-vote keeps a voter cut off alone from
 * deposing a healthy leader once its links heal.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { formatProblems, parseScenario } from "../../shared/scenario/load";
import type { ScenarioInput } from "../../shared/scenario/schema";
import { canonicalReport, eventsOf, partitionState, runToReport, runUntilTrue, smallScenario } from "../support/engine-scenarios";

const FETCH_TIMEOUT_MS = 2000; // controller.quorum.fetch.timeout.ms default
const ELECTION_TIMEOUT_MS = 1000; // controller.quorum.election.timeout.ms default

function quorumEngine(faults: ScenarioInput["faults"], durationMs = 40_000, extra: { seed?: number; brokerConfig?: Record<string, number> } = {}): Engine {
  return new Engine(smallScenario({ controllers: 3, durationMs, rate: 2000, faults, ...extra }));
}

const quorum = (engine: Engine) => engine.cluster.controller.quorum;
const activeName = (engine: Engine) => quorum(engine).active?.name ?? null;
const texts = (engine: Engine, kind: string) => eventsOf(engine, kind).map((e) => e.text);

describe("one controller (the default)", () => {
  it("is a node called controller, active whenever it is up", () => {
    const engine = new Engine(smallScenario({ durationMs: 10_000, faults: [{ kind: "crash", target: "controller", at: "2s", duration: "3s" }] }));
    expect(engine.cluster.controller.voterNames()).toEqual(["controller"]);
    engine.runUntil(1000);
    expect(activeName(engine)).toBe("controller");
    engine.runUntil(3000);
    expect(activeName(engine)).toBeNull();
    expect(engine.cluster.controller.up).toBe(false);
    engine.runUntil(6000);
    expect(activeName(engine)).toBe("controller");
    // no elections among one voter, and no failover counted
    expect(quorum(engine).failovers).toBe(0);
    expect(texts(engine, "election")).toEqual([]);
  });
});

describe("three controllers: the active one crashes", () => {
  const CRASH_AT = 10_000;

  it("a follower stands after controller.quorum.fetch.timeout.ms, wins 2 of 3 votes, and is active in epoch 2", () => {
    const engine = quorumEngine([{ kind: "crash", target: "controller", at: CRASH_AT }]);
    engine.runUntil(CRASH_AT - 1);
    expect(activeName(engine)).toBe("controller-1");
    expect(quorum(engine).view().epoch).toBe(1);
    const electedAt = runUntilTrue(engine, CRASH_AT + 10_000, 10, () => activeName(engine) !== null);
    expect(electedAt).not.toBeNull();
    // the last fetch answer came at most 500 ms before the crash; then the timeout, a pre-vote and a vote
    expect(electedAt!).toBeGreaterThanOrEqual(CRASH_AT + FETCH_TIMEOUT_MS - 500);
    expect(electedAt!).toBeLessThanOrEqual(CRASH_AT + FETCH_TIMEOUT_MS + 100);
    const winner = activeName(engine)!;
    expect(["controller-2", "controller-3"]).toContain(winner);
    const view = quorum(engine).view();
    expect(view.epoch).toBe(2);
    expect(view.failovers).toBe(1);
    expect(view.voters.find((v) => v.name === "controller-1")!.state).toBe("down");
    expect(texts(engine, "election").some((t) => t.startsWith(`${winner} is the active controller in epoch 2 (votes from `))).toBe(true);
    // the standby that lost the race follows the winner in the same epoch
    engine.runUntil(electedAt! + 1000);
    const other = quorum(engine).view().voters.find((v) => v.name !== winner && v.name !== "controller-1")!;
    expect(other).toMatchObject({ state: "up", role: "follower", epoch: 2 });
  });

  it("producers and consumers do not notice; and the new controller fences a crashed broker as the old one would", () => {
    const engine = new Engine(
      smallScenario({
        controllers: 3,
        durationMs: 40_000,
        rate: 2000,
        consumerGroups: [{ id: "g", topics: ["events"], consumers: 2 }],
        faults: [
          { kind: "crash", target: "controller", at: CRASH_AT },
          { kind: "crash", target: "broker-1", at: 20_000.5 },
        ],
      }),
    );
    engine.run();
    const report = engine.report();
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.produced.failed).toBe(0);
    // the controller's crash cost the data path nothing: the second before and after it carry the same rate
    expect(engine.stats.series.rate("acked", CRASH_AT + 1000, CRASH_AT + 5000)).toBeGreaterThan(1900);
    // broker-1 is fenced by the new active controller, within a session of its crash
    const fenced = eventsOf(engine, "fenced").find((e) => e.text.startsWith("broker-1 fenced"));
    expect(fenced).toBeDefined();
    expect(fenced!.atMs).toBeGreaterThan(20_000 + 9000 - 2000);
    expect(fenced!.atMs).toBeLessThan(20_000 + 9000 + 10);
    expect(partitionState(engine, 0).leader).not.toBe(1);
  });

  it("a clean shutdown resigns first (EndQuorumEpoch): the election starts at once instead of after the fetch timeout", () => {
    const engine = quorumEngine([{ kind: "shutdown", target: "controller", at: CRASH_AT }]);
    const electedAt = runUntilTrue(engine, CRASH_AT + 10_000, 1, () => activeName(engine) !== null && activeName(engine) !== "controller-1");
    expect(electedAt).not.toBeNull();
    expect(electedAt! - CRASH_AT).toBeLessThan(150);
    expect(texts(engine, "election")[0]).toMatch(/^controller-1 shuts down cleanly: it resigns/);
  });
});

describe("three controllers: two are lost", () => {
  it("no voter can win a majority: no active controller, and a broker that crashes then is never fenced", () => {
    const engine = quorumEngine(
      [
        { kind: "crash", target: "controller", at: "5s" },
        { kind: "crash", target: "controller", at: "12s" },
        { kind: "crash", target: "broker-1", at: "15s" },
      ],
      40_000,
    );
    engine.run();
    expect(activeName(engine)).toBeNull();
    expect(engine.cluster.controller.up).toBe(false);
    expect(quorum(engine).failovers).toBe(1);
    // broker-1 went quiet 25 s ago, far past broker.session.timeout.ms: nobody can fence it
    expect(engine.cluster.controller.isFenced(1)).toBe(false);
    expect(partitionState(engine, 0).leader).toBe(1);
    expect(eventsOf(engine, "fenced")).toEqual([]);
    expect(texts(engine, "election").some((t) => /got 1 of the 2 votes it needs .*: no active controller until a majority of the 3 voters/.test(t))).toBe(true);
    const summary = engine.report().cluster.quorum;
    expect(summary.active).toBeNull();
  });

  it("once one of them is back, the quorum elects again and the crashed broker is fenced", () => {
    const engine = quorumEngine(
      [
        { kind: "crash", target: "controller-1", at: "5s" },
        { kind: "crash", target: "controller-2", at: "5s", duration: "15s" },
        { kind: "crash", target: "broker-1", at: "8s" },
      ],
      45_000,
    );
    engine.runUntil(19_000);
    expect(activeName(engine)).toBeNull();
    const electedAt = runUntilTrue(engine, 30_000, 10, () => activeName(engine) !== null);
    expect(electedAt).not.toBeNull();
    expect(electedAt!).toBeGreaterThan(20_000);
    engine.run();
    // a fresh session from the new active controller, then fenced
    const fenced = eventsOf(engine, "fenced").find((e) => e.text.startsWith("broker-1 fenced"));
    expect(fenced).toBeDefined();
    expect(fenced!.atMs).toBeGreaterThanOrEqual(electedAt! + 9000 - 10);
    expect(fenced!.atMs).toBeLessThanOrEqual(electedAt! + 9000 + 10);
  });
});

describe("three controllers: partitions and pauses", () => {
  it("an active controller cut off from the others resigns after 1.5 × fetch timeout; the others elect; after the heal it follows", () => {
    const engine = quorumEngine([{ kind: "isolate", target: "controller", at: "10s", duration: "10s" }]);
    engine.runUntil(20_000);
    const active = activeName(engine);
    expect(active).not.toBe("controller-1");
    expect(active).not.toBeNull();
    const resigned = eventsOf(engine, "broker").find((e) => e.text.startsWith("controller-1 is no longer the active controller: no fetch from a majority"));
    expect(resigned).toBeDefined();
    expect(resigned!.atMs).toBeGreaterThanOrEqual(10_000 + 1.5 * FETCH_TIMEOUT_MS - 500);
    expect(resigned!.atMs).toBeLessThanOrEqual(10_000 + 1.5 * FETCH_TIMEOUT_MS + 500);
    const epoch = quorum(engine).view().epoch;
    engine.runUntil(40_000);
    // no disruption after the heal: same leader, same epoch, everyone following it
    expect(activeName(engine)).toBe(active);
    const view = quorum(engine).view();
    expect(view.epoch).toBe(epoch);
    expect(view.voters.find((v) => v.name === "controller-1")).toMatchObject({ role: "follower", epoch });
  });

  it("a follower cut off alone cannot depose the healthy leader (pre-vote): the leader and the epoch stay the same through and after the cut", () => {
    const engine = quorumEngine([{ kind: "isolate", target: "controller-3", at: "10s", duration: "15s" }]);
    engine.run();
    expect(activeName(engine)).toBe("controller-1");
    const view = quorum(engine).view();
    expect(view.epoch).toBe(1);
    expect(view.failovers).toBe(0);
    expect(view.voters.find((v) => v.name === "controller-3")).toMatchObject({ role: "follower", epoch: 1 });
    expect(texts(engine, "election").some((t) => t.startsWith("controller-3 lost the active controller"))).toBe(true);
  });

  it("a follower that loses only its link to the leader gets no pre-vote from a voter that still hears the leader: nothing changes", () => {
    const engine = quorumEngine([{ kind: "cut", from: "controller-3", to: "controller-1", at: "10s", duration: "15s" }]);
    engine.run();
    expect(activeName(engine)).toBe("controller-1");
    expect(quorum(engine).view().epoch).toBe(1);
    expect(quorum(engine).failovers).toBe(0);
    // it did ask, and controller-2, which still hears controller-1, said no and named it (KIP-996)
    expect(texts(engine, "election").some((t) => /^controller-3 is turned down: a voter still hears controller-1, active in epoch 1/.test(t))).toBe(true);
    expect(texts(engine, "election").some((t) => /stands for election/.test(t))).toBe(false);
  });

  it("links to the active controller slowed by 3 s: the followers' fetches miss controller.quorum.request.timeout.ms, they elect one of themselves, and the old one steps down", () => {
    const slow = (to: string) => ({ kind: "slow-link" as const, from: "controller-1", to, extraLatencyMs: 3000, at: "10s", duration: "15s" });
    const engine = quorumEngine([slow("controller-2"), slow("controller-3")]);
    const electedAt = runUntilTrue(engine, 20_000, 10, () => activeName(engine) !== null && activeName(engine) !== "controller-1");
    expect(electedAt).not.toBeNull();
    // the last fetch answered in time came before 10 s: then the fetch timeout, a pre-vote and a vote between the two fast ones
    expect(electedAt!).toBeGreaterThanOrEqual(10_000 + FETCH_TIMEOUT_MS - 500);
    expect(electedAt!).toBeLessThanOrEqual(10_000 + FETCH_TIMEOUT_MS + 600);
    expect(quorum(engine).view().epoch).toBe(2);
    // the vote requests reach controller-1 3 s late: it steps down then
    engine.runUntil(electedAt! + 3500);
    expect(quorum(engine).voters[0]!.role).toBe("follower");
    expect(texts(engine, "broker").some((t) => /^controller-1 is no longer the active controller/.test(t))).toBe(true);
    engine.runUntil(40_000);
    const view = quorum(engine).view();
    expect(view.epoch).toBe(2);
    expect(view.voters.find((v) => v.name === "controller-1")).toMatchObject({ role: "follower", epoch: 2 });
  });

  it("a lossy link (90%) between a follower and the leader: its fetches go unanswered, the other voter still hears the leader and says no: nothing changes", () => {
    const engine = quorumEngine([{ kind: "lossy-link", from: "controller-3", to: "controller-1", lossRate: 0.9, at: "10s", duration: "15s" }]);
    engine.run();
    expect(activeName(engine)).toBe("controller-1");
    expect(quorum(engine).view().epoch).toBe(1);
    expect(texts(engine, "election").some((t) => /^controller-3 lost the active controller \(no fetch answer/.test(t))).toBe(true);
    expect(texts(engine, "election").some((t) => /stands for election/.test(t))).toBe(false);
  });

  it("an active controller paused past the fetch timeout is replaced, and steps down when it thaws", () => {
    const engine = quorumEngine([{ kind: "pause", target: "controller", at: "10s", duration: "5s" }]);
    engine.runUntil(14_000);
    expect(activeName(engine)).not.toBe("controller-1");
    engine.runUntil(16_000);
    // the vote requests of epoch 2 waited in its socket: it handles them as it thaws
    expect(texts(engine, "broker").some((t) => /^controller-1 is no longer the active controller: controller-[23] stands in epoch 2$/.test(t))).toBe(true);
    expect(quorum(engine).view().voters.find((v) => v.name === "controller-1")).toMatchObject({ state: "up", role: "follower", epoch: 2 });
  });

  it("a pause shorter than the fetch timeout changes nothing", () => {
    const engine = quorumEngine([{ kind: "pause", target: "controller", at: "10s", duration: `${FETCH_TIMEOUT_MS - ELECTION_TIMEOUT_MS}ms` }]);
    engine.run();
    expect(activeName(engine)).toBe("controller-1");
    expect(quorum(engine).view().epoch).toBe(1);
    expect(texts(engine, "election")).toEqual([]);
  });
});

describe("the same scenario and seed", () => {
  it("elects the same controller at the same time", () => {
    const faults: ScenarioInput["faults"] = [
      { kind: "crash", target: "controller", at: "5s", duration: "10s" },
      { kind: "isolate", target: "controller", at: "20s", duration: "6s" },
    ];
    const a = runToReport(smallScenario({ controllers: 3, durationMs: 35_000, seed: 9, faults }));
    const b = runToReport(smallScenario({ controllers: 3, durationMs: 35_000, seed: 9, faults }));
    expect(a.report.events.filter((e) => e.kind === "election")).toEqual(b.report.events.filter((e) => e.kind === "election"));
    expect(a.report.cluster.quorum).toEqual(b.report.cluster.quorum);
    expect(a.report.cluster.quorum.failovers).toBeGreaterThanOrEqual(2);
  });
});

describe("the quorum, run in slices", () => {
  it("gives the same report whether run whole or in the app's frame-sized steps", () => {
    const faults: ScenarioInput["faults"] = [
      { kind: "pause", target: "controller", at: "4s", duration: "3s" },
      { kind: "cut", from: "controller-2", to: "controller-3", at: "9s", duration: "4s" },
      { kind: "shutdown", target: "controller", at: "15s", duration: "5s" },
      { kind: "crash", target: "broker-2", at: "16s", duration: "8s" },
    ];
    const scenario = smallScenario({ controllers: 3, durationMs: 30_000, seed: 4, rate: 1000, faults });
    const whole = new Engine(scenario);
    whole.run();
    const sliced = new Engine(scenario);
    const steps = [16.7, 33.3, 3.1, 250, 0.5];
    for (let i = 0; sliced.now < 30_000; i++) sliced.runUntil(Math.min(30_000, sliced.now + steps[i % steps.length]!));
    expect(canonicalReport(sliced.report())).toBe(canonicalReport(whole.report()));
    expect(whole.report().cluster.quorum.failovers).toBeGreaterThanOrEqual(2);
  });
});

describe("scenario files", () => {
  const yaml = (cluster: string, faults = "") => `name: q\ndescription: d\ncluster:\n${cluster}\ntopics: [{ name: t, partitions: 1, replicationFactor: 1 }]\n${faults}`;

  it("refuses a quorum of 0 or more than 9 voters, with the path and what was expected", () => {
    for (const n of [0, 10]) {
      const parsed = parseScenario(yaml(`  brokers: 1\n  controllers: ${n}`), "q.yaml");
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(formatProblems(parsed.errors)).toMatch(/q\.yaml:\d+:\d+: cluster\.controllers: expected/);
    }
  });

  it("names controller-1… as targets only with more than one controller, and says which exist", () => {
    const bad = parseScenario(yaml("  brokers: 1\n  controllers: 3", "faults: [{ kind: crash, target: controller-4, at: 1s }]"), "q.yaml");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formatProblems(bad.errors)).toContain("controller-1..controller-3");
    const single = parseScenario(yaml("  brokers: 1", "faults: [{ kind: crash, target: controller-1, at: 1s }]"), "q.yaml");
    expect(single.ok).toBe(false);
    const ok = parseScenario(yaml("  brokers: 1\n  controllers: 3", "faults: [{ kind: crash, target: controller-2, at: 1s }]"), "q.yaml");
    expect(ok.ok).toBe(true);
  });
});
