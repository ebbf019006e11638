/**
 * What the preload puts on the page, for the renderer's TypeScript project:
 * `window.tributary` is the contract's TributaryApi in the desktop app, and
 * absent in web mode (the renderer then opens the WebSocket transport).
 */
import type { TributaryApi } from "../shared/protocol/contract";

declare global {
  interface Window {
    tributary?: TributaryApi;
  }
}

export {};
