/**
 * Chromium and Tributary's web server for the end-to-end tests and the UI
 * benchmark (no vitest here, so bench/ui.ts can use it too):
 *  - the renderer is built once (renderer/dist), when missing or older than
 *    its sources, under a lock so parallel test files do not build at once;
 *  - the web server (`tributary serve`) runs in-process on port 0 with a
 *    temporary data directory, optionally sharing a read-only view URL;
 *  - Debian's Chromium runs headless through playwright-core.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { startWebServer, type WebServer } from "../../electron/web/server";
import { rendererIsStale } from "../../electron/web/renderer-build";
import { findProjectRoot } from "../../electron/project-root";

export const ROOT = findProjectRoot();
export const CHROMIUM_PATH = process.env.TRIBUTARY_CHROMIUM ?? "/usr/bin/chromium";
export const SHOTS_DIR = path.join(ROOT, "test-results", "e2e");
export const VIEWPORT = { width: 1280, height: 720 };
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Per-test default for waits on the page (ms of wall time). */
export const WAIT_MS = 20_000;

// ---------------------------------------------------------------------------
// Chromium and the renderer build

export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The end-to-end tests need a real Chromium at ${CHROMIUM_PATH}, and there is none. ` +
        `Install it (Debian/Ubuntu: sudo apt-get install chromium; .ci/run does this), ` +
        `or point TRIBUTARY_CHROMIUM at a Chromium/Chrome binary.`,
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  assertChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A cross-process lock (mkdir is atomic); a lock older than `staleMs` is taken over. */
async function withLock<T>(lockDir: string, work: () => Promise<T>, staleMs = 10 * 60_000): Promise<T> {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > staleMs) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (error) => resolve({ code: -1, output: output + String(error) }));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

/**
 * Was renderer/dist built in development mode? A build run with NODE_ENV set to anything but
 * "production" (vitest sets "test") bundles React's development runtime (jsxDEV, extra checks):
 * several times slower, so neither the tests nor the benchmark would see the real product.
 */
export function isDevelopmentBuild(dist: string): boolean {
  const assets = path.join(dist, "assets");
  if (!existsSync(assets)) return false;
  return readdirSync(assets).some((f) => f.endsWith(".js") && readFileSync(path.join(assets, f), "utf8").includes("jsxDEV"));
}

function needsBuild(dist: string): boolean {
  return rendererIsStale(ROOT) || isDevelopmentBuild(dist);
}

/** renderer/dist as a production build, built first when missing, older than renderer/ or shared/, or a development build. */
export async function ensureRenderer(): Promise<string> {
  const dist = path.join(ROOT, "renderer", "dist");
  if (!needsBuild(dist)) return dist;
  return withLock(path.join(ROOT, "node_modules", ".cache", "tributary", "e2e-renderer-build.lock"), async () => {
    if (!needsBuild(dist)) return dist; // another test file built it while we waited
    const started = Date.now();
    // NODE_ENV=production: under vitest it is "test", which would give React's development build
    const env = { ...process.env, NODE_ENV: "production", NO_COLOR: "1" };
    const { code, output } = await run("npx", ["--no", "vite", "build", "--config", "renderer/vite.config.ts", "--logLevel", "warn"], ROOT, env);
    if (code !== 0 || !existsSync(path.join(dist, "index.html")) || isDevelopmentBuild(dist)) {
      throw new Error(`Building the renderer failed (npx vite build --config renderer/vite.config.ts, exit ${code}):\n${output.slice(-4000)}`);
    }
    process.stderr.write(`[e2e] built renderer/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return dist;
  });
}

// ---------------------------------------------------------------------------
// The server

export interface E2EServer {
  server: WebServer;
  dataDir: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startE2EServer(options: { share?: boolean } = {}): Promise<E2EServer> {
  const rendererDir = await ensureRenderer();
  const dataDir = mkdtempSync(path.join(tmpdir(), "tributary-e2e-"));
  const logs: string[] = [];
  const server = await startWebServer({
    port: 0,
    share: options.share ?? false,
    dataDir,
    rendererDir,
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  return {
    server,
    dataDir,
    logs,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
