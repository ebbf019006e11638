/**
 * Editing the pipeline while it runs, as the app does: add topics,
 * producers, groups and sinks (they join the running engine from now), change
 * configs, rates and group sizes (a restart at t=0 when the running engine
 * cannot take it), between steps, commands and scrubs. Whatever the mix, the
 * present equals a replay from t=0 of the scenario as it now stands with the
 * branch's commands: what the app shows is what the saved session replays.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { Engine } from "../../shared/engine/engine";
import { LiveSession } from "../../shared/engine/session";
import { parseScenario } from "../../shared/scenario/load";
import type { ScenarioInput } from "../../shared/scenario/schema";
import { addGroup, addProducer, addSink, addTopic, connectGroup, setConfigOverride, setGroupSize, setProducerRate } from "../../renderer/src/scenario/edits";
import { anyCommand } from "../support/commands";
import { canonicalReport, PROPERTY_CLUSTER, smallScenarioInput } from "../support/engine-scenarios";

const DURATION_MS = 10_000;
const yaml = stringify(smallScenarioInput({ ...PROPERTY_CLUSTER, name: "edits-property", seed: 5, durationMs: DURATION_MS, rate: 1500 }));

type Edit = (doc: ScenarioInput, nowMs: number, pick: number) => ScenarioInput | string;
const topicNames = (doc: ScenarioInput) => (doc.topics ?? []).map((t) => t.name);
const nth = <T>(list: readonly T[], pick: number): T | undefined => list[pick % Math.max(1, list.length)];
const edits: Record<string, Edit> = {
  addTopic: (doc, now) => addTopic(doc, undefined, now).doc,
  addProducer: (doc, now, pick) => addProducer(doc, nth(topicNames(doc), pick), now).doc,
  addGroup: (doc, now, pick) => addGroup(doc, nth(topicNames(doc), pick), now).doc,
  addSink: (doc, now, pick) => {
    const r = addSink(doc, nth((doc.consumerGroups ?? []).map((g) => g.id), pick), "database", now);
    return typeof r === "string" ? r : r.doc;
  },
  connectGroup: (doc, _now, pick) => connectGroup(doc, nth((doc.consumerGroups ?? []).map((g) => g.id), pick) ?? "g", nth(topicNames(doc), pick + 1) ?? "events"),
  producerRate: (doc, _now, pick) => setProducerRate(doc, nth((doc.producers ?? []).map((p) => p.id), pick) ?? "p", 500 + (pick % 5) * 700),
  groupSize: (doc, _now, pick) => setGroupSize(doc, nth((doc.consumerGroups ?? []).map((g) => g.id), pick) ?? "g", 1 + (pick % 4)),
  topicConfig: (doc, _now, pick) => setConfigOverride(doc, "topic", nth(topicNames(doc), pick) ?? "events", "min.insync.replicas", 1 + (pick % 3)),
  producerConfig: (doc, _now, pick) => setConfigOverride(doc, "producer", nth((doc.producers ?? []).map((p) => p.id), pick) ?? "p", "linger.ms", pick % 50),
};

const op = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 1, max: 2000, noNaN: true }).map((ms) => ({ op: "step" as const, ms })) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("edit" as const), edit: fc.constantFrom(...Object.keys(edits)), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: anyCommand.map((command) => ({ op: "command" as const, command })) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((share) => ({ op: "seek" as const, share })) },
);

describe("editing the pipeline while it runs", () => {
  it("after any mix of edits, steps, commands and scrubs, the present is a replay of the scenario as it now stands", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 10 }), (ops) => {
        const session = new LiveSession(() => 0);
        expect(session.open(yaml, "edits.yaml").ok).toBe(true);
        const done: string[] = [];
        for (const o of ops) {
          const now = session.frame().nowMs;
          if (o.op === "step") session.step(Math.min(o.ms, DURATION_MS - now));
          else if (o.op === "seek") session.seek(o.share * now);
          else if (o.op === "command") session.command(o.command);
          else {
            const doc = parse(session.exportScenario().yaml) as ScenarioInput;
            const edited = edits[o.edit]!(doc, Math.floor(now) + 1, o.pick);
            const result = typeof edited === "string" ? edited : session.editScenario(edited);
            done.push(`${now.toFixed(1)} ${o.edit}#${o.pick} → ${typeof result === "string" ? `refused by the edit: ${result}` : result.ok ? (result.value.live ? "joined the running engine" : "restarted") : `refused: ${result.error}`}`);
            continue;
          }
          done.push(`${o.op} → ${session.frame().nowMs.toFixed(1)}`);
        }
        const at = session.frame().nowMs;
        const file = session.exportSession();
        const parsed = parseScenario(file.scenarioYaml, "exported.yaml");
        if (!parsed.ok) throw new Error(`the exported scenario does not load: ${JSON.stringify(parsed.errors)}\n${done.join("\n")}`);
        const replay = Engine.replay({ ...parsed.scenario, seed: file.seed }, file.seed, file.actions as never, at);
        expect(canonicalReport(replay.report()), done.join("\n")).toBe(canonicalReport(session.report()));
      }),
      { numRuns: 25, seed: 13, endOnFailure: true },
    );
  }, 120_000);
});
