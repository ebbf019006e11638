/** A consumer group: state and generation, members with their partitions, and a lag bar. */
import { memo, useCallback } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { useApp } from "../../app-context";
import type { AppState } from "../../store/app-store";
import type { GroupNodeType } from "../graph";
import { formatCount } from "../../shell/format";

/** Members as "name:state:partitions" lines (state 1 up, 0 down, or paused/stalled), so the node re-renders only when they change. */
const selectMembers = (group: string) => (s: AppState) => {
  const frame = s.frame;
  if (!frame) return "";
  const labels = new Map(frame.partitions.map((p) => [p.pid, p.partition]));
  return frame.consumers
    .filter((c) => c.group === group)
    .map((c) => `${c.id}:${c.up ? (c.blocked ?? 1) : 0}:${c.partitions.map((pid) => labels.get(pid)).filter((p) => p !== undefined).sort((a, b) => a! - b!).join(",")}`)
    .join("\n");
};

const MAX_MEMBERS = 8;

/** Kafka's group states, in a word that fits the badge (the full name is in its tooltip). */
const GROUP_STATE_WORDS: Record<string, string> = {
  Stable: "Stable",
  PreparingRebalance: "Rebalancing",
  CompletingRebalance: "Syncing",
  Empty: "Empty",
  Dead: "Dead",
};

export const GroupNode = memo(function GroupNode({ data, selected }: NodeProps<GroupNodeType>) {
  const id = data.groupId;
  const group = useApp(useCallback((s: AppState) => s.groupsById[id], [id]));
  const members = useApp(useCallback(selectMembers(id), [id]));
  if (!group) return null;
  const memberLines = members.split("\n").filter(Boolean);
  const lag = group.lag;
  const lagTone = lag < 10_000 ? "ok" : lag < 500_000 ? "warn" : "bad";
  // log scale: 10 → 1/6 of the bar, 1 M → full
  const lagShare = Math.min(1, Math.log10(lag + 1) / 6);
  const stable = group.state === "Stable";
  return (
    <div className={`node node-group${selected ? " is-selected" : ""}`} data-testid={`group-node-${id}`}>
      <Handle type="target" position={Position.Left} className="handle handle-connect" />
      <div className="node-kind">Consumer group</div>
      <header className="node-header">
        <span className="node-title">{id}</span>
        <span className={`state-badge ${stable ? "state-up" : "state-fenced"}`} title={`${group.state}, generation ${group.generation}, ${group.protocol || "no protocol yet"}`}>
          {GROUP_STATE_WORDS[group.state] ?? group.state}
        </span>
      </header>
      <ul className="members">
        {memberLines.slice(0, MAX_MEMBERS).map((line) => {
          const [name, up, parts] = line.split(":") as [string, string, string];
          return (
            <li key={name} className={up === "0" ? "is-down" : up === "1" ? "" : "is-blocked"} data-testid={`member-${name}`} data-state={up === "0" ? "down" : up === "1" ? "up" : up}>
              <span className={`state-dot ${up === "0" ? "state-down" : up === "1" ? "state-up" : "state-paused"}`} aria-hidden="true" />
              <span className="member-name">{name}</span>
              {up !== "0" && up !== "1" && <span className="member-blocked" title={up === "paused" ? "process frozen (pause): no heartbeats" : "application thread blocked (stall): heartbeats go on"}>{up}</span>}
              <span className="member-parts">{parts ? `p${parts.replaceAll(",", " · ")}` : "no partitions"}</span>
            </li>
          );
        })}
        {memberLines.length > MAX_MEMBERS && <li className="members-more">+{memberLines.length - MAX_MEMBERS} more members</li>}
      </ul>
      <div className="lag" title="consumer lag against committed offsets, as kafka-consumer-groups reports it">
        <span className="lag-label">lag</span>
        <span className="lag-bar">
          <span className={`lag-fill tone-bg-${lagTone}`} style={{ transform: `scaleX(${lagShare})` }} />
        </span>
        <span className={`lag-value tone-${lagTone}`}>{formatCount(lag)}</span>
      </div>
      {/* where the edge to the group's sink starts */}
      <Handle type="source" position={Position.Right} className="handle" isConnectable={false} />
    </div>
  );
});
