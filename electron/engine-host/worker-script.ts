/**
 * Where the worker's runnable JavaScript is. A worker thread needs a JS
 * file, not TypeScript: the desktop build ships one next to the main
 * process (dist-electron/engine-worker.mjs, passed in explicitly); from the
 * sources (tests, the CLI) it is bundled here with esbuild on first use,
 * once per process, into node_modules/.cache/tributary/.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findProjectRoot } from "../project-root";

let bundled: Promise<string> | undefined;

export function bundledWorkerScript(): Promise<string> {
  bundled ??= (async () => {
    const root = findProjectRoot();
    const outfile = path.join(root, "node_modules", ".cache", "tributary", "engine-worker.mjs");
    // imported lazily: the packaged app never gets here and does not ship esbuild
    const { build } = await import("esbuild");
    const output = await build({
      entryPoints: [path.join(root, "electron", "engine-host", "worker.ts")],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      sourcemap: "inline",
      logLevel: "error",
      write: false,
    });
    // several test processes may build at once: write aside and rename, so none loads a half-written file
    mkdirSync(path.dirname(outfile), { recursive: true });
    const temporary = `${outfile}.${process.pid}.tmp`;
    writeFileSync(temporary, output.outputFiles[0]!.contents);
    renameSync(temporary, outfile);
    return outfile;
  })();
  return bundled;
}
