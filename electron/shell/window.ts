/**
 * The main window and the security policy every web contents gets, per
 * Electron's security checklist: isolated, sandboxed, no Node, web security
 * on; shown only when painted; no navigation away from the app, no new
 * windows, no <webview>, and no permission granted beyond writing to the
 * clipboard (copying a table).
 */
import { app, BrowserWindow, session, type WebContents } from "electron";
import { APP_ENTRY } from "./app-protocol";

export function lockDown(contents: WebContents): void {
  contents.on("will-navigate", (event) => event.preventDefault());
  contents.on("will-redirect", (event) => event.preventDefault());
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
}

export function restrictPermissions(): void {
  const allowed = new Set(["clipboard-sanitized-write"]);
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(allowed.has(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowed.has(permission));
}

export function createMainWindow(preload: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: "Tributary",
    backgroundColor: "#0f1419",
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: "Auxclick",
      devTools: !app.isPackaged,
      spellcheck: false,
    },
  });
  window.once("ready-to-show", () => window.show());
  void window.loadURL(APP_ENTRY);
  return window;
}
