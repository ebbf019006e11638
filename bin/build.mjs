// Bundles a TypeScript entry point for Node with esbuild (fast start, and no
// per-closure name wrappers on the hot path), cached under node_modules/.cache.
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function bundle(entry, name) {
  const outfile = path.join(root, "node_modules", ".cache", "tributary", `${name}.mjs`);
  await build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    logLevel: "error",
  });
  return import(pathToFileURL(outfile).href);
}
