/**
 * File > Open…, Save…, Export session…: the native dialogs and the disk,
 * on the main side; the engine does the parsing. Opening accepts scenarios
 * (YAML) and shared sessions (JSON); problems come back to the page as a
 * notice naming the file, never as an exception.
 */
import { dialog, type BrowserWindow } from "electron";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ShellEvent } from "../../shared/protocol/contract";
import type { EngineHost } from "../engine-host/host";

const MAX_FILE_BYTES = 5_000_000; // the contract's limit for a scenario's YAML

export type Notify = (event: ShellEvent) => void;

export function isScenarioPath(file: string): boolean {
  return /\.(ya?ml|json)$/i.test(file);
}

/** Load a scenario (.yaml/.yml) or a session file (.json) into the engine and tell the page. */
export async function openPath(engine: EngineHost, file: string, notify: Notify): Promise<void> {
  const fileName = path.basename(file);
  const fail = (message: string) => notify({ type: "notice", level: "error", message: `${fileName}: ${message}` });
  try {
    if ((await stat(file)).size > MAX_FILE_BYTES) return fail("the file is larger than 5 MB");
    const text = await readFile(file, "utf8");
    if (/\.json$/i.test(file)) {
      let session: unknown;
      try {
        session = JSON.parse(text);
      } catch {
        return fail("not a Tributary session file (invalid JSON)");
      }
      const imported = await engine.request("importSession", { session });
      return imported.ok ? notify({ type: "opened", result: imported.value, fileName }) : fail(imported.error);
    }
    const opened = await engine.request("open", { yaml: text, fileName });
    return opened.ok ? notify({ type: "opened", result: opened.value, fileName }) : fail(opened.error);
  } catch (error) {
    fail(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export async function openWithDialog(window: BrowserWindow, engine: EngineHost, notify: Notify): Promise<void> {
  const choice = await dialog.showOpenDialog(window, {
    title: "Open a scenario or a session",
    properties: ["openFile"],
    filters: [
      { name: "Tributary scenarios and sessions", extensions: ["yaml", "yml", "json"] },
      { name: "All files", extensions: ["*"] },
    ],
  });
  if (!choice.canceled && choice.filePaths[0]) await openPath(engine, choice.filePaths[0], notify);
}

async function saveText(window: BrowserWindow, title: string, defaultPath: string, extensions: string[], text: string, notify: Notify): Promise<void> {
  const choice = await dialog.showSaveDialog(window, { title, defaultPath, filters: [{ name: title, extensions }] });
  if (choice.canceled || !choice.filePath) return;
  try {
    await writeFile(choice.filePath, text);
    notify({ type: "notice", level: "info", message: `Saved ${path.basename(choice.filePath)}` });
  } catch (error) {
    notify({ type: "notice", level: "error", message: `Could not save ${path.basename(choice.filePath)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
  }
}

export async function saveScenario(window: BrowserWindow, engine: EngineHost, notify: Notify): Promise<void> {
  const exported = await engine.request("exportScenario", {});
  if (!exported.ok) return notify({ type: "notice", level: "error", message: `Nothing to save: ${exported.error}` });
  await saveText(window, "Save scenario", exported.value.fileName, ["yaml", "yml"], exported.value.yaml, notify);
}

export async function exportSession(window: BrowserWindow, engine: EngineHost, notify: Notify): Promise<void> {
  const [session, scenario] = await Promise.all([engine.request("exportSession", {}), engine.request("exportScenario", {})]);
  if (!session.ok) return notify({ type: "notice", level: "error", message: `Nothing to export: ${session.error}` });
  const base = scenario.ok ? scenario.value.fileName.replace(/\.ya?ml$/i, "") : "session";
  await saveText(window, "Export session", `${base}.session.json`, ["json"], `${JSON.stringify(session.value, null, 2)}\n`, notify);
}
