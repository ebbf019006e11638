// `node bench/ab.mjs REV_A REV_B [pairs] [seconds]`: is B faster or slower than A?
// Each revision is checked out in a temporary worktree and its CLI bundled; then
// iot-baseline (90 s simulated, or [seconds]) and the large cluster (8 s) run as
// pairs, A and B at the same moment, one per core, so the machine's load falls
// on both; it prints each pair's CPU-time ratio B/A and the median. On a shared
// machine single timings drift by 10–30 %; ratios taken together drift far less.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [revA, revB, pairsArg = "5", secondsArg = "90"] = process.argv.slice(2);
if (!revA || !revB) {
  console.error("usage: node bench/ab.mjs REV_A REV_B [pairs (5)] [iot-baseline seconds (90)]");
  process.exit(2);
}
const pairs = Number(pairsArg);
if (!Number.isInteger(pairs) || pairs < 1) {
  console.error(`pairs: expected a whole number of at least 1, got ${JSON.stringify(pairsArg)}`);
  process.exit(2);
}

const scratch = mkdtempSync(path.join(tmpdir(), "tributary-ab-"));
const trees = [];
try {
  for (const [label, rev] of [["A", revA], ["B", revB]]) {
    const dir = path.join(scratch, label);
    try {
      execFileSync("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: root, stdio: "ignore" });
    } catch {
      console.error(`${rev}: not a commit of this repository (expected a revision such as HEAD, main~3 or a commit id)`);
      process.exitCode = 2;
      break;
    }
    execFileSync("git", ["worktree", "add", "--detach", "-f", dir, rev], { cwd: root, stdio: "ignore" });
    trees.push(dir);
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    await build({ entryPoints: [path.join(dir, "electron/cli/main.ts")], outfile: path.join(dir, "ab-cli.mjs"), bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "error" });
    // runs one simulation and prints the CPU time it took (user + system, all threads)
    writeFileSync(
      path.join(dir, "ab-run.mjs"),
      `const { main } = await import("./ab-cli.mjs");\nconst t = process.cpuUsage();\nawait main(process.argv.slice(2));\nconst u = process.cpuUsage(t);\nprocess.stderr.write("CPU " + (u.user + u.system) / 1000 + "\\n");\n`,
    );
  }
  if (process.exitCode === 2) throw new Error("stop");
  const cpuMs = (dir, file, duration) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["ab-run.mjs", "run", file, "--duration", duration, "--json", path.join(dir, "ab-report.json")], { cwd: dir });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (code) => {
        const m = /CPU ([\d.]+)/.exec(err);
        if (code !== 0 || !m) reject(new Error(`${file} in ${dir} failed (exit ${code}): ${err.slice(-300)}`));
        else resolve(Number(m[1]));
      });
    });
  const cases = [["iot-baseline", "sims/iot-baseline.yaml", `${secondsArg}s`], ["large-cluster", "sims/large-cluster.yaml", "8s"]];
  console.log(`B/A CPU time, ${pairs} pairs each (A = ${revA}, B = ${revB}; below 1: B is faster)`);
  for (const [name, file, duration] of cases) {
    const ratios = [];
    for (let i = 0; i < pairs; i++) {
      const [a, b] = await Promise.all([cpuMs(trees[0], file, duration), cpuMs(trees[1], file, duration)]);
      ratios.push(b / a);
    }
    ratios.sort((x, y) => x - y);
    console.log(`${name.padEnd(14)} median ${ratios[ratios.length >> 1].toFixed(3)}   (${ratios.map((r) => r.toFixed(3)).join(" ")})`);
  }
} catch (error) {
  if (!(error instanceof Error && error.message === "stop")) throw error;
} finally {
  for (const dir of trees) execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: root, stdio: "ignore" });
  rmSync(scratch, { recursive: true, force: true });
}
