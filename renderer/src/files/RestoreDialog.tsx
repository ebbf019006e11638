/** After a run that did not end cleanly: offer the autosaved scenario and actions back. */
import { useActions, useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { Icon } from "../shell/Icon";

const selectRecovery = (s: AppState) => s.recovery;

export function RestoreDialog() {
  const recovery = useApp(selectRecovery);
  const actions = useActions();
  const store = useAppStore();
  if (!recovery) return null;
  const when = recovery.savedAt ? new Date(recovery.savedAt).toLocaleString() : "recently";
  return (
    <div className="modal-backdrop">
      <div className="modal narrow" role="alertdialog" aria-modal="true" aria-labelledby="restore-title" data-testid="restore-dialog">
        <header className="modal-header">
          <h2 id="restore-title">
            <Icon name="recent" /> Restore your last session?
          </h2>
        </header>
        <p className="modal-lead">
          Tributary did not close cleanly. The autosave from {when} holds <b>{recovery.scenarioName ?? "a scenario"}</b> and {recovery.actions} recorded action
          {recovery.actions === 1 ? "" : "s"}; restoring replays them exactly.
        </p>
        <div className="modal-actions">
          <button type="button" className="button ghost" data-testid="restore-dismiss" onClick={() => store.getState().setRecovery(null)}>
            Start fresh
          </button>
          <button type="button" className="button primary" data-testid="restore-accept" autoFocus onClick={() => void actions.restore()}>
            Restore
          </button>
        </div>
      </div>
    </div>
  );
}
