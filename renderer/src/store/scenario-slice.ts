/**
 * The working scenario as the canvas edits it (the document, as written, not
 * the engine's parsed form), the file it came from, and undo/redo of edits.
 * The stacks hold whole documents: edits are rare and documents small, and a
 * whole document is exactly what `editScenario` takes.
 */
import type { StateCreator } from "zustand/vanilla";
import type { ScenarioInput } from "../../../shared/scenario/schema";
import type { AppState } from "./app-store";

export const UNDO_DEPTH = 100;

export interface ScenarioInfo {
  name: string;
  description: string;
  durationMs: number;
  fileName: string;
}

export interface ScenarioSlice {
  scenario: ScenarioInput | null;
  scenarioInfo: ScenarioInfo | null;
  past: ScenarioInput[];
  future: ScenarioInput[];
  /** A new document (open, import, restore): the undo history starts over. */
  scenarioLoaded(scenario: ScenarioInput | null, info: ScenarioInfo | null): void;
  /** The engine accepted an edit from `before` to `after`. */
  scenarioEdited(before: ScenarioInput, after: ScenarioInput, info: ScenarioInfo): void;
  /** The engine accepted going back to the newest undo entry. */
  undone(info: ScenarioInfo): void;
  redone(info: ScenarioInfo): void;
}

export const createScenarioSlice: StateCreator<AppState, [], [], ScenarioSlice> = (set, get) => ({
  scenario: null,
  scenarioInfo: null,
  past: [],
  future: [],
  scenarioLoaded: (scenario, scenarioInfo) => set({ scenario, scenarioInfo, past: [], future: [] }),
  scenarioEdited: (before, after, scenarioInfo) => set({ scenario: after, scenarioInfo, past: get().past.concat([before]).slice(-UNDO_DEPTH), future: [] }),
  undone: (scenarioInfo) => {
    const { past, future, scenario } = get();
    const target = past[past.length - 1];
    if (!target || !scenario) return;
    set({ scenario: target, scenarioInfo, past: past.slice(0, -1), future: future.concat([scenario]) });
  },
  redone: (scenarioInfo) => {
    const { past, future, scenario } = get();
    const target = future[future.length - 1];
    if (!target || !scenario) return;
    set({ scenario: target, scenarioInfo, past: past.concat([scenario]), future: future.slice(0, -1) });
  },
});

export const selectCanUndo = (s: AppState) => s.past.length > 0;
export const selectCanRedo = (s: AppState) => s.future.length > 0;
