/**
 * The inspector for a sink: its live figures (read-only), and its settings —
 * kind, the group that writes to it, write latency and capacity, each with
 * the kind's default and its meaning. A change is a scenario edit: at t=0 it
 * changes the scenario; while running, the run restarts at t=0 with it.
 */
import { useCallback } from "react";
import { useActions, useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { updateSink, type SinkChange, type SinkInput } from "../scenario/edits";
import { SINK_SATURATED } from "../canvas/selectors";
import { formatCount, formatDurationMs } from "../shell/format";
import { SINK_KIND_NAMES } from "../../../shared/pipeline/sink";
import { InspectorHeader } from "./InspectorHeader";
import { SinkChoiceRow, SinkFigureRow } from "./SinkRow";
import { isSinkKind, SINK_FROM_DOC, sinkKindMeaning } from "./sink-rows";

const selectAtStart = (s: AppState) => (s.frame?.nowMs ?? 0) === 0;
const selectSinks = (s: AppState) => s.scenario?.sinks;
const selectGroups = (s: AppState) => s.scenario?.consumerGroups;

const KIND_OPTIONS = SINK_KIND_NAMES.map((kind) => ({ value: kind, label: `${kind} — ${sinkKindMeaning(kind)}` }));

export function SinkInspector({ id }: { id: string }) {
  const canControl = useApp(selectCanControl);
  const atStart = useApp(selectAtStart);
  const sinks = useApp(selectSinks);
  const groups = useApp(selectGroups);
  const apply = useApplySinkChange(id);
  const spec = sinks?.find((s) => s.id === id);
  const mode = !canControl ? "read-only" : atStart ? "scenario" : "restart";
  // groups that write to no other sink, and this sink's own
  const fromOptions = (groups ?? []).filter((g) => g.id === spec?.from || !sinks?.some((s) => s.from === g.id)).map((g) => ({ value: g.id, label: g.id }));
  return (
    <section className="inspector" data-testid="inspector" aria-label={`Inspector: ${id}`}>
      <InspectorHeader kindLabel="Sink" title={id} canDelete={canControl} />
      <div className={`inspector-mode mode-${mode}`} data-testid="inspector-mode">
        {mode === "scenario" && "At t=0: edits change the scenario."}
        {mode === "restart" && "Running: a change here restarts the run at t=0, paused."}
        {mode === "read-only" && "Read-only."}
      </div>
      <div className="inspector-body">
        <SinkLive id={id} />
        <div className="inspector-section-title">
          <span>Sink settings</span>
        </div>
        {spec ? <SinkSettings spec={spec} fromOptions={fromOptions} editable={canControl} apply={apply} /> : <p className="props-note">{id} is not in the working scenario.</p>}
      </div>
    </section>
  );
}

function SinkSettings({ spec, fromOptions, editable, apply }: { spec: SinkInput; fromOptions: { value: string; label: string }[]; editable: boolean; apply(change: SinkChange): Promise<string | null> }) {
  const kind = spec.kind ?? "dashboard";
  return (
    <div className="config-list">
      <SinkChoiceRow name="kind" value={kind} options={KIND_OPTIONS} wide doc={`${kind}: ${sinkKindMeaning(kind)}. Each kind has its own defaults for the figures below.`} editable={editable} onCommit={(value) => (isSinkKind(value) ? apply({ kind: value }) : Promise.resolve(`unknown kind "${value}"`))} />
      <SinkChoiceRow name="from" value={spec.from} options={fromOptions} doc={SINK_FROM_DOC} editable={editable} onCommit={(value) => apply({ from: value })} />
      <SinkFigureRow figure="writeLatencyMs" kind={kind} override={spec.writeLatencyMs} editable={editable} onCommit={(value) => apply({ writeLatencyMs: value })} />
      <SinkFigureRow figure="recordsPerSec" kind={kind} override={spec.recordsPerSec} editable={editable} onCommit={(value) => apply({ recordsPerSec: value })} />
    </div>
  );
}

/** What the engine reports for the sink now: read-only. */
function SinkLive({ id }: { id: string }) {
  const sink = useApp(useCallback((s: AppState) => s.sinksById[id], [id]));
  if (!sink) return <p className="props-note">Live figures appear once the engine runs this sink.</p>;
  const saturated = sink.utilisation >= SINK_SATURATED;
  const down = sink.up === false;
  return (
    <dl className="props" data-testid="sink-live">
      <dt>state</dt>
      <dd className={`state-text ${down ? "state-down" : "state-up"}`}>{down ? `down (an outage): ${sink.blocked.toLocaleString("en-US")} ${sink.blocked === 1 ? "write waits" : "writes wait"}` : "up"}</dd>
      <dt>written by</dt>
      <dd>{sink.from}</dd>
      <dt>records</dt>
      <dd data-testid="sink-live-records">
        {sink.records.toLocaleString("en-US")} <span className="muted">in {sink.writes.toLocaleString("en-US")} writes</span>
      </dd>
      <dt>in</dt>
      <dd>{formatCount(sink.inRate)} rec/s</dd>
      <dt>busy</dt>
      <dd className={saturated ? "tone-warn" : undefined}>
        {Math.round(sink.utilisation * 100)}%{saturated && " — the pipeline's bottleneck"}
      </dd>
      <dt>backlog</dt>
      <dd className={sink.backlogMs > 0 && saturated ? "tone-warn" : undefined}>{sink.backlogMs > 0 ? `${formatDurationMs(sink.backlogMs)} of writes queued` : "none"}</dd>
    </dl>
  );
}

/** A change as a scenario edit; resolves to why not, or null once applied (and says so when the run restarted). */
function useApplySinkChange(id: string) {
  const actions = useActions();
  const store = useAppStore();
  return useCallback(
    async (change: SinkChange): Promise<string | null> => {
      const running = (store.getState().frame?.nowMs ?? 0) > 0;
      const outcome = await actions.edit((doc) => updateSink(doc, id, change));
      if (!outcome) return "the edit was refused (see the message above)";
      if (running) store.getState().pushToast("info", "The pipeline changed: the run restarted at t=0, paused.");
      return null;
    },
    [actions, store, id],
  );
}
