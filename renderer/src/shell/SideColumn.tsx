/** The right column: the checker's verdict, the inspector, the event log. */
import { useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import { CheckerPanel, EventLog } from "../panels";
import { Inspector } from "../inspector/Inspector";
import type { CheckerView } from "../../../shared/engine/frame";

const EMPTY_CHECKER: CheckerView = { attempted: 0, acked: 0, failed: 0, ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0, outOfOrder: 0, deletedByRetention: 0, expiredUnread: 0, scannedAtMs: 0 };

const selectChecker = (s: AppState) => s.frame?.checker ?? EMPTY_CHECKER;
const selectEvents = (s: AppState) => s.events;
const selectDropped = (s: AppState) => s.eventsDropped;
const selectPresentation = (s: AppState) => s.presentation;
const selectHasSelection = (s: AppState) => s.selection !== null;

export function SideColumn() {
  const checker = useApp(selectChecker);
  const events = useApp(selectEvents);
  const dropped = useApp(selectDropped);
  const presentation = useApp(selectPresentation);
  const hasSelection = useApp(selectHasSelection);
  return (
    <aside className={`side-column${hasSelection ? " has-selection" : ""}`} aria-label="Details">
      <div className="side-checker">
        <CheckerPanel checker={checker} />
      </div>
      {!presentation && (
        <div className="side-inspector">
          <Inspector />
        </div>
      )}
      <div className="side-events">
        <EventLog events={events} dropped={dropped} limit={presentation ? 200 : 500} />
      </div>
    </aside>
  );
}
