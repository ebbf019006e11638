/** The lessons button and its dialog. */
import { useEffect, useRef } from "react";
import { useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { Icon } from "../shell/Icon";
import { LessonList } from "./LessonList";

const selectOpen = (s: AppState) => s.chooserOpen;

export function ScenarioChooser() {
  const store = useAppStore();
  const open = useApp(selectOpen);
  const canControl = useApp(selectCanControl);
  return (
    <>
      <button type="button" className="button primary" data-testid="scenario-chooser" aria-expanded={open} disabled={!canControl} onClick={() => store.getState().setChooserOpen(!open)} title="Open one of the lessons in sims/">
        <Icon name="lesson" /> Lessons
      </button>
      {open && <ChooserDialog close={() => store.getState().setChooserOpen(false)} />}
    </>
  );
}

function ChooserDialog({ close }: { close: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>(".lesson-card")?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="chooser-title" data-testid="scenario-chooser-dialog" ref={ref}>
        <header className="modal-header">
          <h2 id="chooser-title">Open a lesson</h2>
          <button type="button" className="icon-button" onClick={close} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <p className="modal-lead">Each lesson opens paused at t=0 with its seed: the same clicks replay the same run.</p>
        <LessonList onOpened={close} />
      </div>
    </div>
  );
}
