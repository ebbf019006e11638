#!/usr/bin/env node
// `npm start`. The desktop app is not built yet (it lands with the
// desktop-app issue); until then this runs the baseline scenario headless
// and prints its report, so `npm start` shows the engine working.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("./tributary.mjs", import.meta.url));

console.log("Tributary: the desktop app is not built yet; running sims/iot-baseline.yaml headless instead (tributary run).");

const child = spawn(process.execPath, [cli, "run", "sims/iot-baseline.yaml", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
child.on("error", (error) => {
  console.error(`tributary: could not start the CLI: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
