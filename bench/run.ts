/**
 * `npm run bench`: the simulator's speed, measured in one run.
 *  1. the kernel's raw rate on empty events (the ceiling for everything else);
 *  2. iot-baseline over 5 simulated minutes: wall time, real-time factor
 *     (simulated ÷ wall) and peak memory;
 *  3. the large cluster (30 brokers, 600 partitions, 1 M msg/s);
 *  4. scrubbing back 5 s in the app: restoring a checkpoint vs replaying from t=0.
 * Each case runs in a child process of its own so its peak RSS is its own.
 * Figures vary with the machine and its load: compare ratios taken together.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Simulator } from "../shared/kernel/simulator";
import { Engine } from "../shared/engine/engine";
import { parseScenario } from "../shared/scenario/load";
import { LiveSession } from "../shared/engine/session";

interface CaseResult {
  name: string;
  simulatedMs: number;
  wallMs: number;
  events: number;
  peakRssMB: number;
  /** Heap + typed arrays still reachable at the end, after a full GC: what the run really holds. */
  retainedMB: number;
  note: string;
}

/** V8 grows its heap lazily; capping old space makes it collect instead, so peak RSS shows what a run needs. */
const HEAP_CAP_MB = 384;

function retainedMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / (1024 * 1024);
}

function kernelCase(): CaseResult {
  const sim = new Simulator();
  const total = 3_000_000;
  // 1,000 concurrent chains of empty events: a heap of realistic depth
  let fired = 0;
  const chain = () => {
    if (++fired < total) sim.schedule(1 + (fired % 7), chain);
  };
  for (let i = 0; i < 1000; i++) sim.schedule(i % 13, chain);
  const started = performance.now();
  sim.run(Infinity);
  const wallMs = performance.now() - started;
  return { name: "kernel", simulatedMs: sim.now, wallMs, events: sim.eventsFired, peakRssMB: process.resourceUsage().maxRSS / 1024, retainedMB: retainedMB(), note: "" };
}

function scenarioCase(file: string, durationMs: number): CaseResult {
  const parsed = parseScenario(readFileSync(file, "utf8"), file);
  if (!parsed.ok) throw new Error(`${file} does not load`);
  const started = performance.now();
  const engine = new Engine(parsed.scenario, { durationMs });
  engine.run();
  const wallMs = performance.now() - started;
  const report = engine.report(wallMs);
  return {
    name: parsed.scenario.name,
    simulatedMs: engine.now,
    wallMs,
    events: engine.sim.eventsFired,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    retainedMB: retainedMB(),
    note: `${report.throughput.sinkMsgsPerSec.toLocaleString("en-US")} msg/s to the sink, p99 ${report.latencyMs.p99} ms, ackedLost ${report.delivery.ackedLost}`,
  };
}

/**
 * Scrubbing back in the app: iot-baseline played to 120 s, then the timeline
 * moved back to 115 s — once restoring the checkpoint the session keeps
 * trailing 10 s behind, once replaying from t=0 (no checkpoints).
 */
function scrubCase(): CaseResult {
  const yaml = readFileSync("sims/iot-baseline.yaml", "utf8");
  const timeScrub = (withCheckpoints: boolean): number => {
    const session = new LiveSession(() => 0);
    if (!session.open(yaml, "iot-baseline.yaml").ok) throw new Error("iot-baseline does not load");
    session.step(120_000);
    // the clock stands still, so each call spends what it needs: what the host does in spare moments while playing
    if (withCheckpoints) for (let i = 0; i < 3; i++) session.trail(1);
    const started = performance.now();
    session.seek(115_000);
    const wallMs = performance.now() - started;
    if (session.restoredCheckpoints !== (withCheckpoints ? 1 : 0)) throw new Error("the scrub did not do what it was measured for");
    return wallMs;
  };
  const replayMs = timeScrub(false);
  const restoreMs = timeScrub(true);
  return { name: "scrub", simulatedMs: 115_000, wallMs: restoreMs, events: 0, peakRssMB: process.resourceUsage().maxRSS / 1024, retainedMB: retainedMB(), note: `replay from t=0 ${replayMs.toFixed(0)} ms` };
}

const CASES: Record<string, () => CaseResult> = {
  kernel: kernelCase,
  "iot-baseline": () => scenarioCase("sims/iot-baseline.yaml", 300_000),
  "large-cluster": () => scenarioCase("sims/large-cluster.yaml", Number(process.env.BENCH_LARGE_MS ?? 30_000)),
  scrub: scrubCase,
};

async function runChild(name: string): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [name], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: ["--expose-gc", `--max-old-space-size=${HEAP_CAP_MB}`] });
    child.on("message", (m) => resolve(m as CaseResult));
    child.on("exit", (code) => code !== 0 && reject(new Error(`case ${name} exited with ${code}`)));
  });
}

const only = process.argv[2];
if (only && CASES[only]) {
  process.send!(CASES[only]!());
} else {
  console.log(`Tributary benchmark (each case in its own process, node --max-old-space-size=${HEAP_CAP_MB}; figures depend on the machine and its load)\n`);
  const rows: CaseResult[] = [];
  for (const name of Object.keys(CASES)) {
    process.stderr.write(`  running ${name}…\n`);
    rows.push(await runChild(name));
  }
  const kernel = rows[0]!;
  console.log(`kernel: ${(kernel.events / (kernel.wallMs / 1000) / 1e6).toFixed(2)} M empty events/s (${kernel.events.toLocaleString("en-US")} events in ${kernel.wallMs.toFixed(0)} ms)`);
  console.log("");
  console.log("case            simulated   wall       real-time ×   events/s     peak RSS   retained");
  for (const r of rows.slice(1).filter((r) => r.name !== "scrub")) {
    const rtf = r.simulatedMs / r.wallMs;
    console.log(
      `${r.name.padEnd(15)} ${(r.simulatedMs / 1000).toFixed(0).padStart(6)} s  ${(r.wallMs / 1000).toFixed(2).padStart(7)} s  ${rtf.toFixed(1).padStart(10)}   ${(r.events / (r.wallMs / 1000) / 1000).toFixed(0).padStart(7)} k  ${r.peakRssMB.toFixed(0).padStart(6)} MB  ${r.retainedMB.toFixed(0).padStart(5)} MB   ${r.note}`,
    );
  }
  const scrub = rows.find((r) => r.name === "scrub")!;
  const replayMs = Number(/replay from t=0 (\d+) ms/.exec(scrub.note)?.[1]);
  console.log(`\nscrub back 120 s → 115 s (iot-baseline): restoring the trailing checkpoint ${scrub.wallMs.toFixed(0)} ms, replaying from t=0 ${replayMs} ms (${(replayMs / scrub.wallMs).toFixed(0)}× faster)`);
  const baseline = rows.find((r) => r.name === "iot-baseline")!;
  console.log(`\nratio: iot-baseline events/s ÷ kernel empty events/s = ${((baseline.events / baseline.wallMs) / (kernel.events / kernel.wallMs)).toFixed(3)}`);
  // what 200× asks of this machine, whatever its speed: the model's events per simulated second are fixed by the scenario
  const perSimSecond = baseline.events / (baseline.simulatedMs / 1000);
  const budgetUs = 1e6 / (perSimSecond * 200);
  const spentUs = (baseline.wallMs * 1000) / baseline.events;
  const emptyUs = (kernel.wallMs * 1000) / kernel.events;
  console.log(
    `200× for iot-baseline: ${Math.round(perSimSecond).toLocaleString("en-US")} events per simulated second leave ${budgetUs.toFixed(2)} µs per event; ` +
      `it spends ${spentUs.toFixed(2)} µs (${(spentUs / budgetUs).toFixed(1)}× the budget), an empty event ${emptyUs.toFixed(2)} µs`,
  );
  console.log("targets (one core): iot-baseline ≥ 200× real time, large cluster ≥ 1×, peak memory < 500 MB");
}
