/** The window: top bar, canvas with its toolbars, the side column, the time bar and the panels dock. */
import { ReactFlowProvider } from "@xyflow/react";
import { useApp } from "./app-context";
import { PipelineCanvas } from "./canvas/PipelineCanvas";
import { TopBar } from "./shell/TopBar";
import { ConnectionBanner } from "./shell/ConnectionBanner";
import { RestoreDialog } from "./files/RestoreDialog";
import { TimeBar } from "./time/TimeBar";
import { SideColumn } from "./shell/SideColumn";
import { PanelsDock } from "./shell/PanelsDock";
import { useShortcuts } from "./shell/useShortcuts";
import { ShortcutsDialog } from "./shell/ShortcutsDialog";
import type { AppState } from "./store/app-store";

const selectPresentation = (s: AppState) => s.presentation;
const selectConnectionState = (s: AppState) => s.connection.state;

export function App() {
  const presentation = useApp(selectPresentation);
  const connection = useApp(selectConnectionState);
  useShortcuts();
  return (
    <ReactFlowProvider>
      <div className="app" data-testid="app-root" data-presentation={presentation ? "true" : "false"} data-connection={connection}>
        <TopBar />
        <ConnectionBanner />
        <main className="app-main">
          <section className="app-stage">
            <PipelineCanvas />
            <TimeBar />
            {!presentation && <PanelsDock />}
          </section>
          <SideColumn />
        </main>
        <RestoreDialog />
        <ShortcutsDialog />
      </div>
    </ReactFlowProvider>
  );
}
