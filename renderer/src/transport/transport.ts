/**
 * The one thing the renderer knows about its transport: an API, and whether
 * it is connected. Electron's preload is always connected; the WebSocket may
 * drop and come back.
 */
import type { TributaryApi } from "../../../shared/protocol/contract";

export interface ConnectionStatus {
  state: "connecting" | "open" | "disconnected";
  readOnly: boolean;
  /** Reconnect attempts since the last successful connection. */
  attempt: number;
  retryInMs: number | null;
}

export interface Transport {
  readonly api: TributaryApi;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}
