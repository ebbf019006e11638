/**
 * The repository root, found from wherever this code runs: the TypeScript
 * source (tests), or an esbuild bundle under node_modules/.cache/tributary/
 * (the CLI). Found by walking up to the package.json named "tributary", so
 * the answer does not depend on how deep the bundle sits.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function findProjectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "tributary") return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the Tributary project (a package.json named "tributary") above ${from}`);
  }
}
