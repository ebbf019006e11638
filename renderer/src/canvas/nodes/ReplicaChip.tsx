/**
 * One replica of one partition on one broker: leader solid, followers faded,
 * out-of-ISR flagged red. It selects its own look (a string), so it
 * re-renders only when leadership or ISR membership changes, not on every
 * frame; the hover card reads offsets live while it is open.
 */
import { memo, useCallback, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { createPortal } from "react-dom";
import { useActions, useApp, useAppStore } from "../../app-context";
import { selectCanControl } from "../../store/connection-slice";
import type { AppState } from "../../store/app-store";
import { startReplicaDrag, type ReplicaDrag } from "../replica-drag";
import { replaceReplica } from "../reassign";
import { replicaLook } from "../selectors";

interface Props {
  partitionKey: string;
  topic: string;
  partition: number;
  broker: number;
}

export const ReplicaChip = memo(function ReplicaChip({ partitionKey, topic, partition, broker }: Props) {
  const look = useApp(useCallback((s: AppState) => replicaLook(s, partitionKey, broker), [partitionKey, broker]));
  const canControl = useApp(selectCanControl);
  const store = useAppStore();
  const actions = useActions();
  const [hover, setHover] = useState<DOMRect | null>(null);
  const drag = useRef<ReplicaDrag | null>(null);

  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || !canControl) return;
    event.stopPropagation();
    drag.current?.destroy();
    setHover(null);
    drag.current = startReplicaDrag(event.nativeEvent, {
      label: `${topic}-${partition}`,
      className: `replica replica-${look}`,
      sourceBroker: broker,
      onDrop: (target) => {
        const p = store.getState().partitionsByKey[partitionKey];
        if (!p) return;
        const replicas = replaceReplica(p.replicas.map((r) => r.broker), broker, target);
        if (typeof replicas === "string") {
          store.getState().pushToast("error", `${topic}-${partition}: ${replicas}`);
          return;
        }
        void actions.command({ type: "reassign", topic, partition, replicas }).then((message) => {
          if (message) store.getState().pushToast("success", message);
        });
      },
    });
  };

  const leader = look === "leader";
  const inIsr = look === "leader" || look === "follower";
  return (
    <div
      className={`replica replica-${look} nodrag nopan`}
      data-testid={`replica-${topic}-${partition}-b${broker}`}
      data-leader={leader ? "true" : "false"}
      data-in-isr={inIsr ? "true" : "false"}
      aria-label={`${topic}-${partition} on broker-${broker}: ${leader ? "leader" : look === "out" ? "out of ISR" : "follower"}`}
      onPointerDown={onPointerDown}
      onPointerEnter={(e) => !document.body.classList.contains("dragging-replica") && setHover(e.currentTarget.getBoundingClientRect())}
      onPointerLeave={() => setHover(null)}
    >
      {partition}
      {leader && <span className="replica-crown" aria-hidden="true" />}
      {hover && createPortal(<ReplicaCard partitionKey={partitionKey} broker={broker} anchor={hover} />, document.body)}
    </div>
  );
});

const selectPartition = (key: string) => (s: AppState) => s.partitionsByKey[key];

const CARD_WIDTH = 240;
// about its height: eight rows and the hint (to place it below the chip when there is no room above)
const CARD_HEIGHT = 210;

/** Leader, epoch, HW and LEO, live while hovered; above the chip, or below it near the top of the window. */
function ReplicaCard({ partitionKey, broker, anchor }: { partitionKey: string; broker: number; anchor: DOMRect }) {
  const partition = useApp(useCallback(selectPartition(partitionKey), [partitionKey]));
  if (!partition) return null;
  const left = Math.max(8, Math.min(window.innerWidth - CARD_WIDTH - 8, anchor.left + anchor.width / 2 - CARD_WIDTH / 2));
  const below = anchor.top < CARD_HEIGHT + 16;
  const position = below ? { left, top: anchor.bottom + 8 } : { left, bottom: window.innerHeight - anchor.top + 8 };
  const replica = partition.replicas.find((r) => r.broker === broker);
  const leaderReplica = partition.replicas.find((r) => r.broker === partition.leader);
  const behind = replica && leaderReplica ? leaderReplica.logEndOffset - replica.logEndOffset : 0;
  return (
    <div className="replica-card" role="tooltip" data-testid="replica-card" style={{ ...position, width: CARD_WIDTH }}>
      <div className="replica-card-title">
        {partition.topic}-{partition.partition} <span className="muted">on broker-{broker}</span>
      </div>
      <dl>
        <dt>leader</dt>
        <dd>{partition.leader > 0 ? `broker-${partition.leader}` : "none (offline)"}</dd>
        <dt>leader epoch</dt>
        <dd>{partition.leaderEpoch}</dd>
        <dt>high watermark</dt>
        <dd>{replica ? replica.highWatermark.toLocaleString("en-US") : "–"}</dd>
        <dt>log start offset</dt>
        <dd>{replica ? replica.logStartOffset.toLocaleString("en-US") : "–"}</dd>
        <dt>log end offset</dt>
        <dd>
          {replica ? replica.logEndOffset.toLocaleString("en-US") : "–"}
          {behind > 0 && <span className="muted"> ({behind.toLocaleString("en-US")} behind)</span>}
        </dd>
        <dt>ISR</dt>
        <dd>{`{${partition.isr.join(",")}}`}</dd>
        <dt>replicas</dt>
        <dd>[{partition.replicas.map((r) => r.broker).join(",")}]</dd>
      </dl>
      {partition.underMinIsr && <div className="replica-card-warn">ISR below min.insync.replicas: acks=all writes fail</div>}
      <div className="replica-card-hint">Drag onto another broker to move this replica</div>
    </div>
  );
}
