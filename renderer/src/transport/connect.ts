/**
 * The transport factory: Electron's preload object when there is one,
 * otherwise a WebSocket to the server this page came from.
 */
import type { Transport } from "./transport";
import { createWsTransport, type SocketLike } from "./ws-client";

// window.tributary is declared by electron/preload-api.d.ts (part of this TypeScript project)

export function connectTransport(): Transport {
  const preload = window.tributary;
  if (preload) {
    const status = { state: "open" as const, readOnly: preload.readOnly, attempt: 0, retryInMs: null };
    return { api: preload, status: () => status, onStatus: () => () => {}, close: () => {} };
  }
  const token = new URLSearchParams(location.search).get("token") ?? "";
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return createWsTransport({
    url: `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  });
}
