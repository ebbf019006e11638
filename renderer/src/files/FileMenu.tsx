/** Files: open a scenario, recent files, save the scenario, export and import a session. */
import { useEffect, useRef, useState } from "react";
import { useActions, useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { Icon } from "../shell/Icon";
import { openFile } from "../canvas/EmptyState";

const selectHasScenario = (s: AppState) => s.scenario !== null || s.frame !== null;

export function FileMenu() {
  const actions = useActions();
  const canControl = useApp(selectCanControl);
  const hasScenario = useApp(selectHasScenario);
  return (
    <>
      <label className={`button ghost${canControl ? "" : " disabled"}`} title="Open a scenario file (YAML, as in sims/)">
        <Icon name="open" /> Open
        <input data-testid="open-input" type="file" accept=".yaml,.yml" className="visually-hidden" disabled={!canControl} onChange={(e) => void openFile(e.currentTarget, actions.open)} />
      </label>
      <div className="secondary">
        <RecentFiles disabled={!canControl} />
      </div>
      <button type="button" className="button ghost" data-testid="save-scenario" disabled={!hasScenario} onClick={() => void actions.saveScenario()} title="Save the working scenario as YAML">
        <Icon name="save" /> Save
      </button>
      <button type="button" className="button ghost secondary" data-testid="export-session" disabled={!hasScenario} onClick={() => void actions.exportSession()} title="Scenario + seed + every action you took: replays identically">
        <Icon name="export" /> Export session
      </button>
      <label className={`button ghost secondary${canControl ? "" : " disabled"}`} title="Import a .tributary.json session and replay it">
        <Icon name="import" /> Import
        <input
          data-testid="import-session-input"
          type="file"
          accept=".json,.tributary.json"
          className="visually-hidden"
          disabled={!canControl}
          onChange={async (e) => {
            const input = e.currentTarget;
            const file = input.files?.[0];
            input.value = "";
            if (file) await actions.importSession(await file.text(), file.name);
          }}
        />
      </label>
    </>
  );
}

type Recent = Awaited<ReturnType<ReturnType<typeof useActions>["recentFiles"]>>;

function RecentFiles({ disabled }: { disabled: boolean }) {
  const actions = useActions();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Recent | null>(null);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    void actions.recentFiles().then((list) => live && setItems(list));
    const onDown = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener("pointerdown", onDown, true);
    return () => {
      live = false;
      window.removeEventListener("pointerdown", onDown, true);
    };
  }, [open, actions]);

  return (
    <div className="dropdown" ref={ref}>
      <button type="button" className="button ghost" data-testid="recent-files" aria-expanded={open} disabled={disabled} onClick={() => setOpen(!open)} title="Scenarios opened recently">
        <Icon name="recent" /> Recent <Icon name="chevron" size={12} />
      </button>
      {open && (
        <div className="dropdown-menu" role="menu">
          {items === null && <div className="dropdown-note">Loading…</div>}
          {items?.length === 0 && <div className="dropdown-note">Nothing opened yet.</div>}
          {items?.map((item) => (
            <button
              key={item.fileName}
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                setOpen(false);
                void actions.openRecent(item.fileName);
              }}
            >
              <span className="menu-label">{item.scenarioName}</span>
              <span className="menu-hint">
                {item.fileName} · {new Date(item.openedAt).toLocaleString()}
              </span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
