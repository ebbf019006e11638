import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LiveSession } from "../../shared/engine/session";
import { Engine } from "../../shared/engine/engine";
import type { RecordedAction } from "../../shared/engine/commands";
import { parseScenario } from "../../shared/scenario/load";
import { canonicalReport } from "../support/engine-scenarios";
import { parse as parseYaml } from "yaml";

const yaml = readFileSync("sims/acks-all-leader-crash.yaml", "utf8");
const crash = { type: "inject", fault: { kind: "crash", target: "broker-2", at: 0 } };

function opened(): LiveSession {
  const session = new LiveSession(() => 0);
  const result = session.open(yaml, "acks-all-leader-crash.yaml");
  expect(result.ok).toBe(true);
  return session;
}

describe("LiveSession branches", () => {
  it("a command at the furthest point reached continues the same branch", () => {
    const session = opened();
    session.step(3000);
    expect(session.command(crash).ok).toBe(true);
    expect(session.frame().forked).toBe(false);
  });

  it("a command after scrubbing back starts a new branch, even with no recorded future", () => {
    const session = opened();
    session.step(4000);
    session.seek(1500);
    expect(session.frame().nowMs).toBe(1500);
    expect(session.command(crash).ok).toBe(true);
    expect(session.frame().forked).toBe(true);
  });

  it("scrubbing back replays recorded commands when playing forward again", () => {
    const session = opened();
    session.step(2000);
    session.command(crash);
    session.step(3000);
    const before = session.exportSession();
    session.seek(500);
    session.seek(5000);
    expect(session.exportSession()).toEqual(before);
    expect(session.frame().faults.map((f) => f.targets)).toEqual([["broker-2"]]);
    expect(session.frame().forked).toBe(false);
  });
});

describe("LiveSession snapshots", () => {
  it("carry the retained event log and leave the next frame's news in place", () => {
    const session = opened();
    session.step(4000);
    session.command(crash);
    const snap = session.snapshot();
    expect(snap.events.length).toBeGreaterThan(0);
    expect(snap.frame.events).toEqual([]);
    const next = session.frame();
    expect(next.events.some((e) => e.kind === "fault")).toBe(true);
  });
});

describe("LiveSession checkpoints", () => {
  const crash3 = { type: "inject", fault: { kind: "crash", target: "broker-3", at: 0, duration: 5000 } };

  /** The state a replay of the session's branch from t=0 reaches at its current time. */
  function replayed(session: LiveSession): string {
    const file = session.exportSession();
    const atMs = session.engine!.now;
    const parsed = parseScenario(file.scenarioYaml, "session");
    if (!parsed.ok) throw new Error("the exported scenario does not load");
    const engine = Engine.replay({ ...parsed.scenario, seed: file.seed }, file.seed, file.actions as RecordedAction[], atMs);
    return canonicalReport(engine.report());
  }

  function trailFully(session: LiveSession): void {
    // the clock stands still, so every call may use its whole budget; the first call only builds engines
    for (let i = 0; i < 4; i++) session.trail(50);
  }

  it("trail behind the live engine, at half the furthest time and 10 s back", () => {
    const session = opened();
    session.step(30_000);
    trailFully(session);
    expect(session.checkpointTimes()).toEqual([15_000, 20_000]);
    // memory tight: only the trailing one stays, and it goes on trailing the live engine
    session.trail(50, { keep: true, shed: true, grow: false });
    expect(session.checkpointTimes()).toEqual([20_000]);
    session.step(5000);
    session.trail(50, { keep: true, shed: true, grow: false });
    expect(session.checkpointTimes()).toEqual([25_000]);
    session.trail(50, { keep: false, grow: false });
    expect(session.checkpointTimes()).toEqual([]);
  });

  it("scrubbing back restores the nearest one and lands where a replay from t=0 lands", () => {
    const session = opened();
    session.step(8000);
    expect(session.command(crash).ok).toBe(true);
    session.step(22_000);
    trailFully(session);
    // a command after the checkpoints were built: they must apply it when they reach it
    expect(session.command(crash3).ok).toBe(true);
    session.step(5000);
    session.seek(31_000);
    expect(session.restoredCheckpoints).toBe(1);
    expect(session.engine!.now).toBe(31_000);
    expect(canonicalReport(session.engine!.report())).toBe(replayed(session));
    expect(session.frame().faults.map((f) => f.targets[0])).toContain("broker-3");
  });

  it("a branch started after restoring one drops the old future in the checkpoints too", () => {
    const session = opened();
    session.step(30_000);
    expect(session.command(crash3).ok).toBe(true); // at 30 s, on the old branch
    session.step(5000);
    trailFully(session); // checkpoints at 17.5 s and 25 s, both with the crash at 30 s ahead of them
    session.seek(26_000); // restores the 25 s one
    expect(session.restoredCheckpoints).toBe(1);
    expect(session.command(crash).ok).toBe(true); // a new branch at 26 s: the crash of broker-3 at 30 s is gone
    expect(session.frame().forked).toBe(true);
    session.seek(20_000); // restores the 17.5 s one
    expect(session.restoredCheckpoints).toBe(2);
    session.seek(36_000);
    expect(session.frame().faults.map((f) => f.targets[0])).not.toContain("broker-3");
    expect(canonicalReport(session.engine!.report())).toBe(replayed(session));
  });
});

describe("LiveSession: a new run starts paused", () => {
  it("opening a scenario, or an edit that restarts at t=0, pauses a session that was playing; scrubbing keeps it playing", () => {
    const session = opened();
    session.play();
    session.step(0); // step pauses: play again
    session.play();
    expect(session.frame().playing).toBe(true);
    session.seek(0);
    expect(session.frame().playing, "a scrub keeps playing").toBe(true);

    expect(session.open(readFileSync("sims/slow-sink.yaml", "utf8"), "slow-sink.yaml").ok).toBe(true);
    expect(session.frame()).toMatchObject({ nowMs: 0, playing: false });

    session.play();
    const scenario = parseYaml(readFileSync("sims/slow-sink.yaml", "utf8")) as { cluster: { brokers: number } };
    const edited = session.editScenario({ ...scenario, cluster: { ...scenario.cluster, brokers: 4 } });
    expect(edited.ok && edited.value.live).toBeFalsy();
    expect(session.frame()).toMatchObject({ nowMs: 0, playing: false });
  });
});
