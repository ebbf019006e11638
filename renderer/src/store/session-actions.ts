/**
 * Everything the renderer asks of the engine, in one place: each call goes
 * through the TributaryApi, lands its answer in the store, and turns a
 * refusal into a toast with the engine's own sentence (never a stack trace).
 * No DOM here: downloads go through an injected function, so tests run in Node.
 */
import type { EngineCommandInput } from "../../../shared/engine/commands";
import type { OpenResult, Result, SessionFile, TributaryApi } from "../../../shared/protocol/contract";
import type { ScenarioInput } from "../../../shared/scenario/schema";
import type { AppStore } from "./app-store";
import { selectCanControl } from "./connection-slice";
import type { ScenarioInfo } from "./scenario-slice";

export interface ActionDeps {
  api: TributaryApi;
  store: AppStore;
  /** Save text as a file the user keeps (a download in the browser). */
  download(fileName: string, text: string, mime: string): void;
}

export const READ_ONLY_MESSAGE = "This window follows the teacher's session: it is read-only.";
export const STEP_MS = 100;
export const SEEK_BACK_MS = 1000;

export type SessionActions = ReturnType<typeof createSessionActions>;

export function createSessionActions({ api, store, download }: ActionDeps) {
  const state = () => store.getState();

  /** The value, or null after a toast saying why not. */
  function unwrap<T>(result: Result<T>, context?: string): T | null {
    if (result.ok) return result.value;
    state().pushToast("error", context ? `${context}: ${result.error}` : result.error);
    return null;
  }

  function mayChange(): boolean {
    if (selectCanControl(state())) return true;
    const { connection } = state();
    state().pushToast("info", connection.state === "open" ? READ_ONLY_MESSAGE : "Not connected to the engine yet.");
    return false;
  }

  function infoOf(result: OpenResult, fileName: string): ScenarioInfo {
    return { name: result.scenarioName, description: result.description, durationMs: result.durationMs, fileName };
  }

  function loaded(result: OpenResult, fileName: string): void {
    state().scenarioLoaded(asScenario(result.scenario), infoOf(result, fileName));
    state().select(null);
  }

  async function withBusy<T>(label: string, work: () => Promise<T>): Promise<T> {
    state().setBusy(label);
    try {
      return await work();
    } finally {
      if (state().busy === label) state().setBusy(null);
    }
  }

  const actions = {
    async open(yaml: string, fileName: string): Promise<boolean> {
      if (!mayChange()) return false;
      const result = unwrap(await withBusy("Opening…", () => api.open({ yaml, fileName })));
      if (!result) return false;
      loaded(result, fileName);
      state().pushToast("success", `Opened ${result.scenarioName} — press Space to play`);
      return true;
    },

    async play(): Promise<void> {
      if (mayChange()) unwrap(await api.play({}));
    },
    async pause(): Promise<void> {
      if (mayChange()) unwrap(await api.pause({}));
    },
    async togglePlay(): Promise<void> {
      if (state().frame?.playing) await actions.pause();
      else await actions.play();
    },
    async step(ms = STEP_MS): Promise<void> {
      if (mayChange()) unwrap(await api.step({ ms }));
    },
    async setSpeed(speed: number, max: boolean): Promise<void> {
      if (mayChange()) unwrap(await api.setSpeed({ speed, max }));
    },
    async seek(atMs: number): Promise<void> {
      if (!mayChange()) return;
      const now = state().frame?.nowMs ?? 0;
      const work = () => api.seek({ atMs: Math.max(0, Math.round(atMs)) });
      unwrap(atMs < now ? await withBusy("Replaying…", work) : await work());
    },
    async seekBack(ms = SEEK_BACK_MS): Promise<void> {
      await actions.seek(Math.max(0, (state().frame?.nowMs ?? 0) - ms));
    },

    /** A runtime command; resolves to the engine's sentence, or null when refused. */
    async command(command: EngineCommandInput): Promise<string | null> {
      if (!mayChange()) return null;
      return unwrap(await api.command({ command }));
    },

    /**
     * A structural edit: `change` gets a copy of the working scenario and
     * returns the new one, or a sentence saying why it cannot. The engine
     * restarts at t=0, paused ("restarted"), unless the edit only adds
     * producers or groups that start later: then the run goes on ("live").
     */
    async edit(change: (draft: ScenarioInput) => ScenarioInput | string): Promise<"live" | "restarted" | false> {
      if (!mayChange()) return false;
      const before = state().scenario;
      if (!before) {
        state().pushToast("info", "Open a scenario first.");
        return false;
      }
      const after = change(structuredClone(before));
      if (typeof after === "string") {
        state().pushToast("error", after);
        return false;
      }
      const result = unwrap(await withBusy("Applying…", () => api.editScenario({ scenario: after })), "Edit refused");
      if (!result) return false;
      state().scenarioEdited(before, asScenario(result.scenario) ?? after, infoOf(result, state().scenarioInfo?.fileName ?? "untitled.yaml"));
      return result.live === true ? "live" : "restarted";
    },

    async undo(): Promise<void> {
      const { past, scenarioInfo } = state();
      const target = past[past.length - 1];
      if (!target || !mayChange()) return;
      const running = (state().frame?.nowMs ?? 0) > 0;
      const result = unwrap(await api.editScenario({ scenario: target }), "Undo failed");
      if (!result) return;
      state().undone(infoOf(result, scenarioInfo?.fileName ?? "untitled.yaml"));
      if (running && result.live !== true) state().pushToast("info", "Undone: the run restarted at t=0, paused.");
    },
    async redo(): Promise<void> {
      const { future, scenarioInfo } = state();
      const target = future[future.length - 1];
      if (!target || !mayChange()) return;
      const running = (state().frame?.nowMs ?? 0) > 0;
      const result = unwrap(await api.editScenario({ scenario: target }), "Redo failed");
      if (!result) return;
      state().redone(infoOf(result, scenarioInfo?.fileName ?? "untitled.yaml"));
      if (running && result.live !== true) state().pushToast("info", "Redone: the run restarted at t=0, paused.");
    },

    async saveScenario(): Promise<void> {
      const value = unwrap(await api.exportScenario({}), "Save failed");
      if (value) download(value.fileName.endsWith(".yaml") || value.fileName.endsWith(".yml") ? value.fileName : `${value.fileName}.yaml`, value.yaml, "application/yaml");
    },
    async exportSession(): Promise<void> {
      const value = unwrap(await api.exportSession({}), "Export failed");
      if (!value) return;
      const name = (state().scenarioInfo?.name ?? "session").replace(/[^A-Za-z0-9._-]+/g, "-");
      download(`${name}.tributary.json`, JSON.stringify(value, null, 2), "application/json");
    },
    async importSession(text: string, fileName: string): Promise<boolean> {
      if (!mayChange()) return false;
      const session = parseSessionFile(text, fileName);
      if (typeof session === "string") {
        state().pushToast("error", session);
        return false;
      }
      const result = unwrap(await withBusy("Replaying session…", () => api.importSession({ session })), `Import ${fileName}`);
      if (!result) return false;
      loaded(result, fileName.replace(/\.tributary\.json$|\.json$/, ".yaml"));
      state().pushToast("success", `Imported ${result.scenarioName} with ${session.actions.length} recorded action${session.actions.length === 1 ? "" : "s"}`);
      return true;
    },

    async recentFiles() {
      return unwrap(await api.recentFiles({}), "Recent files") ?? [];
    },
    async openRecent(fileName: string): Promise<boolean> {
      if (!mayChange()) return false;
      const result = unwrap(await api.openRecent({ fileName }), `Open ${fileName}`);
      if (!result) return false;
      loaded(result, fileName);
      return true;
    },

    /** On start: offer to restore an autosave left by a run that did not end cleanly. */
    async checkRecovery(): Promise<void> {
      if (!selectCanControl(state())) return;
      const result = await api.recoveryInfo({});
      if (result.ok && result.value.available) state().setRecovery({ savedAt: result.value.savedAt, scenarioName: result.value.scenarioName, actions: result.value.actions });
    },
    async restore(): Promise<void> {
      state().setRecovery(null);
      if (!mayChange()) return;
      const result = unwrap(await withBusy("Restoring…", () => api.restore({})), "Restore failed");
      if (!result) return;
      loaded(result, `${result.scenarioName}.yaml`);
      state().pushToast("success", `Restored ${result.scenarioName}`);
    },

    /** The desktop shell opened a file through its native menu: draw what the engine now runs. */
    shellOpened(result: OpenResult, fileName: string): void {
      loaded(result, fileName);
      state().pushToast("success", `Opened ${result.scenarioName}`);
    },

    /** After (re)connecting: the engine's present, the history so far and the working scenario. */
    async syncSnapshot(): Promise<void> {
      const result = await api.snapshot({});
      if (!result.ok) {
        // "no scenario is open" is the empty state, not an error
        state().resetSession();
        return;
      }
      const { frame, history, scenario, description, fileName } = result.value;
      state().receiveSnapshot(frame, history, result.value.events);
      const doc = asScenario(scenario);
      const current = state().scenarioInfo;
      if (!current || current.name !== frame.scenarioName || current.fileName !== fileName) {
        state().scenarioLoaded(doc, { name: frame.scenarioName, description, durationMs: frame.durationMs, fileName });
      }
    },
  };
  return actions;
}

/** The working scenario document, when the engine sent one that looks like it. */
export function asScenario(value: unknown): ScenarioInput | null {
  if (!value || typeof value !== "object") return null;
  const doc = value as { cluster?: { brokers?: unknown } };
  return typeof doc.cluster?.brokers === "number" ? (value as ScenarioInput) : null;
}

/** The session file's JSON, or a sentence naming what is wrong (the engine validates it fully). */
export function parseSessionFile(text: string, fileName: string): SessionFile | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return `${fileName} is not a Tributary session file (it is not JSON).`;
  }
  const file = data as Partial<SessionFile> | null;
  if (!file || typeof file !== "object" || file.format !== "tributary-session") return `${fileName} is not a Tributary session file (no "format": "tributary-session").`;
  if (file.version !== 1) return `${fileName} is a session file of version ${String(file.version)}; this app reads version 1.`;
  return file as SessionFile;
}
