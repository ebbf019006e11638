/**
 * A sink: where a consumer group's application writes what it processed.
 * Its kind, the records per second coming in, how busy it is against its
 * capacity, the writes queued in front of it when it cannot keep up, and
 * its outages.
 */
import { memo, useCallback } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { useApp } from "../../app-context";
import type { AppState } from "../../store/app-store";
import type { SinkView } from "../../../../shared/engine/frame";
import type { SinkNodeType } from "../graph";
import { SINK_SATURATED } from "../selectors";
import { Icon, type IconName } from "../../shell/Icon";
import { formatCount, formatDurationMs } from "../../shell/format";

/** Less queued than this is the odd write overlapping the next, not a backlog. */
const MIN_BACKLOG_MS = 1;

const KIND_ICONS: Record<string, IconName> = { dashboard: "dashboard", file: "file", database: "database" };

export const SinkNode = memo(function SinkNode({ data, selected }: NodeProps<SinkNodeType>) {
  const id = data.sinkId;
  // the view keeps its identity while its figures are unchanged (see session-slice)
  const sink = useApp(useCallback((s: AppState) => s.sinksById[id], [id]));
  if (!sink) return null;
  // an outage (a crash or pause of the sink)
  const down = sink.up === false;
  const utilisation = Math.max(0, Math.min(1, sink.utilisation));
  const saturated = utilisation >= SINK_SATURATED;
  return (
    <div
      className={`node node-sink${down ? " is-out" : saturated ? " is-saturated" : ""}${selected ? " is-selected" : ""}`}
      data-state={down ? "down" : "up"}
      data-testid={`sink-node-${id}`}
      data-kind={sink.kind}
      data-from={sink.from}
      data-records={sink.records}
      data-writes={sink.writes}
      data-utilisation={utilisation.toFixed(3)}
      data-backlog-ms={Math.round(sink.backlogMs)}
    >
      <Handle type="target" position={Position.Left} className="handle" isConnectable={false} />
      <div className="node-kind">Sink</div>
      <header className="node-header">
        <Icon name={KIND_ICONS[sink.kind] ?? "sink"} className="sink-icon" />
        <span className="node-title">{id}</span>
        {down ? (
          <span className="state-badge state-down" title={`an outage: writes from ${sink.from} wait until it is back`}>
            down
          </span>
        ) : (
          <span className="pill sink-kind" title={`written by ${sink.from}`}>
            {sink.kind}
          </span>
        )}
      </header>
      <div className="node-stats">
        <span title="records written per simulated second, since the last frame">
          <b>{formatCount(sink.inRate)}</b> rec/s in
        </span>
        <span title="records written so far">
          <b>{formatCount(sink.records)}</b> written
        </span>
      </div>
      <div className="sink-busy" title="share of the time the sink was busy writing, since the last frame">
        <span className="sink-label">busy</span>
        <span className="meter sink-meter" aria-hidden="true">
          <span className={`meter-fill${saturated ? " hot" : ""}`} style={{ transform: `scaleX(${utilisation})` }} />
        </span>
        <span className={`sink-value${saturated ? " tone-warn" : ""}`}>{Math.round(utilisation * 100)}%</span>
      </div>
      {/* always a line, so the card keeps its height as a backlog comes and goes */}
      <div className={`sink-backlog${down ? " tone-bad" : saturated ? " tone-warn" : ""}`} data-testid={`sink-backlog-${id}`} title="writes queued ahead of a new write: the group's consumers wait this long">
        {backlogLine(sink, down, saturated)}
      </div>
      <div className="sink-capacity">
        <span title="records per second the sink absorbs">cap {formatCount(sink.recordsPerSec)} rec/s</span>
        <span title="time a write takes to be acknowledged once the sink takes it">write {formatDurationMs(sink.writeLatencyMs)}</span>
      </div>
    </div>
  );
});

function backlogLine(sink: SinkView, down: boolean, saturated: boolean): string {
  if (down) return sink.blocked > 0 ? `down: ${sink.blocked} ${sink.blocked === 1 ? "write waits" : "writes wait"}` : "down: takes no writes";
  if (saturated) return `backlog ${formatDurationMs(sink.backlogMs)} · the bottleneck`;
  return sink.backlogMs >= MIN_BACKLOG_MS ? `backlog ${formatDurationMs(sink.backlogMs)}` : "no backlog";
}
