/**
 * `tributary` — the headless command line.
 *   tributary run FILE [--seed N] [--duration D] [--json PATH|-]
 *   tributary validate FILE
 *   tributary schema
 *   tributary serve [--port N] [--host ADDR] [--share] [--data-dir DIR]
 * Exit codes: 0 ok, 1 the run failed, 2 bad input (file, flags).
 */
import { accessSync, constants, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseScenario, formatProblems } from "../../shared/scenario/load";
import { parseDuration } from "../../shared/scenario/duration";
import { scenarioJsonSchemaText } from "../../shared/scenario/json-schema";
import { Engine } from "../../shared/engine/engine";
import { formatSummary } from "../../shared/engine/summary";
import { MAX_DURATION_MS, type Scenario } from "../../shared/scenario/schema";
import { serve, ServeUsageError, SERVE_USAGE } from "./serve";
import { RendererBuildError } from "../web/renderer-build";

const USAGE = `usage:
  tributary run FILE [--seed N] [--duration D] [--json PATH|-]
  tributary validate FILE
  tributary schema
  ${SERVE_USAGE}`;

class UsageError extends Error {}

function load(file: string): Scenario {
  let text: string;
  try {
    // a device or a pipe (/dev/zero, a FIFO) would be read forever
    const kind = statSync(file);
    if (!kind.isFile() && !kind.isDirectory()) throw new UsageError(`${file}: cannot read the file (not a regular file)`);
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read the file (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code ?? "unknown error"})`);
  }
  const parsed = parseScenario(text, file);
  if (!parsed.ok) throw new UsageError(formatProblems(parsed.errors));
  return parsed.scenario;
}

/** `--json PATH` must be writable before a long run starts, not found unwritable at its end. */
function checkWritable(path: string): void {
  const problem = (why: string) => new UsageError(`--json ${path}: cannot write the report there (${why})`);
  let target: ReturnType<typeof statSync> | undefined;
  try {
    target = statSync(path);
  } catch {
    target = undefined;
  }
  if (target?.isDirectory()) throw problem("it is a directory; give a file name");
  const folder = dirname(resolve(path));
  if (!target) {
    let dir: ReturnType<typeof statSync>;
    try {
      dir = statSync(folder);
    } catch {
      throw problem(`the folder ${folder} does not exist`);
    }
    if (!dir.isDirectory()) throw problem(`${folder} is not a folder`);
  }
  try {
    accessSync(target ? path : folder, constants.W_OK);
  } catch {
    throw problem(target ? "the file is read-only" : `no permission to create files in ${folder}`);
  }
}

function parseFlags(args: string[]): { file: string; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
      if (!["seed", "duration", "json"].includes(name)) throw new UsageError(`unknown option --${name}\n${USAGE}`);
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value\n${USAGE}`);
      if (flags.has(name)) throw new UsageError(`--${name} is given twice ("${flags.get(name)}" and "${value}"): give it once`);
      flags.set(name, value);
    } else if (file === undefined) file = arg;
    else throw new UsageError(`unexpected argument "${arg}"\n${USAGE}`);
  }
  if (file === undefined) throw new UsageError(`missing FILE\n${USAGE}`);
  return { file, flags };
}

function run(args: string[]): number {
  const { file, flags } = parseFlags(args);
  const scenario = load(file);
  let seed: number | undefined;
  if (flags.has("seed")) {
    const raw = flags.get("seed")!;
    seed = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(seed)) throw new UsageError(`--seed: expected a whole number between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got "${raw}"`);
  }
  let durationMs: number | undefined;
  if (flags.has("duration")) {
    const raw = flags.get("duration")!;
    const parsed = parseDuration(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
    if (parsed === null || parsed <= 0 || parsed > MAX_DURATION_MS) throw new UsageError(`--duration: expected a positive duration up to ${MAX_DURATION_MS / 86_400_000} days, like 30s, 5m or 60000 (ms), got "${raw}"`);
    durationMs = parsed;
  }
  const json = flags.get("json");
  if (json === "") throw new UsageError(`--json needs a file name, or - for standard output`);
  if (json !== undefined && json !== "-") checkWritable(json);
  const started = performance.now();
  const engine = new Engine(scenario, { seed, durationMs });
  let lastProgress = started;
  engine.run((simMs, totalMs) => {
    const now = performance.now();
    if (now - lastProgress >= 1000) {
      lastProgress = now;
      process.stderr.write(`  ${((100 * simMs) / totalMs).toFixed(0)}%  ${(simMs / 1000).toFixed(0)} s of ${(totalMs / 1000).toFixed(0)} s simulated\n`);
    }
  });
  const report = engine.report(performance.now() - started);
  if (json === "-") {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  // the summary first: if the file cannot be written after all (a full disk), the run is not lost
  process.stdout.write(`${formatSummary(report)}\n`);
  if (json !== undefined) {
    try {
      writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      process.stderr.write(`tributary: --json ${json}: the report could not be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); the summary above is complete\n`);
      return 1;
    }
  }
  return 0;
}

/** Synchronous for the batch commands; `serve` resolves when the server stops. */
export function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return run(rest);
      case "validate": {
        const { file } = parseFlags(rest);
        const scenario = load(file);
        process.stdout.write(`${file}: ok — ${scenario.name}: ${scenario.cluster.brokers} brokers, ${scenario.topics.length} topic(s), ${scenario.producers.length} producer(s), ${scenario.consumerGroups.length} consumer group(s), ${scenario.sinks.length} sink(s), ${scenario.faults.length} fault(s)\n`);
        return 0;
      }
      case "serve":
        return serve(rest).catch(fail);
      case "schema":
        process.stdout.write(scenarioJsonSchemaText());
        return 0;
      case undefined:
      case "help":
      case "--help":
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (error) {
    return fail(error);
  }
}

function fail(error: unknown): number {
  if (error instanceof UsageError || error instanceof ServeUsageError) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof RendererBuildError || code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES") {
    process.stderr.write(`tributary: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  process.stderr.write(`tributary: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
