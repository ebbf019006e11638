/**
 * The inspector for the selected node: its properties and every config key
 * of its kind with Kafka's name, value, default and meaning. At t=0 an edit
 * changes the scenario; while running, producer / consumer / topic keys are
 * sent as `setConfig` commands (applied live and recorded for replay).
 */
import { useCallback, useMemo, useState } from "react";
import type { ConfigValue } from "../../../shared/kafka/config";
import { useActions, useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import type { NodeRef } from "../canvas/graph-ids";
import { configOverride, setConfigOverride } from "../scenario/edits";
import { Icon } from "../shell/Icon";
import { ConfigRow } from "./ConfigRow";
import { orderedKeys, TABLES, type ConfigScope } from "./config-rows";
import { NodeProperties } from "./NodeProperties";
import { InspectorHeader } from "./InspectorHeader";
import { SinkInspector } from "./SinkInspector";

const selectSelection = (s: AppState) => s.selection;
const selectScenario = (s: AppState) => s.scenario;
const selectRecorded = (s: AppState) => s.recorded;
const selectAtStart = (s: AppState) => (s.frame?.nowMs ?? 0) === 0;

export function Inspector() {
  const selection = useApp(selectSelection);
  const readOnly = useApp((state) => state.connection.readOnly);
  if (!selection) {
    return (
      <section className="inspector empty" data-testid="inspector" aria-label="Inspector">
        <div className="inspector-placeholder">
          <Icon name="broker" size={22} />
          <p>Select a broker, topic, producer, consumer group or sink to see and edit its configuration.</p>
          {readOnly ? <p className="muted">You are following a shared session: the teacher drives it.</p> : <p className="muted">Right-click a broker, a producer, a consumer group, a sink, a link or a KRaft controller's chip to break it.</p>}
        </div>
      </section>
    );
  }
  if (selection.kind === "sink") return <SinkInspector id={selection.id} key={`sink:${selection.id}`} />;
  return <InspectorFor selection={selection} key={`${selection.kind}:${selection.id}`} />;
}

/** The nodes with a Kafka config table (a sink has its own inspector). */
type ConfigNodeRef = Exclude<NodeRef, { kind: "sink" }>;

function scopeOf(ref: ConfigNodeRef): { scope: ConfigScope; id: string; kindLabel: string; title: string } {
  switch (ref.kind) {
    case "broker":
      return { scope: "broker", id: "", kindLabel: "Broker", title: `broker-${ref.id}` };
    case "producer":
      return { scope: "producer", id: ref.id, kindLabel: "Producer", title: ref.id };
    case "group":
      return { scope: "consumerGroup", id: ref.id, kindLabel: "Consumer group", title: ref.id };
    case "topic":
      return { scope: "topic", id: ref.id, kindLabel: "Topic", title: ref.id };
  }
}

function InspectorFor({ selection }: { selection: ConfigNodeRef }) {
  const actions = useActions();
  const store = useAppStore();
  const canControl = useApp(selectCanControl);
  const atStart = useApp(selectAtStart);
  const [filter, setFilter] = useState("");
  const { scope, id, kindLabel, title } = scopeOf(selection);
  const table = TABLES[scope];

  const live = useApp(useCallback((s: AppState) => liveConfig(s, scope, id), [scope, id]));
  const scenario = useApp(selectScenario);
  const recorded = useApp(selectRecorded);

  // broker keys are read at start-up; clients and topics take changes live
  const editable = canControl && (atStart || scope !== "broker");
  const mode = !canControl ? "read-only" : atStart ? "scenario" : scope === "broker" ? "locked" : "live";

  const onCommit = useCallback(
    async (key: string, value: ConfigValue): Promise<string | null> => {
      const state = store.getState();
      if ((state.frame?.nowMs ?? 0) === 0) {
        const spec = table[key]!;
        const ok = await actions.edit((doc) => setConfigOverride(doc, scope, id, key, String(value) === String(spec.default) && configOverride(doc, scope, id, key) === undefined ? undefined : value));
        return ok ? null : "the engine refused the edit (see the message above)";
      }
      if (scope === "broker") return "broker settings apply from t=0: scrub back to the start to change them";
      const message = await actions.command({ type: "setConfig", scope, id, key, value });
      if (message === null) return "the engine refused the change (see the message above)";
      store.getState().markRecorded(`${scope}:${id}:${key}`, store.getState().frame?.nowMs ?? 0);
      return null;
    },
    [actions, store, table, scope, id],
  );

  const keys = useMemo(() => orderedKeys(scope).filter((k) => !filter || k.includes(filter.trim().toLowerCase())), [scope, filter]);

  return (
    <section className="inspector" data-testid="inspector" aria-label={`Inspector: ${title}`}>
      <InspectorHeader kindLabel={kindLabel} title={title} canDelete={canControl} />
      <div className={`inspector-mode mode-${mode}`} data-testid="inspector-mode">
        {mode === "scenario" && "At t=0: edits change the scenario."}
        {mode === "live" && "Running: changes apply now and are recorded in the session."}
        {mode === "locked" && "Broker settings are read at start-up: scrub back to t=0 to change them (they apply to every broker)."}
        {mode === "read-only" && "Read-only."}
      </div>
      <div className="inspector-body">
        <NodeProperties selection={selection} editable={canControl} />
        <div className="inspector-section-title">
          <span>{scope === "broker" ? "Broker configuration (all brokers)" : `${kindLabel} configuration`}</span>
          <input className="config-filter" placeholder="filter keys" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter configuration keys" />
        </div>
        <div className="config-list">
          {keys.map((key) => {
            const spec = table[key]!;
            const current = live?.[key] ?? configOverride(scenario, scope, id, key) ?? spec.default;
            return <ConfigRow key={key} table={table} configKey={key} spec={spec} current={current} editable={editable} onCommit={onCommit} recordedAt={recorded[`${scope}:${id}:${key}`]} />;
          })}
        </div>
      </div>
    </section>
  );
}

/** The engine's resolved config for the node, when the frame carries one. */
function liveConfig(s: AppState, scope: ConfigScope, id: string): Record<string, ConfigValue> | undefined {
  switch (scope) {
    case "producer":
      return s.producersById[id]?.config;
    case "consumerGroup":
      return s.groupsById[id]?.config;
    case "topic":
      return s.topicsByName[id]?.config;
    case "broker":
      return undefined;
  }
}
