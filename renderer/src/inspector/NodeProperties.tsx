/**
 * A node's own properties above its config: a producer's rate (a load factor
 * while running), a topic's partitions and replication factor, a group's
 * size, a broker's live state and the cluster size.
 */
import { useCallback, useState, type KeyboardEvent } from "react";
import { useActions, useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import type { NodeRef } from "../canvas/graph-ids";
import { setGroupSize, setProducerRate, setTopicShape, type EditResult } from "../scenario/edits";
import type { ScenarioInput } from "../../../shared/scenario/schema";
import { formatCount } from "../shell/format";

const selectAtStart = (s: AppState) => (s.frame?.nowMs ?? 0) === 0;
const selectScenario = (s: AppState) => s.scenario;

export function NodeProperties({ selection, editable }: { selection: Exclude<NodeRef, { kind: "sink" }>; editable: boolean }) {
  switch (selection.kind) {
    case "producer":
      return <ProducerProperties id={selection.id} editable={editable} />;
    case "topic":
      return <TopicProperties name={selection.id} editable={editable} />;
    case "group":
      return <GroupProperties id={selection.id} editable={editable} />;
    case "broker":
      return <BrokerProperties id={selection.id} />;
  }
}

function useEditNumber() {
  const actions = useActions();
  return useCallback(async (change: (doc: ScenarioInput) => EditResult) => (await actions.edit(change)) !== false, [actions]);
}

function ProducerProperties({ id, editable }: { id: string; editable: boolean }) {
  const atStart = useApp(selectAtStart);
  const scenario = useApp(selectScenario);
  const loadFactor = useApp(useCallback((s: AppState) => s.producersById[id]?.loadFactor ?? 1, [id]));
  const edit = useEditNumber();
  const spec = scenario?.producers?.find((p) => p.id === id);
  const rate = spec && "rate" in spec.workload ? spec.workload.rate : null;
  return (
    <dl className="props">
      <dt>topic</dt>
      <dd>{spec?.topic ?? "–"}</dd>
      <dt>workload</dt>
      <dd>{spec?.workload.type ?? "–"}</dd>
      {atStart ? (
        <NumberProp label="rate (msg/s)" value={rate ?? 0} editable={editable && rate !== null} testId="prop-rate" onCommit={(v) => edit((doc) => setProducerRate(doc, id, v))} />
      ) : (
        <>
          <dt>load</dt>
          <dd className="load-factor">
            <LoadFactor id={id} loadFactor={loadFactor} rate={rate} editable={editable} />
          </dd>
        </>
      )}
      <dt>record size</dt>
      <dd>{spec?.recordBytes ?? 200} B</dd>
      <dt>keys</dt>
      <dd>{spec?.keys ? `${spec.keys.type}${"count" in spec.keys ? ` (${spec.keys.count})` : ""}` : "none"}</dd>
    </dl>
  );
}

function TopicProperties({ name, editable }: { name: string; editable: boolean }) {
  const atStart = useApp(selectAtStart);
  const topic = useApp(useCallback((s: AppState) => s.topicsByName[name], [name]));
  const edit = useEditNumber();
  if (!topic) return null;
  const can = editable && atStart;
  return (
    <dl className="props">
      <NumberProp label="partitions" value={topic.partitions} editable={can} testId="prop-partitions" onCommit={(v) => edit((doc) => setTopicShape(doc, name, { partitions: v }))} />
      <NumberProp label="replication factor" value={topic.replicationFactor} editable={can} testId="prop-replication-factor" onCommit={(v) => edit((doc) => setTopicShape(doc, name, { replicationFactor: v }))} />
      {!atStart && <dd className="props-note">Partition count and replication factor are fixed once running; drag replica chips between brokers to move replicas.</dd>}
    </dl>
  );
}

function GroupProperties({ id, editable }: { id: string; editable: boolean }) {
  const atStart = useApp(selectAtStart);
  const group = useApp(useCallback((s: AppState) => s.groupsById[id], [id]));
  const scenario = useApp(selectScenario);
  const edit = useEditNumber();
  const spec = scenario?.consumerGroups?.find((g) => g.id === id);
  return (
    <dl className="props">
      <dt>topics</dt>
      <dd>{(group?.topics ?? spec?.topics ?? []).join(", ")}</dd>
      <NumberProp label="consumers" value={spec?.consumers ?? group?.members.length ?? 1} editable={editable && atStart} testId="prop-consumers" onCommit={(v) => edit((doc) => setGroupSize(doc, id, v))} />
      {group && (
        <>
          <dt>state</dt>
          <dd>
            {group.state}, generation {group.generation}
            {group.protocol && <span className="muted"> · {group.protocol}</span>}
          </dd>
          <dt>lag</dt>
          <dd>{group.lag.toLocaleString("en-US")} messages</dd>
        </>
      )}
    </dl>
  );
}

function BrokerProperties({ id }: { id: number }) {
  const broker = useApp(useCallback((s: AppState) => s.brokersById[id], [id]));
  const brokers = useApp(useCallback((s: AppState) => s.brokerIds.length, []));
  if (!broker) return null;
  return (
    <dl className="props">
      <dt>state</dt>
      <dd className={`state-text state-${broker.state}`}>{broker.state}</dd>
      <dt>leads</dt>
      <dd>
        {broker.leaderCount} of {broker.jmx.PartitionCount} partitions it hosts
      </dd>
      <dt>cluster</dt>
      <dd>{brokers} brokers</dd>
    </dl>
  );
}

function NumberProp({ label, value, editable, testId, onCommit }: { label: string; value: number; editable: boolean; testId: string; onCommit(value: number): Promise<boolean> }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = async (text: string) => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n === value) {
      setDraft(null);
      return;
    }
    if (await onCommit(n)) setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") void commit(e.currentTarget.value);
    if (e.key === "Escape") setDraft(null);
  };
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {editable ? (
          <input className="prop-input" data-testid={testId} value={draft ?? String(value)} inputMode="decimal" onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} onBlur={(e) => draft !== null && void commit(e.currentTarget.value)} />
        ) : (
          value.toLocaleString("en-US")
        )}
      </dd>
    </>
  );
}

/** A log-scale slider ×¼ … ×4 that sends one `loadFactor` command when released, not one per pixel. */
function LoadFactor({ id, loadFactor, rate, editable }: { id: string; loadFactor: number; rate: number | null; editable: boolean }) {
  const actions = useActions();
  const [draft, setDraft] = useState<number | null>(null);
  const factor = draft ?? loadFactor;
  const commit = () => {
    if (draft === null) return;
    const value = draft;
    setDraft(null);
    if (value !== loadFactor) void actions.command({ type: "loadFactor", producer: id, factor: value });
  };
  return (
    <>
      <input
        type="range"
        min={-2}
        max={2}
        step={0.25}
        value={Math.log2(Math.max(factor, 0.25))}
        disabled={!editable}
        data-testid="prop-load-factor"
        aria-label="load factor"
        onChange={(e) => setDraft(+(2 ** Number(e.target.value)).toFixed(3))}
        onPointerUp={commit}
        onKeyUp={commit}
        onBlur={commit}
      />
      <span>
        ×{factor.toFixed(2)}
        {rate !== null && <span className="muted"> = {formatCount(rate * factor)} msg/s</span>}
      </span>
    </>
  );
}
