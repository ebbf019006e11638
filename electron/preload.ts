/**
 * The preload: the only bridge between the sandboxed page and the main
 * process. It exposes `window.tributary`, an object implementing the
 * contract's TributaryApi — one method per request (each on its own IPC
 * channel), `onFrame`, `onShellEvent` — and nothing else: no ipcRenderer,
 * no event objects, no Node. Runs sandboxed, so it is bundled as CommonJS
 * with `electron` as its only import.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import type { Frame } from "../shared/engine/frame";
import type { RequestInput, RequestName, RequestOutputs, Result, ShellEvent, TributaryApi } from "../shared/protocol/contract";
import { FRAME_CHANNEL, requestChannel, SHELL_CHANNEL } from "./ipc-channels";

function request<N extends RequestName>(name: N): (input: RequestInput<N>) => Promise<Result<RequestOutputs[N]>> {
  const channel = requestChannel(name);
  return (input) =>
    (ipcRenderer.invoke(channel, input) as Promise<Result<RequestOutputs[N]>>).catch((error: unknown) => ({
      ok: false as const,
      error: `${name}: ${error instanceof Error ? error.message : String(error)}`,
    }));
}

/** Subscribe to a push channel; the page gets the payload only, never the IpcRendererEvent (it carries `sender`). */
function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const relay = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, relay);
  return () => void ipcRenderer.removeListener(channel, relay);
}

const api: TributaryApi = {
  open: request("open"),
  play: request("play"),
  pause: request("pause"),
  step: request("step"),
  setSpeed: request("setSpeed"),
  seek: request("seek"),
  command: request("command"),
  editScenario: request("editScenario"),
  exportScenario: request("exportScenario"),
  exportSession: request("exportSession"),
  importSession: request("importSession"),
  snapshot: request("snapshot"),
  recoveryInfo: request("recoveryInfo"),
  restore: request("restore"),
  recentFiles: request("recentFiles"),
  openRecent: request("openRecent"),
  onFrame: (listener) => subscribe<Frame>(FRAME_CHANNEL, listener),
  onShellEvent: (listener) => subscribe<ShellEvent>(SHELL_CHANNEL, listener),
  readOnly: false,
};

contextBridge.exposeInMainWorld("tributary", api);
