/**
 * Keyboard shortcuts: Space play/pause, → step, ← back 1 s, Delete removes
 * the selected node, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y undo and redo, P
 * presentation mode, ? the list of shortcuts, Escape closes menus. Keys typed into a field are the
 * field's.
 */
import { useEffect } from "react";
import { useActions, useAppStore } from "../app-context";
import { useDeleteSelection } from "../canvas/useDeleteSelection";

export function useShortcuts(): void {
  const actions = useActions();
  const store = useAppStore();
  const deleteSelection = useDeleteSelection();

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event.target)) return;
      const ctrl = event.ctrlKey || event.metaKey;
      const key = event.key;
      const state = store.getState();
      if (key === "Escape") {
        if (state.contextMenu) state.openContextMenu(null);
        else if (state.shortcutsOpen) state.setShortcutsOpen(false);
        else if (state.chooserOpen) state.setChooserOpen(false);
        else if (state.presentation) state.togglePresentation();
        return;
      }
      if (ctrl && (key === "z" || key === "Z")) {
        event.preventDefault();
        void (event.shiftKey ? actions.redo() : actions.undo());
        return;
      }
      if (ctrl && (key === "y" || key === "Y")) {
        event.preventDefault();
        void actions.redo();
        return;
      }
      if (ctrl || event.altKey) return;
      // a dialog on top owns the keyboard
      if (state.chooserOpen || state.shortcutsOpen || state.recovery) return;
      switch (key) {
        case " ":
          // also keeps a focused button from being "clicked" by the same key
          event.preventDefault();
          void actions.togglePlay();
          return;
        case "ArrowRight":
          event.preventDefault();
          void actions.step();
          return;
        case "ArrowLeft":
          event.preventDefault();
          void actions.seekBack();
          return;
        case "Delete":
        case "Backspace":
          event.preventDefault();
          deleteSelection();
          return;
        case "p":
        case "P":
          state.togglePresentation();
          return;
        case "?":
          state.setShortcutsOpen(!state.shortcutsOpen);
          return;
      }
    };
    // a Space released on a focused button would click it after we handled the keydown
    const onKeyUp = (event: KeyboardEvent) => {
      if (event.key === " " && !isTyping(event.target) && event.target instanceof HTMLButtonElement) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("keyup", onKeyUp);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener("keyup", onKeyUp);
    };
  }, [actions, store, deleteSelection]);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "file"].includes(target.type);
  return false;
}
