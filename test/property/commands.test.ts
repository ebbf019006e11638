/**
 * The app, a replayed session and (later) the gateway drive the engine with
 * commands while it runs. Random sequences of them, well-formed or not, at
 * random times: a command never throws (a refusal is an error message), and
 * the run replays from its action log (the accepted commands) to the same
 * report byte for byte. A refused command that changed something before it
 * was refused would show as a difference, since the replay never sees it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { anyCommand as command } from "../support/commands";
import { canonicalReport, PROPERTY_CLUSTER, smallScenario } from "../support/engine-scenarios";

const DURATION_MS = 12_000;

const scenario = smallScenario({ ...PROPERTY_CLUSTER, durationMs: DURATION_MS });

const timed = fc.record({ gapMs: fc.double({ min: 1, max: 2500, noNaN: true }), command });

describe("commands while running", () => {
  it("random commands, well-formed or not, never throw, and the run replays from its action log to the same report", () => {
    fc.assert(
      fc.property(fc.array(timed, { minLength: 1, maxLength: 10 }), (steps) => {
        const live = new Engine(scenario);
        const results: string[] = [];
        let t = 0;
        for (const { gapMs, command } of steps) {
          t = Math.min(DURATION_MS, t + gapMs);
          live.runUntil(t);
          const result = live.command(command);
          results.push(`${t.toFixed(1)} ${JSON.stringify(command)} → ${result.ok ? result.value : `refused: ${result.error}`}`);
          expect(typeof (result.ok ? result.value : result.error)).toBe("string");
          if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
        }
        live.runUntil(DURATION_MS);
        const replay = Engine.replay(scenario, scenario.seed, live.actionLog, DURATION_MS);
        expect(canonicalReport(replay.report()), results.join("\n")).toBe(canonicalReport(live.report()));
      }),
      { numRuns: 40, seed: 7, endOnFailure: true },
    );
  });
});
