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
      <div className="partition-cells" aria-label="partition health">
        {[...health].map((h, i) => (
          <span key={i} className={`cell cell-${h}`} title={`${name}-${i}: ${WORDS[h]}`} />
        ))}
      </div>
      <Handle type="source" position={Position.Right} className="handle handle-connect" />
    </div>
  );
});
