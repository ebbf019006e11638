/**
 * Web mode as `npm start` falls back to it when there is no Electron
 * binary: build the renderer if needed, serve on 5173 (or a free port),
 * say why in one line, and run until Ctrl+C.
 */
import { defaultWebDataDir, DEFAULT_PORT, serveUntilInterrupted, startOnPreferredPort } from "../cli/serve";
import { findProjectRoot } from "../project-root";
import { ensureRendererBuilt } from "./renderer-build";

export { ensureRendererBuilt } from "./renderer-build";

/** Build renderer/dist when it is missing or older than its sources; returns its directory. */
export function prepareRenderer(): string {
  return ensureRendererBuilt(findProjectRoot(), { rebuildIfStale: true });
}

export async function launchWebMode(reason: string): Promise<number> {
  const rendererDir = prepareRenderer();
  const server = await startOnPreferredPort({ port: DEFAULT_PORT, dataDir: defaultWebDataDir(), rendererDir }, true);
  process.stdout.write(`${reason}; serving Tributary in web mode at ${server.url}\n`);
  return serveUntilInterrupted(server);
}
