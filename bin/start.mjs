#!/usr/bin/env node
// `npm start`: builds what is missing or stale (the renderer with Vite, the
// Electron bundles) and opens the desktop app. Where there is no Electron
// binary (it is downloaded at install time, which needs a network), it says
// so in one line and serves the same app in web mode on 127.0.0.1 instead.
// Arguments are passed on: `npm start -- sims/iot-baseline.yaml` opens that
// scenario in the desktop app.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "./build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// What node_modules/electron/index.js resolves, without its fallback of
// downloading the binary on the spot (slow, noisy, and it fails offline).
function electronBinary() {
  const packageDir = path.join(root, "node_modules", "electron");
  const pathFile = path.join(packageDir, "path.txt");
  if (!existsSync(pathFile)) return { reason: "Electron binary not available (no network to download it)" };
  const executable = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, "dist"), readFileSync(pathFile, "utf8").trim());
  if (!existsSync(executable)) return { reason: `Electron binary not available (${path.relative(root, executable)} is missing)` };
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: "No display to open a window on (DISPLAY is not set)" };
  return { executable };
}

async function main() {
  const web = await bundle("electron/web/launch.ts", "launch");
  const electron = electronBinary();
  if (!electron.executable) return web.launchWebMode(electron.reason);

  web.prepareRenderer();
  const { buildElectron } = await import("./build-electron.mjs");
  await buildElectron();
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, it would make the binary a plain Node
  const child = spawn(electron.executable, [root, ...process.argv.slice(2)], { cwd: root, stdio: "inherit", env });
  return new Promise((resolve) => {
    child.on("error", (error) => {
      console.error(`tributary: could not start Electron: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`tributary: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
