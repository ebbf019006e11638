/** The top bar: the app and scenario names, files, lessons, undo/redo, theme and presentation. */
import { useApp, useActions } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { selectCanRedo, selectCanUndo } from "../store/scenario-slice";
import { FileMenu } from "../files/FileMenu";
import { ScenarioChooser } from "../files/ScenarioChooser";
import { Icon } from "./Icon";
import { useAppStore } from "../app-context";

const selectInfo = (s: AppState) => s.scenarioInfo;
const selectTheme = (s: AppState) => s.theme;
const selectPresentation = (s: AppState) => s.presentation;
const selectConnection = (s: AppState) => s.connection;

export function TopBar() {
  const store = useAppStore();
  const actions = useActions();
  const info = useApp(selectInfo);
  const theme = useApp(selectTheme);
  const presentation = useApp(selectPresentation);
  const canControl = useApp(selectCanControl);
  const canUndo = useApp(selectCanUndo);
  const canRedo = useApp(selectCanRedo);
  const connection = useApp(selectConnection);
  return (
    <header className="topbar">
      <div className="brand">
        <Icon name="logo" size={20} className="brand-mark" />
        <span className="brand-name">Tributary</span>
      </div>
      <div className="scenario-title" title={info?.description ?? ""}>
        {info ? (
          <>
            <span className="scenario-name">{info.name}</span>
            <span className="scenario-file">{info.fileName}</span>
          </>
        ) : (
          <span className="scenario-file">No scenario open</span>
        )}
      </div>
      <div className="topbar-group">
        <ScenarioChooser />
        <FileMenu />
      </div>
      <div className="topbar-group secondary">
        <button type="button" className="icon-button" data-testid="undo" title="Undo the last edit (Ctrl+Z)" disabled={!canControl || !canUndo} onClick={() => void actions.undo()}>
          <Icon name="undo" />
        </button>
        <button type="button" className="icon-button" data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled={!canControl || !canRedo} onClick={() => void actions.redo()}>
          <Icon name="redo" />
        </button>
      </div>
      <div className="topbar-spacer" />
      <span className={`connection-pill conn-${connection.state}${connection.readOnly ? " read-only" : ""}`} data-testid="connection-state" title="the engine connection">
        <span className="conn-dot" aria-hidden="true" />
        {connection.state === "open" ? (connection.readOnly ? "viewing" : "live") : connection.state === "connecting" ? "connecting" : "offline"}
      </span>
      <button
        type="button"
        className="icon-button"
        data-testid="theme-toggle"
        aria-pressed={theme === "light"}
        title={theme === "dark" ? "Light theme" : "Dark theme"}
        onClick={() => store.getState().setTheme(theme === "dark" ? "light" : "dark")}
      >
        <Icon name={theme === "dark" ? "sun" : "moon"} />
      </button>
      <button
        type="button"
        className={`icon-button${presentation ? " active" : ""}`}
        data-testid="presentation-toggle"
        aria-pressed={presentation}
        title="Presentation mode: large type, high contrast (P)"
        onClick={() => store.getState().togglePresentation()}
      >
        <Icon name="present" />
      </button>
    </header>
  );
}
