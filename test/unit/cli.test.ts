/**
 * The `tributary` command line as a user meets it: what it prints, where,
 * and its exit codes (0 ok, 1 the run failed, 2 bad input). `main` is
 * called in-process with stdout and stderr captured; one case runs the real
 * `bin/tributary.mjs` the README shows.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../electron/cli/main";

let out = "";
let err = "";
let dir = "";

beforeEach(() => {
  out = "";
  err = "";
  dir = mkdtempSync(path.join(tmpdir(), "tributary-cli-"));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const SMALL = `name: small
description: one producer, one group
duration: 3s
cluster: { brokers: 3 }
topics: [{ name: events, partitions: 3, replicationFactor: 3 }]
producers: [{ id: p, topic: events, workload: { type: constant, rate: 1000 } }]
consumerGroups: [{ id: g, topics: [events], consumers: 1 }]
`;

function scenarioFile(text = SMALL, name = "small.yaml"): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("tributary run", () => {
  it("prints the summary of a lesson: acknowledged messages lost, and why", () => {
    expect(main(["run", "sims/acks-1-leader-crash.yaml"])).toBe(0);
    const lost = /ACKNOWLEDGED BUT LOST\s+([\d,]+)/.exec(out);
    expect(lost).not.toBeNull();
    expect(Number(lost![1]!.replace(/,/g, ""))).toBeGreaterThan(0);
    expect(out).toMatch(/acks=1: the leader acknowledged writes before its followers had copied them/);
    expect(out).toMatch(/crash \(process killed\) of broker-1/);
  });

  it("--json - prints only the report, with DESIGN §3.3's top-level fields", () => {
    expect(main(["run", scenarioFile(), "--json", "-", "--seed", "9"])).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    for (const key of ["scenario", "seed", "simulatedMs", "wallMs", "produced", "delivery", "throughput", "latencyMs", "faults", "processors"]) expect(report).toHaveProperty(key);
    expect(report.seed).toBe(9);
    expect(report.simulatedMs).toBe(3000);
    expect(report.delivery).toMatchObject({ ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0, outOfOrder: 0 });
  });

  it("--json PATH writes the report and still prints the summary; --duration overrides the file", () => {
    const json = path.join(dir, "report.json");
    expect(main(["run", scenarioFile(), "--json", json, "--duration", "2s"])).toBe(0);
    expect(out).toMatch(/^small {2}\(seed \d+, 2\.0 s simulated in /);
    expect(JSON.parse(readFileSync(json, "utf8")).simulatedMs).toBe(2000);
  });

  it("refuses a --json path it cannot write before running, and says why", () => {
    const file = scenarioFile();
    const cases: [string, RegExp][] = [
      [path.join(dir, "no-such-folder", "r.json"), /cannot write the report there \(the folder .*no-such-folder does not exist\)/],
      [dir, /cannot write the report there \(it is a directory; give a file name\)/],
      [path.join(file, "r.json"), /cannot write the report there \(.*small\.yaml is not a folder\)/],
    ];
    for (const [target, message] of cases) {
      err = "";
      out = "";
      expect(main(["run", file, "--json", target])).toBe(2);
      expect(err).toMatch(message);
      expect(out).toBe(""); // nothing was run
    }
    err = "";
    expect(main(["run", file, "--json="])).toBe(2);
    expect(err).toMatch(/--json needs a file name, or - for standard output/);
  });

  it("keeps the summary when the report file cannot be written at the end (a full disk)", () => {
    // /dev/full passes every check and then fails each write with ENOSPC
    expect(existsSync("/dev/full")).toBe(true);
    expect(main(["run", scenarioFile(), "--json", "/dev/full"])).toBe(1);
    expect(out).toMatch(/^small {2}\(seed \d+, 3\.0 s simulated in /);
    expect(out).toMatch(/ACKNOWLEDGED BUT LOST\s+0/);
    expect(err).toBe("tributary: --json /dev/full: the report could not be written (ENOSPC); the summary above is complete\n");
  });

  it("bad flags and bad files exit with 2 and one clear message, never a stack trace", () => {
    const file = scenarioFile();
    const cases: [string[], RegExp][] = [
      [["run", file, "--seed", "abc"], /^--seed: expected a whole number between -9007199254740991 and 9007199254740991, got "abc"\n$/],
      [["run", file, "--seed="], /^--seed: expected a whole number between .*, got ""\n$/],
      [["run", file, "--seed", "1e3"], /^--seed: expected a whole number between .*, got "1e3"\n$/],
      [["run", file, "--seed", "99999999999999999999"], /^--seed: expected a whole number between .*, got "99999999999999999999"\n$/],
      [["run", file, "--duration", "-5s"], /^--duration: expected a positive duration up to 30 days, like 30s, 5m or 60000 \(ms\), got "-5s"\n$/],
      [["run", file, "--duration", "1000000000000"], /^--duration: expected a positive duration up to 30 days, .*got "1000000000000"\n$/],
      [["run", file, "--duration=1s", "--duration", "2s"], /^--duration is given twice \("1s" and "2s"\): give it once\n$/],
      [["run", "/dev/zero"], /^\/dev\/zero: cannot read the file \(not a regular file\)\n$/],
      [["run", file, "--bogus"], /^unknown option --bogus\nusage:/],
      [["run", file, "--seed"], /^--seed needs a value\n/],
      [["run"], /^missing FILE\n/],
      [["run", path.join(dir, "missing.yaml")], /missing\.yaml: cannot read the file \(no such file\)\n$/],
      [["run", dir], /: cannot read the file \(it is a directory\)\n$/],
      [["run", scenarioFile(SMALL.replace("partitions: 3", "partitions: -3"), "bad.yaml")], /bad\.yaml:5:\d+: topics\[0\]\.partitions: /],
      [["frobnicate"], /^unknown command "frobnicate"\n/],
    ];
    for (const [args, message] of cases) {
      err = "";
      out = "";
      expect(main(args), args.join(" ")).toBe(2);
      expect(err, args.join(" ")).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
      expect(out).toBe("");
    }
  });
});

describe("tributary validate and schema", () => {
  it("validate says ok with what the scenario holds, or lists the problems", () => {
    expect(main(["validate", "sims/iot-baseline.yaml"])).toBe(0);
    expect(out).toBe("sims/iot-baseline.yaml: ok — iot-baseline: 3 brokers, 1 topic(s), 1 producer(s), 1 consumer group(s), 0 sink(s), 0 fault(s)\n");
    out = "";
    const bad = scenarioFile(SMALL.replace("topics: [events]", "topics: [evnets]"));
    expect(main(["validate", bad])).toBe(2);
    expect(err).toMatch(/small\.yaml:7:\d+: consumerGroups\[0\]\.topics\[0\]: /);
    expect(out).toBe("");
  });

  it("schema prints the JSON Schema that sims/scenario.schema.json holds", () => {
    expect(main(["schema"])).toBe(0);
    expect(JSON.parse(out)).toEqual(JSON.parse(readFileSync("sims/scenario.schema.json", "utf8")));
  });
});

describe("npx tributary", () => {
  it("runs from the repository root through bin/tributary.mjs", () => {
    vi.restoreAllMocks();
    expect(existsSync("bin/tributary.mjs")).toBe(true);
    const r = spawnSync(process.execPath, ["bin/tributary.mjs", "validate", "sims/acks-all-leader-crash.yaml"], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.stdout).toMatch(/^sims\/acks-all-leader-crash\.yaml: ok — /);
    expect(r.status).toBe(0);
    const bad = spawnSync(process.execPath, ["bin/tributary.mjs", "run", "sims/acks-all-leader-crash.yaml", "--json", "/no/such/dir/r.json"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/cannot write the report there/);
  });
});
