/** A producer: its topic, rate, acks and idempotence, and the errors it has seen. */
import { memo, useCallback } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { useApp } from "../../app-context";
import type { AppState } from "../../store/app-store";
import type { ProducerNodeType } from "../graph";
import { formatCount, formatRate } from "../../shell/format";

const selectRate = (id: string) => (s: AppState) => {
  const spec = s.scenario?.producers?.find((p) => p.id === id);
  const rate = spec && "rate" in spec.workload ? spec.workload.rate : null;
  const view = s.producersById[id];
  return rate === null ? null : rate * (view?.loadFactor ?? 1) * (view?.spike ?? 1);
};

export const ProducerNode = memo(function ProducerNode({ data, selected }: NodeProps<ProducerNodeType>) {
  const id = data.producerId;
  const producer = useApp(useCallback((s: AppState) => s.producersById[id], [id]));
  const rate = useApp(useCallback(selectRate(id), [id]));
  if (!producer) return null;
  const errors = Object.entries(producer.errors).filter(([, n]) => n > 0);
  const idempotent = producer.config["enable.idempotence"] === true;
  return (
    <div className={`node node-producer${producer.up ? "" : " is-down"}${selected ? " is-selected" : ""}`} data-testid={`producer-node-${id}`} data-state={!producer.up ? "down" : producer.paused ? "paused" : "up"}>
      <div className="node-kind">Producer</div>
      <header className="node-header">
        <span className={`state-dot ${!producer.up ? "state-down" : producer.paused ? "state-paused" : "state-up"}`} aria-hidden="true" />
        <span className="node-title">{id}</span>
        {producer.up && producer.paused && (
          <span className="state-badge state-paused" title="process frozen (pause): it sends nothing until it thaws">
            paused
          </span>
        )}
      </header>
      <div className="node-stats">
        {rate !== null && <span>{formatRate(rate)}</span>}
        <span className="pill">acks={String(producer.config.acks)}</span>
        {idempotent && <span className="pill" title="enable.idempotence=true">idempotent</span>}
        {producer.spike !== undefined && (
          <span className="tone-warn" data-testid="producer-spike" title="a load-spike fault multiplies its rate">
            spike ×{Number(producer.spike.toPrecision(3))}
          </span>
        )}
        {(producer.buffer.blockedRecords > 0 || producer.buffer.usedMB > producer.buffer.limitMB / 2) && (
          <span
            className={producer.buffer.blockedRecords > 0 ? "tone-bad" : "tone-warn"}
            data-testid="producer-buffer"
            title="buffer.memory holds batches until they are acknowledged; when it is full, send() blocks (up to max.block.ms) and new records wait"
          >
            buffer.memory {Math.round(producer.buffer.usedMB)}/{Math.round(producer.buffer.limitMB)} MB
            {producer.buffer.blockedRecords > 0 ? ` · ${formatCount(producer.buffer.blockedRecords)} records wait in send()` : ""}
          </span>
        )}
        {producer.hotKeys?.map((h) => (
          <span key={`${h.key}|${h.share}`} className="tone-warn" data-testid="producer-hot-key" title="a hot-key fault: this share of its records carries one key, and murmur2 sends them all to one partition">
            hot key {h.key}: {Math.round(h.share * 100)}%{h.partition >= 0 ? ` → p${h.partition}` : " (keys ignored)"}
          </span>
        ))}
      </div>
      {errors.length > 0 && (
        <div className="node-errors" title="errors the producer has seen, by Kafka error code">
          {errors.slice(0, 3).map(([code, n]) => (
            <span key={code} className="node-error">
              <span className="node-error-code">{code}</span>
              <b>{n.toLocaleString("en-US")}</b>
            </span>
          ))}
        </div>
      )}
      <Handle type="source" position={Position.Right} className="handle handle-connect" />
    </div>
  );
});
