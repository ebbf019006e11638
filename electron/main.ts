/**
 * The Electron main process, kept thin: it starts the engine host (a worker
 * thread, so nothing here ever waits on the simulation), serves the
 * renderer from app://tributary, wires IPC, frames and menus, and opens
 * files handed to the app (the command line, a double-clicked .yaml, a
 * second launch). Everything testable lives in plain modules.
 */
import { app, BrowserWindow, Menu } from "electron";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ShellEvent } from "../shared/protocol/contract";
import { EngineHost, type HostLog } from "./engine-host/host";
import { FRAME_CHANNEL, SHELL_CHANNEL } from "./ipc-channels";
import { registerAppScheme, serveAppScheme } from "./shell/app-protocol";
import { exportSession, isScenarioPath, openPath, openWithDialog, saveScenario } from "./shell/files";
import { registerEngineIpc } from "./shell/ipc";
import { buildMenu } from "./shell/menu";
import { createMainWindow, lockDown, restrictPermissions } from "./shell/window";

const here = path.dirname(fileURLToPath(import.meta.url));
// a worker thread cannot start from inside app.asar; electron-builder unpacks it (asarUnpack)
const workerScript = path.join(here, "engine-worker.mjs").replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
const log: HostLog = (level, message) => (level === "info" ? console.log : console.error)(`[tributary] ${level}: ${message}`);

let engine: EngineHost | null = null;
let mainWindow: BrowserWindow | null = null;
/** Files asked for before the window could show them (launch arguments, macOS open-file). */
const pendingFiles: string[] = [];

function send(event: ShellEvent): void {
  mainWindow?.webContents.send(SHELL_CHANNEL, event);
}

function openFile(file: string): void {
  if (!engine || !mainWindow || mainWindow.webContents.isLoading()) return void pendingFiles.push(file);
  void openPath(engine, file, send);
}

function filesIn(argv: string[]): string[] {
  return argv.slice(app.isPackaged ? 1 : 2).filter((arg) => !arg.startsWith("-") && isScenarioPath(arg));
}

function showWindow(): void {
  const window = createMainWindow(path.join(here, "preload.cjs"));
  mainWindow = window;
  window.on("closed", () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.webContents.on("did-finish-load", () => {
    for (const file of pendingFiles.splice(0)) openFile(file);
  });
}

async function start(): Promise<void> {
  restrictPermissions();
  serveAppScheme(path.join(app.getAppPath(), "renderer", "dist"));
  engine = await EngineHost.start({ dataDir: app.getPath("userData"), workerScript, log });
  const host = engine;
  registerEngineIpc(host, log);
  host.onFrame((frame) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(FRAME_CHANNEL, frame);
  });
  Menu.setApplicationMenu(
    buildMenu({
      open: () => mainWindow && void openWithDialog(mainWindow, host, send),
      save: () => mainWindow && void saveScenario(mainWindow, host, send),
      exportSession: () => mainWindow && void exportSession(mainWindow, host, send),
      send,
      window: () => mainWindow,
    }),
  );
  pendingFiles.push(...filesIn(process.argv));
  showWindow();
}

if (!app.requestSingleInstanceLock()) {
  // one engine, one autosave: a second launch hands its file to the first and leaves
  app.quit();
} else {
  registerAppScheme();
  app.enableSandbox();
  app.on("web-contents-created", (_event, contents) => lockDown(contents));
  app.on("second-instance", (_event, argv) => {
    for (const file of filesIn(argv)) openFile(file);
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on("open-file", (event, file) => {
    event.preventDefault();
    openFile(file);
  });
  app.on("activate", () => {
    if (engine && BrowserWindow.getAllWindows().length === 0) showWindow();
  });
  app.on("window-all-closed", () => app.quit());

  // the engine saves and writes its clean-exit marker before the app goes; without that, the next start offers recovery
  let engineClosed = false;
  app.on("before-quit", (event) => {
    if (engineClosed || !engine) return;
    event.preventDefault();
    void engine.close().finally(() => {
      engineClosed = true;
      app.quit();
    });
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log("error", `could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      app.exit(1);
    });
}
