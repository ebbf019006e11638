/** View state that belongs to this window only: selection, menus, dialogs, toasts, theme. */
import type { StateCreator } from "zustand/vanilla";
import type { NodeRef } from "../canvas/graph-ids";
import type { AppState } from "./app-store";

export type Theme = "dark" | "light";

export type ContextTarget = { kind: "broker"; id: number } | { kind: "sink"; id: string } | { kind: "group"; id: string } | { kind: "producer"; id: string } | { kind: "controller"; name: string } | { kind: "edge"; edgeId: string };

export interface ContextMenuState {
  x: number;
  y: number;
  target: ContextTarget;
}

export interface Toast {
  id: number;
  tone: "error" | "info" | "success";
  message: string;
}

export interface RecoveryOffer {
  savedAt: string | null;
  scenarioName: string | null;
  actions: number;
}

export interface UiSlice {
  selection: NodeRef | null;
  theme: Theme;
  presentation: boolean;
  contextMenu: ContextMenuState | null;
  toasts: Toast[];
  chooserOpen: boolean;
  shortcutsOpen: boolean;
  recovery: RecoveryOffer | null;
  /** A fault preset's duration ("30s"), empty for "until healed". */
  faultDuration: string;
  /** Inspector rows whose runtime change the engine recorded: "scope:id:key" → the simulated time it took effect. */
  recorded: Record<string, number>;
  /** A slow request in progress ("Replaying…"), shown over the canvas. */
  busy: string | null;
  select(selection: NodeRef | null): void;
  setTheme(theme: Theme): void;
  togglePresentation(): void;
  openContextMenu(menu: ContextMenuState | null): void;
  pushToast(tone: Toast["tone"], message: string): number;
  dismissToast(id: number): void;
  setChooserOpen(open: boolean): void;
  setShortcutsOpen(open: boolean): void;
  setRecovery(offer: RecoveryOffer | null): void;
  setFaultDuration(text: string): void;
  markRecorded(key: string, atMs: number): void;
  setBusy(label: string | null): void;
}

const TOAST_LIMIT = 4;
let toastSeq = 0;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  selection: null,
  theme: "dark",
  presentation: false,
  contextMenu: null,
  toasts: [],
  chooserOpen: false,
  shortcutsOpen: false,
  recovery: null,
  faultDuration: "",
  recorded: {},
  busy: null,
  select: (selection) => set({ selection }),
  setTheme: (theme) => set({ theme }),
  togglePresentation: () => set({ presentation: !get().presentation }),
  openContextMenu: (contextMenu) => set({ contextMenu }),
  pushToast: (tone, message) => {
    const id = ++toastSeq;
    // the same message twice in a row is one toast, not a stack of them
    const rest = get().toasts.filter((t) => t.message !== message);
    set({ toasts: rest.concat({ id, tone, message }).slice(-TOAST_LIMIT) });
    return id;
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  setChooserOpen: (chooserOpen) => set({ chooserOpen }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
  setRecovery: (recovery) => set({ recovery }),
  setFaultDuration: (faultDuration) => set({ faultDuration }),
  markRecorded: (key, atMs) => set({ recorded: { ...get().recorded, [key]: atMs } }),
  setBusy: (busy) => set({ busy }),
});
