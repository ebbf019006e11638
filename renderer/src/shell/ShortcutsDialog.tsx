/** The keyboard shortcuts, on "?" or the desktop shell's Help menu. */
import { useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { Icon } from "./Icon";

const SHORTCUTS: [string, string][] = [
  ["Space", "play / pause"],
  ["→", "step 100 ms"],
  ["←", "back 1 s (replays from the start)"],
  ["Delete", "delete the selected node"],
  ["Ctrl+Z", "undo an edit"],
  ["Ctrl+Shift+Z, Ctrl+Y", "redo"],
  ["P", "presentation mode"],
  ["Esc", "close a menu, leave presentation mode"],
  ["?", "this list"],
];

const selectOpen = (s: AppState) => s.shortcutsOpen;

export function ShortcutsDialog() {
  const open = useApp(selectOpen);
  const store = useAppStore();
  if (!open) return null;
  const close = () => store.getState().setShortcutsOpen(false);
  return (
    <div className="modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal narrow" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts-dialog">
        <header className="modal-header">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" className="icon-button" onClick={close} aria-label="Close" autoFocus>
            <Icon name="close" />
          </button>
        </header>
        <dl className="shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                {keys.split(", ").map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
