/**
 * `tributary serve [--port N] [--host ADDR] [--share] [--data-dir DIR]`:
 * the app in a browser (web mode). Prints the teacher's URL (and with
 * --share the read-only URL for the class), then runs until Ctrl+C.
 */
import { homedir } from "node:os";
import path from "node:path";
import { startWebServer, type WebServer, type WebServerOptions } from "../web/server";

export const DEFAULT_PORT = 5173;

export const SERVE_USAGE = "tributary serve [--port N] [--host ADDR] [--share] [--data-dir DIR]";

/** Web mode keeps its autosave and recent files apart from the desktop app's, so both can run at once. */
export function defaultWebDataDir(): string {
  if (process.env.TRIBUTARY_DATA_DIR) return process.env.TRIBUTARY_DATA_DIR;
  const appData =
    process.platform === "win32" ? (process.env.APPDATA ?? path.join(homedir(), "AppData", "Roaming"))
    : process.platform === "darwin" ? path.join(homedir(), "Library", "Application Support")
    : (process.env.XDG_CONFIG_HOME ?? path.join(homedir(), ".config"));
  return path.join(appData, "tributary-web");
}

/** Start on `port`; when that is the default and it is taken, on any free port instead. */
export async function startOnPreferredPort(options: WebServerOptions, portIsDefault: boolean): Promise<WebServer> {
  try {
    return await startWebServer(options);
  } catch (error) {
    if (!portIsDefault || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startWebServer({ ...options, port: 0 });
  }
}

export class ServeUsageError extends Error {}

function parseServeFlags(args: string[]): { port: number | null; host: string; share: boolean; dataDir: string } {
  let port: number | null = null;
  let host = "127.0.0.1";
  let share = false;
  let dataDir = defaultWebDataDir();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split("=", 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new ServeUsageError(`${flag} needs a value\nusage: ${SERVE_USAGE}`);
      return v;
    };
    if (flag === "--port") {
      const raw = value();
      port = Number(raw);
      if (!/^\d+$/.test(raw) || port > 65535) throw new ServeUsageError(`--port: expected a port number 0-65535, got "${raw}"`);
    } else if (flag === "--host") host = value();
    else if (flag === "--share" && inline === undefined) share = true;
    else if (flag === "--data-dir") dataDir = path.resolve(value());
    else throw new ServeUsageError(`unknown option "${args[i]}"\nusage: ${SERVE_USAGE}`);
  }
  return { port, host, share, dataDir };
}

export async function serve(args: string[]): Promise<number> {
  const flags = parseServeFlags(args);
  const server = await startOnPreferredPort({ port: flags.port ?? DEFAULT_PORT, host: flags.host, share: flags.share, dataDir: flags.dataDir }, flags.port === null);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Tributary (web mode): ${server.url}`);
  if (server.viewUrl) out(`Read-only view for the class: ${server.viewUrl}`);
  if (flags.share && ["127.0.0.1", "::1", "localhost"].includes(flags.host)) out("Note: bound to this machine only; add --host 0.0.0.0 so other computers can open the view URL.");
  if (!["127.0.0.1", "::1", "localhost"].includes(flags.host)) out(`Listening on ${flags.host}: other computers can load the page; the engine still needs a token from the URLs above.`);
  out("Press Ctrl+C to stop.");
  return serveUntilInterrupted(server);
}

/** Keep serving until Ctrl+C (or SIGTERM), then close cleanly; resolves to the exit code. */
export function serveUntilInterrupted(server: { close(): Promise<unknown> }): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.close().then(() => resolve(0));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
