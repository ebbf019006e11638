import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LiveSession } from "../../shared/engine/session";

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
