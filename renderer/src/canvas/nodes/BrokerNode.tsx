/**
 * A broker: its state (up / fenced / paused / down / powered-off) as colour
 * and word, leader count, CPU and bytes in, and its partition replicas as
 * chips grouped by topic. The node is a drop target for replica chips.
 */
import { memo, useCallback, useEffect, useRef } from "react";
import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { useApp } from "../../app-context";
import type { AppState } from "../../store/app-store";
import { selectReplicationPulse } from "../selectors";
import { ReplicaChip } from "./ReplicaChip";
import { COMPACT_ZOOM, ReplicaMap } from "./ReplicaMap";
import type { BrokerNodeType } from "../graph";
import type { BrokerView } from "../../../../shared/engine/frame";

const STATE_WORDS: Record<string, string> = {
  up: "up",
  fenced: "fenced",
  paused: "paused",
  down: "down",
  "powered-off": "powered-off",
};

/** Zoomed out too far to read a replica chip: draw the compact map instead. */
const selectCompact = (s: ReactFlowState) => s.transform[2] < COMPACT_ZOOM;

export const BrokerNode = memo(function BrokerNode({ data, selected }: NodeProps<BrokerNodeType>) {
  const id = data.brokerId;
  const compact = useStore(selectCompact);
  // zoomed out, the card's figures are too small to read: it redraws only when what can be seen changes
  // (state, leaders, under-replicated, CPU in steps of 10%), not on every frame
  const shown = useRef<{ key: string; view: BrokerView } | null>(null);
  const broker = useApp(
    useCallback(
      (s: AppState) => {
        const view = s.brokersById[id];
        if (!view || !compact) return view;
        const key = `${view.state}|${view.leaderCount}|${view.jmx.UnderReplicatedPartitions}|${Math.round(view.cpuUtilisation * 10)}`;
        if (shown.current?.key !== key) shown.current = { key, view };
        return shown.current.view;
      },
      [id, compact],
    ),
  );
  const keys = useApp(useCallback((s: AppState) => s.replicaKeysByBroker[id], [id]));
  const activeFault = useApp(useCallback((s: AppState) => hasActiveFault(s, `broker-${id}`), [id]));
  if (!broker) return null;
  const state = broker.state;
  const cpu = Math.round(broker.cpuUtilisation * 100);
  return (
    <div className={`node node-broker state-${state}${selected ? " is-selected" : ""}`} data-testid={`broker-node-${id}`} data-broker-drop={id} data-state={state}>
      <Handle type="target" position={Position.Left} className="handle" isConnectable={false} />
      <header className="node-header">
        <span className={`state-dot state-${state}`} aria-hidden="true" />
        <span className="node-title">{broker.name}</span>
        <span className={`state-badge state-${state}`} data-testid={`broker-state-${id}`}>
          {STATE_WORDS[state] ?? state}
        </span>
      </header>
      <div className="node-stats">
        <span title="partitions this broker leads (LeaderCount)">
          <b>{broker.leaderCount}</b> leading
        </span>
        <span title="share of request handler threads busy">
          CPU <Meter value={broker.cpuUtilisation} /> {cpu}%
        </span>
        <DiskStat disk={broker.disk} />
        {broker.jmx.UnderReplicatedPartitions > 0 && (
          <span className="tone-warn" title="UnderReplicatedPartitions: partitions it leads whose ISR is smaller than the replica set">
            {broker.jmx.UnderReplicatedPartitions} under-replicated
          </span>
        )}
        {activeFault && <span className="tone-bad">faulted</span>}
      </div>
      {compact ? <ReplicaMap brokerId={id} keys={keys ?? NO_KEYS} /> : <ReplicaChips brokerId={id} keys={keys ?? NO_KEYS} />}
      <ReplicationPulse brokerId={id} />
      <Handle type="source" position={Position.Right} className="handle" isConnectable={false} />
    </div>
  );
});

const NO_KEYS: string[] = [];

function hasActiveFault(s: AppState, name: string): boolean {
  return s.frame?.faults.some((f) => f.healedAtMs === null && f.targets.some((t) => t === name || t.split(/[{},|↔→]/).includes(name))) ?? false;
}

/**
 * The log disk, once it matters: slowed by a fault, holding unwritten data in the page cache, or
 * read by fetches of data the page cache no longer holds. The meter fills towards the dirty limit,
 * past which every write waits for the disk.
 */
function DiskStat({ disk }: { disk: BrokerView["disk"] }) {
  const slowed = disk.writeMBps < disk.normalMBps;
  const reading = disk.readMBps >= 0.1;
  if (!slowed && !reading && disk.unwrittenMB < 1) return null;
  const share = disk.unwrittenMB / disk.dirtyLimitMB;
  const full = share >= 0.99;
  const reads = reading ? `; fetches of data the page cache no longer holds read ${disk.readMBps} MB/s from it, in turn with the writes` : "";
  return (
    <span
      className={full ? "tone-bad" : slowed || reading ? "tone-warn" : undefined}
      data-testid="broker-disk"
      title={`log disk writing ${disk.writeMBps} MB/s (normally ${disk.normalMBps}); the page cache holds ${disk.unwrittenMB} MB it has not written, and makes writes wait for the disk past ${disk.dirtyLimitMB} MB (the dirty limit)${reads}`}
    >
      disk {disk.writeMBps} MB/s <Meter value={share} /> {Math.round(disk.unwrittenMB)}/{disk.dirtyLimitMB} MB unwritten{full ? ": writes wait" : ""}
      {reading && <span data-testid="broker-disk-reads"> · reads {disk.readMBps >= 10 ? Math.round(disk.readMBps) : disk.readMBps} MB/s</span>}
    </span>
  );
}

function Meter({ value }: { value: number }) {
  const pct = Math.max(0, Math.min(1, value)) * 100;
  return (
    <span className="meter" aria-hidden="true">
      <span className={`meter-fill${value > 0.85 ? " hot" : ""}`} style={{ transform: `scaleX(${pct / 100})` }} />
    </span>
  );
}

/** Chips grouped by topic; keys are "topic-partition" in partition order. */
const ReplicaChips = memo(function ReplicaChips({ brokerId, keys }: { brokerId: number; keys: string[] }) {
  if (keys.length === 0) return <div className="chips-empty">no replicas — drag one here</div>;
  const byTopic = new Map<string, { key: string; partition: number }[]>();
  for (const key of keys) {
    const cut = key.lastIndexOf("-");
    const topic = key.slice(0, cut);
    const list = byTopic.get(topic) ?? [];
    list.push({ key, partition: Number(key.slice(cut + 1)) });
    byTopic.set(topic, list);
  }
  return (
    <div className="chips">
      {[...byTopic].map(([topic, list]) => (
        <div className="chips-topic" key={topic}>
          <div className="chips-topic-name">{topic}</div>
          <div className="chips-row">
            {list.map(({ key, partition }) => (
              <ReplicaChip key={key} partitionKey={key} topic={topic} partition={partition} broker={brokerId} />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
});

const FLASH: Keyframe[] = [{ opacity: 0.9 }, { opacity: 0 }];

/** A thin bar that flashes when a follower fetch brings data into this broker. */
function ReplicationPulse({ brokerId }: { brokerId: number }) {
  const count = useApp(useCallback(selectReplicationPulse(brokerId), [brokerId]));
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || count === 0) return;
    // a Web Animation of opacity: restarted without forcing a layout, and run by the compositor
    el.getAnimations().forEach((a) => a.cancel());
    el.animate(FLASH, { duration: 700, easing: "ease-out" });
  }, [count]);
  return <div ref={ref} className="replication-pulse" title="replicating from the leader" />;
}
