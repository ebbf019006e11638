/**
 * Web mode: the renderer served over HTTP and the engine over a WebSocket at
 * /ws, speaking the same contract as Electron's preload. Loopback only
 * unless the caller binds elsewhere (--host). Every WebSocket must present
 * a token minted at start: the control token, or with `share` a view token
 * for read-only classroom viewers. While bound to loopback, requests naming
 * another host are refused, so a web page on a rebinding domain cannot
 * reach the server; browser sockets must come from this server's own pages.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { networkInterfaces } from "node:os";
import { WebSocketServer } from "ws";
import { EngineHost, type HostLog } from "../engine-host/host";
import { findProjectRoot } from "../project-root";
import { accessFor, ClientHub, newToken } from "./clients";
import { ensureRendererBuilt } from "./renderer-build";
import { securityHeaders, serveStatic } from "./static-files";

export interface WebServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Address to bind; 127.0.0.1 unless the user opts in to more. */
  host?: string;
  /** Also mint a view token for read-only viewers. */
  share?: boolean;
  /** The engine host's data directory (autosave, recent files). */
  dataDir: string;
  /** The built renderer; default renderer/dist, built first if missing. */
  rendererDir?: string;
  /** The engine worker's JavaScript (see EngineHost). */
  workerScript?: string;
  log?: HostLog;
}

export interface WebServer {
  /** The teacher's URL, with the control token. */
  url: string;
  /** With `share`: the URL for read-only viewers. */
  viewUrl?: string;
  port: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 8 * 1024 * 1024; // a scenario may be 5 MB of YAML
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const SAFE_HOST_HEADER = /^[A-Za-z0-9.\-:[\]]+$/;

const defaultLog: HostLog = (level, message) => (level === "info" ? console.log : console.error)(`[web] ${level}: ${message}`);

function urlHost(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

/** A LAN address viewers can type, for a server bound to every interface. */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === "IPv4" && !info.internal) return info.address;
  }
  return null;
}

function rejectUpgrade(socket: Duplex, status: string, reason: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const log = options.log ?? defaultLog;
  const bindHost = options.host ?? "127.0.0.1";
  const loopbackOnly = LOOPBACK.has(bindHost);
  const rendererDir = options.rendererDir ?? ensureRendererBuilt(findProjectRoot());
  const controlToken = newToken();
  const viewToken = options.share ? newToken() : null;

  const engine = await EngineHost.start({ dataDir: options.dataDir, workerScript: options.workerScript, log });
  const hub = new ClientHub(engine, log);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = options.port;

  /** The Host header, when this server may answer it (DNS-rebinding guard while on loopback). */
  function acceptedHost(request: IncomingMessage): string | null {
    const header = request.headers.host;
    if (!header || !SAFE_HOST_HEADER.test(header)) return null;
    if (!loopbackOnly) return header;
    const name = header.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
    return LOOPBACK.has(name) && header.endsWith(`:${port}`) ? header : null;
  }

  const server = createServer((request, response) => {
    const host = acceptedHost(request);
    if (!host) {
      response.writeHead(421, { "Content-Type": "text/plain; charset=utf-8" });
      return void response.end("This server only answers requests addressed to it.\n");
    }
    serveStatic(rendererDir, request, response, securityHeaders(`ws://${host}`));
  });

  server.on("upgrade", (request, socket, head) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const peer = `${request.socket.remoteAddress ?? "?"}:${request.socket.remotePort ?? "?"}`;
    if (url.pathname !== "/ws") return rejectUpgrade(socket, "404 Not Found", "not found\n");
    const host = acceptedHost(request);
    if (!host) return rejectUpgrade(socket, "421 Misdirected Request", "wrong host\n");
    // a browser says where the page came from; only this server's own pages may connect
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      log("warn", `refused a WebSocket from ${peer} with origin ${origin}`);
      return rejectUpgrade(socket, "403 Forbidden", "cross-origin connection refused\n");
    }
    const access = accessFor(url.searchParams.get("token"), controlToken, viewToken);
    if (!access) {
      log("warn", `refused a WebSocket from ${peer}: missing or wrong token`);
      return rejectUpgrade(socket, "401 Unauthorized", "a valid token is required (use the URL the server printed)\n");
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      log("info", `${access === "view" ? "viewer" : "controller"} connected from ${peer}`);
      hub.add(ws, access, peer);
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, bindHost, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  port = (server.address() as AddressInfo).port;

  const wildcard = bindHost === "0.0.0.0" || bindHost === "::";
  const controlHost = wildcard ? "127.0.0.1" : urlHost(bindHost);
  const viewHost = wildcard ? (lanAddress() ?? "127.0.0.1") : urlHost(bindHost);
  let closing: Promise<void> | null = null;
  return {
    url: `http://${controlHost}:${port}/?token=${controlToken}`,
    viewUrl: viewToken ? `http://${viewHost}:${port}/?token=${viewToken}` : undefined,
    port,
    close() {
      closing ??= (async () => {
        hub.close();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await engine.close();
      })();
      return closing;
    },
  };
}
