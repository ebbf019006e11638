#!/usr/bin/env node
// `npm run build:electron`: bundles the desktop app's Node side with esbuild
// into dist-electron/ — the main process, the preload and the engine's
// worker thread. Dependencies are bundled in (only `electron` stays
// external), so the packaged app needs no node_modules and the worker,
// unpacked from app.asar, finds nothing missing. The preload is CommonJS:
// a sandboxed preload cannot be an ES module.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist-electron");

// bundled CommonJS dependencies may call require(); give ES module output one
const requireShim = 'import { createRequire as __tributaryCreateRequire } from "node:module"; const require = __tributaryCreateRequire(import.meta.url);';

const common = { bundle: true, platform: "node", target: "node20", sourcemap: "linked", logLevel: "warning", external: ["electron"] };

export async function buildElectron() {
  await Promise.all([
    build({ ...common, entryPoints: [path.join(root, "electron/main.ts")], outfile: path.join(outdir, "main.mjs"), format: "esm", banner: { js: requireShim } }),
    build({ ...common, entryPoints: [path.join(root, "electron/engine-host/worker.ts")], outfile: path.join(outdir, "engine-worker.mjs"), format: "esm", banner: { js: requireShim } }),
    build({ ...common, entryPoints: [path.join(root, "electron/preload.ts")], outfile: path.join(outdir, "preload.cjs"), format: "cjs" }),
  ]);
  return outdir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildElectron();
  console.log(`dist-electron/: main.mjs, preload.cjs, engine-worker.mjs (${Math.round(performance.now() - started)} ms)`);
}
