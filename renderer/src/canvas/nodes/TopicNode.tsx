/** A topic: partition count, replication factor, and one health cell per partition. */
import { memo, useCallback } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { useApp } from "../../app-context";
import type { AppState } from "../../store/app-store";
import type { TopicNodeType } from "../graph";

/** Per partition: o ok, u under-replicated, m under min ISR, x offline — a string so the node re-renders only on change. */
const selectHealth = (topic: string) => (s: AppState) => {
  const frame = s.frame;
  if (!frame) return "";
  let out = "";
  for (const p of frame.partitions) {
    if (p.topic !== topic) continue;
    out += p.leader < 0 ? "x" : p.underMinIsr ? "m" : p.isr.length < p.replicas.length ? "u" : "o";
  }
  return out;
};

const WORDS: Record<string, string> = { o: "healthy", u: "under-replicated", m: "under min.insync.replicas", x: "offline (no leader)" };

/** Beyond this many partitions a cell each is noise: one bar of proportions instead. */
const MAX_CELLS = 48;

function HealthBar({ health }: { health: string }) {
  const counts = { o: 0, u: 0, m: 0, x: 0 } as Record<string, number>;
  for (const h of health) counts[h] = (counts[h] ?? 0) + 1;
  const parts = (["o", "u", "m", "x"] as const).filter((k) => counts[k]! > 0);
  return (
    <div className="health-summary">
      <div className="health-bar" aria-hidden="true">
        {parts.map((k) => (
          <span key={k} className={`cell-${k}`} style={{ flexGrow: counts[k] }} />
        ))}
      </div>
      <div className="health-legend">
        {parts.map((k) => (
          <span key={k}>
            <i className={`cell cell-${k}`} /> {counts[k]} {WORDS[k]}
          </span>
        ))}
      </div>
    </div>
  );
}

export const TopicNode = memo(function TopicNode({ data, selected }: NodeProps<TopicNodeType>) {
  const name = data.topic;
  const topic = useApp(useCallback((s: AppState) => s.topicsByName[name], [name]));
  const health = useApp(useCallback(selectHealth(name), [name]));
  if (!topic) return null;
  const worst = health.includes("x") ? "bad" : health.includes("m") ? "bad" : health.includes("u") ? "warn" : "ok";
  return (
    <div className={`node node-topic health-${worst}${selected ? " is-selected" : ""}`} data-testid={`topic-node-${name}`}>
      <Handle type="target" position={Position.Left} className="handle handle-connect" />
      <div className="node-kind">Topic</div>
      <header className="node-header">
        <span className="node-title">{name}</span>
      </header>
      <div className="node-stats">
        <span>
          <b>{topic.partitions}</b> partitions
        </span>
        <span>
          RF <b>{topic.replicationFactor}</b>
        </span>
        <span title="min.insync.replicas">min ISR {String(topic.config["min.insync.replicas"] ?? "–")}</span>
      </div>
      {health.length <= MAX_CELLS ? (
        <div className="partition-cells" aria-label="partition health">
          {[...health].map((h, i) => (
            <span key={i} className={`cell cell-${h}`} title={`${name}-${i}: ${WORDS[h]}`} />
          ))}
        </div>
      ) : (
        <HealthBar health={health} />
      )}
      <Handle type="source" position={Position.Right} className="handle handle-connect" />
    </div>
  );
});
