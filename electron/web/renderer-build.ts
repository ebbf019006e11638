/**
 * The renderer's production build (renderer/dist), made with Vite when it is
 * missing (or, for `npm start`, older than its sources). Vite is run as
 * `npx vite build` in renderer/, where renderer/vite.config.ts lives; when
 * there is no config yet, the error says what to run instead of failing
 * somewhere deeper.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export function rendererDistDir(root: string): string {
  return path.join(root, "renderer", "dist");
}

/** Newest modification time under `dir` (0 when absent), skipping build output and dependencies. */
function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** Is renderer/dist missing, or older than anything it is built from (the renderer and the shared code it imports)? */
export function rendererIsStale(root: string): boolean {
  const built = path.join(rendererDistDir(root), "index.html");
  if (!existsSync(built)) return true;
  const sources = ["renderer", "shared"].map((dir) => newestMtime(path.join(root, dir)));
  return Math.max(...sources) > statSync(built).mtimeMs;
}

export class RendererBuildError extends Error {}

/** Build renderer/dist if it is missing (or stale, when asked); returns its directory. */
export function ensureRendererBuilt(root: string, options: { rebuildIfStale?: boolean } = {}): string {
  const dist = rendererDistDir(root);
  const missing = !existsSync(path.join(dist, "index.html"));
  if (!missing && !(options.rebuildIfStale && rendererIsStale(root))) return dist;
  const rendererDir = path.join(root, "renderer");
  if (!existsSync(path.join(rendererDir, "vite.config.ts"))) {
    if (!missing) return dist; // stale but unbuildable here: the old build still works
    throw new RendererBuildError(`renderer/dist is missing and renderer/vite.config.ts does not exist yet; build the renderer first (cd renderer && npx vite build)`);
  }
  const build = spawnSync("npx", ["--no", "vite", "build", "--logLevel", "warn"], {
    cwd: rendererDir,
    // a production build whatever the caller runs under (vitest sets NODE_ENV=test: React's slow development build)
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit"],
    shell: process.platform === "win32",
  });
  if (build.status !== 0 || !existsSync(path.join(dist, "index.html"))) {
    throw new RendererBuildError(`building the renderer failed (cd renderer && npx vite build${build.error ? `: ${build.error.message}` : `, exit code ${build.status}`})`);
  }
  return dist;
}
