/**
 * The app's time controls over random use: play on, act (well-formed
 * commands or not), scrub back and forward, let the checkpoints trail. The
 * present always equals a replay of the session's branch from t=0: the
 * live engine, a session saved and imported again, and Engine.replay give
 * the same report byte for byte. Scrubbing back restores a checkpoint or
 * replays; a command after it forks a new branch and drops the old future.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { Engine } from "../../shared/engine/engine";
import { LiveSession } from "../../shared/engine/session";
import { parseScenario } from "../../shared/scenario/load";
import { anyCommand } from "../support/commands";
import { canonicalReport, PROPERTY_CLUSTER, smallScenarioInput } from "../support/engine-scenarios";

const DURATION_MS = 12_000;
const yaml = stringify(smallScenarioInput({ ...PROPERTY_CLUSTER, name: "session-property", seed: 3, durationMs: DURATION_MS }));

const op = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 1, max: 2500, noNaN: true }).map((ms) => ({ op: "step" as const, ms })) },
  { weight: 3, arbitrary: anyCommand.map((command) => ({ op: "command" as const, command })) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((share) => ({ op: "seek" as const, share })) },
  { weight: 1, arbitrary: fc.constant({ op: "trail" as const }) },
);

describe("the session's time controls", () => {
  it("after any mix of playing, commands, scrubbing and checkpoints, the present is a replay of the branch", () => {
    const parsed = parseScenario(yaml, "session.yaml");
    if (!parsed.ok) throw new Error("the test scenario does not load");
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
        const session = new LiveSession(() => 0);
        expect(session.open(yaml, "session.yaml").ok).toBe(true);
        const done: string[] = [];
        let furthest = 0;
        for (const o of ops) {
          const now = session.frame().nowMs;
          if (o.op === "step") session.step(Math.min(o.ms, DURATION_MS - now));
          else if (o.op === "command") done.push(`${now.toFixed(1)} ${JSON.stringify(o.command)} → ${session.command(o.command).ok ? "ok" : "refused"}`);
          else if (o.op === "seek") session.seek(o.share * furthest);
          else session.trail(1000);
          furthest = Math.max(furthest, session.frame().nowMs);
          if (o.op !== "command") done.push(`${o.op} → ${session.frame().nowMs.toFixed(1)}`);
        }
        const at = session.frame().nowMs;
        const live = canonicalReport(session.report());
        const file = session.exportSession();
        const replay = Engine.replay(parsed.scenario, file.seed, file.actions as never, at);
        expect(canonicalReport(replay.report()), done.join("\n")).toBe(live);
        const imported = new LiveSession(() => 0);
        expect(imported.importSession(file).ok).toBe(true);
        imported.seek(at);
        expect(canonicalReport(imported.report()), done.join("\n")).toBe(live);
      }),
      { numRuns: 25, seed: 11, endOnFailure: true },
    );
  });
});
