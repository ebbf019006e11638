/**
 * Bad input gets a clear error, never a stack trace: every lesson in sims/,
 * broken at random (a value of the wrong type or out of range, a number made
 * far smaller or larger, a key removed or unknown, an element repeated) or
 * replaced by random text, either loads
 * or is refused with problems that name the file, where in it and what was
 * expected. One that loads runs for two simulated seconds and reports.
 */
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { Engine } from "../../shared/engine/engine";
import { formatProblems, parseScenario } from "../../shared/scenario/load";

const lessons = readdirSync("sims")
  .filter((f) => f.endsWith(".yaml") && f !== "large-cluster.yaml")
  .map((f) => ({ file: `sims/${f}`, doc: parse(readFileSync(`sims/${f}`, "utf8")) as unknown }));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in the document. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

const strange = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, -0.5, 1e12, 3.7, "", "all", "broker-9", "10 parsecs", "-5s", "1e400", [], {}, [1, 2], { x: 1 }),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.string({ maxLength: 8 }),
);

const mutation = fc.record({
  lesson: fc.nat(lessons.length - 1),
  where: fc.nat(),
  how: fc.constantFrom("replace", "delete", "unknown key", "repeat", "scale", "scale"),
  factor: fc.constantFrom(0, 0.001, 0.3, 2, 10, 1000),
  value: strange,
});

function mutate(doc: unknown, where: number, how: string, value: Json, factor: number): unknown {
  const copy = structuredClone(doc) as Json;
  const valueAt = (p: (string | number)[]) => p.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], copy);
  const all = paths(copy).filter((p) => p.length > 0 && (how !== "scale" || typeof valueAt(p) === "number"));
  if (all.length === 0) return copy;
  const path = all[where % all.length]!;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, copy) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  const old = (parent as Record<string | number, Json>)[key];
  // a number made smaller or larger, whole if it was: often still valid, and strange
  if (how === "scale") (parent as Record<string | number, Json>)[key] = typeof old === "number" ? (Number.isInteger(old) ? Math.round(old * factor) : old * factor) : value;
  else if (how === "replace") (parent as Record<string | number, Json>)[key] = value;
  else if (how === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (how === "unknown key") {
    const target = (parent as Record<string | number, Json>)[key];
    if (target && typeof target === "object" && !Array.isArray(target)) target["surprise.key"] = value;
    else (parent as Record<string | number, Json>)[key] = { surprise: value };
  } else if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]!));
  else (parent as Record<string | number, Json>)[key] = [parent[key]!, parent[key]!];
  return copy;
}

function check(text: string, file: string): void {
  const parsed = parseScenario(text, file);
  if (!parsed.ok) {
    expect(parsed.errors.length).toBeGreaterThan(0);
    for (const problem of parsed.errors) {
      expect(problem.file).toBe(file);
      expect(problem.message.length).toBeGreaterThan(5);
      expect(problem.message).not.toMatch(/\n\s+at |TypeError|undefined is not|Cannot read prop/);
    }
    expect(formatProblems(parsed.errors).split("\n").every((line) => line.startsWith(file))).toBe(true);
    return;
  }
  const engine = new Engine(parsed.scenario, { durationMs: Math.min(2000, parsed.scenario.duration) });
  engine.run();
  expect(engine.report().simulatedMs).toBeGreaterThan(0);
}

describe("scenario files, broken at random", () => {
  it("a lesson with one thing broken loads or is refused with file, place and expectation; never a throw", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const { file } = lessons[mutations[0]!.lesson]!;
        let doc = lessons[mutations[0]!.lesson]!.doc;
        for (const m of mutations) doc = mutate(doc, m.where, m.how, m.value, m.factor);
        check(stringify(doc), file);
      }),
      { numRuns: 150, seed: 21, endOnFailure: true },
    );
  }, 120_000);

  it("random text is refused, never thrown at", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => check(text, "noise.yaml")),
      { numRuns: 300, seed: 22 },
    );
  });
});
