/** What the canvas shows before a scenario is open: the lessons, a file, or a blank cluster. */
import { useActions, useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { LessonList } from "../files/LessonList";
import { BLANK_SCENARIO } from "../files/lessons";
import { Icon } from "../shell/Icon";

const selectChooserOpen = (s: AppState) => s.chooserOpen;
const selectConnectionState = (s: AppState) => s.connection.state;

export function EmptyState() {
  const actions = useActions();
  const chooserOpen = useApp(selectChooserOpen);
  const canControl = useApp(selectCanControl);
  const connection = useApp(selectConnectionState);
  if (connection === "connecting") {
    return (
      <div className="empty-state">
        <div className="empty-card">
          <div className="spinner" aria-hidden="true" />
          <h1>Connecting to the engine…</h1>
        </div>
      </div>
    );
  }
  if (connection === "disconnected") {
    return (
      <div className="empty-state">
        <div className="empty-card">
          <Icon name="offline" size={28} />
          <h1>Not connected to the engine</h1>
          <p>The banner above says why; the app connects by itself as soon as it can.</p>
        </div>
      </div>
    );
  }
  if (!canControl) {
    return (
      <div className="empty-state">
        <div className="empty-card">
          <Icon name="eye" size={28} />
          <h1>Waiting for the teacher</h1>
          <p>This window follows the teacher's session. The pipeline appears here as soon as a scenario is opened.</p>
        </div>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <div className="empty-card wide">
        <Icon name="logo" size={36} className="empty-logo" />
        <h1>Build, play and break a streaming pipeline</h1>
        <p>Pick a lesson to open it paused at t=0, then press Space to play. Right-click a broker to crash it.</p>
        {/* the chooser dialog lists the same options: only one list at a time keeps test ids unique */}
        {!chooserOpen && <LessonList />}
        <div className="empty-actions">
          <label className="button ghost">
            <Icon name="open" /> Open a scenario file…
            <input type="file" accept=".yaml,.yml" className="visually-hidden" onChange={(e) => void openFile(e.currentTarget, actions.open)} />
          </label>
          <button type="button" className="button ghost" onClick={() => void actions.open(BLANK_SCENARIO, "untitled.yaml")}>
            <Icon name="broker" /> Start from a blank cluster
          </button>
        </div>
      </div>
    </div>
  );
}

export async function openFile(input: HTMLInputElement, open: (yaml: string, fileName: string) => Promise<boolean>): Promise<void> {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  await open(await file.text(), file.name);
}
