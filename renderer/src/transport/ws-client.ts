/**
 * The TributaryApi over a WebSocket (web mode): requests go out as
 * `{id, name, input}` envelopes and come back as `{kind:"response", id,
 * result}`; frames arrive on their own. The socket reconnects with an
 * exponential back-off; while it is down, requests fail at once with a
 * sentence a user can read rather than hanging.
 *
 * No DOM types here: the socket is injected through a minimal interface so
 * the client runs (and is tested) in Node with a fake socket.
 */
import type { Frame } from "../../../shared/engine/frame";
import type { RequestName, Result, ServerEnvelope, TributaryApi } from "../../../shared/protocol/contract";
import { requestNames } from "./request-names";
import type { ConnectionStatus, Transport } from "./transport";

/** What the client needs of a WebSocket (the browser's satisfies it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface WsClientOptions {
  url: string;
  createSocket: (url: string) => SocketLike;
  /** First reconnect delay; doubles per failed attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** 0..1; spreads reconnects of a classroom of viewers. */
  random?: () => number;
}

const OPEN = 1;
export const NOT_CONNECTED = "Not connected to the engine — reconnecting…";
export const CONNECTION_LOST = "The connection to the engine was lost before it answered.";

export function createWsTransport(options: WsClientOptions): Transport {
  const baseDelay = options.baseDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const random = options.random ?? Math.random;

  const frameListeners = new Set<(frame: Frame) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let socket: SocketLike | null = null;
  let nextId = 1;
  let attempt = 0;
  let timer: unknown = null;
  let closedByUser = false;
  // a viewer must not see controls it cannot use while we wait for the hello
  let readOnly = true;
  let status: ConnectionStatus = { state: "connecting", readOnly: true, attempt: 0, retryInMs: null };

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const listener of statusListeners) listener(status);
  };

  const failPending = (error: string) => {
    for (const resolve of pending.values()) resolve({ ok: false, error });
    pending.clear();
  };

  const scheduleReconnect = () => {
    if (closedByUser) return;
    attempt++;
    const ceiling = Math.min(maxDelay, baseDelay * 2 ** (attempt - 1));
    const delay = Math.round(ceiling * (0.5 + 0.5 * random()));
    setStatus({ state: "disconnected", readOnly, attempt, retryInMs: delay });
    timer = setTimer(() => {
      timer = null;
      connect();
    }, delay);
  };

  const onMessage = (data: unknown) => {
    let envelope: ServerEnvelope;
    try {
      envelope = JSON.parse(typeof data === "string" ? data : String(data)) as ServerEnvelope;
    } catch {
      return; // a garbled message is dropped; the server only sends JSON
    }
    if (!envelope || typeof envelope !== "object") return;
    switch (envelope.kind) {
      case "hello":
        readOnly = envelope.readOnly === true;
        attempt = 0;
        setStatus({ state: "open", readOnly, attempt: 0, retryInMs: null });
        return;
      case "response": {
        const resolve = pending.get(envelope.id);
        if (!resolve) return;
        pending.delete(envelope.id);
        resolve(isResult(envelope.result) ? envelope.result : { ok: false, error: "The engine sent a malformed answer." });
        return;
      }
      case "frame":
        for (const listener of frameListeners) listener(envelope.frame);
        return;
    }
  };

  function connect() {
    let ws: SocketLike;
    try {
      ws = options.createSocket(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    setStatus({ state: "connecting", readOnly, attempt, retryInMs: null });
    ws.onmessage = (event) => onMessage(event.data);
    ws.onerror = () => {
      /* onclose follows and does the work */
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failPending(CONNECTION_LOST);
      scheduleReconnect();
    };
  }

  const request = (name: RequestName, input: unknown): Promise<Result<unknown>> => {
    const ws = socket;
    if (!ws || ws.readyState !== OPEN || status.state !== "open") return Promise.resolve({ ok: false, error: NOT_CONNECTED });
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      try {
        ws.send(JSON.stringify({ id, name, input: input ?? {} }));
      } catch {
        pending.delete(id);
        resolve({ ok: false, error: NOT_CONNECTED });
      }
    });
  };

  const api = {
    onFrame(listener: (frame: Frame) => void) {
      frameListeners.add(listener);
      return () => void frameListeners.delete(listener);
    },
    get readOnly() {
      return readOnly;
    },
  } as TributaryApi;
  for (const name of requestNames) {
    (api as unknown as Record<string, unknown>)[name] = (input: unknown) => request(name, input);
  }

  connect();

  return {
    api,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      if (timer !== null) clearTimer(timer);
      socket?.close(1000, "closed");
      socket = null;
      failPending(CONNECTION_LOST);
    },
  };
}

function isResult(value: unknown): value is Result<unknown> {
  if (!value || typeof value !== "object") return false;
  const r = value as { ok?: unknown; error?: unknown };
  return r.ok === true || (r.ok === false && typeof r.error === "string");
}
