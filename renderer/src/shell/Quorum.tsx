/**
 * The KRaft controllers, one chip each; the active one says so. A click or
 * right-click on a chip opens its fault menu. Shown in the Brokers tab, and
 * on the canvas when the cluster has a quorum of more than one.
 */
import type { MouseEvent } from "react";
import { useAppStore } from "../app-context";
import type { QuorumView } from "../../../shared/kafka/quorum";

/** A voter's state in a word: active, follower, candidate, paused, down. */
export function voterLabel(voter: { state: string; role: string }, active: boolean): string {
  if (voter.state !== "up") return voter.state;
  if (active) return "active";
  return voter.role === "prospective" ? "candidate (pre-vote)" : voter.role === "leader" ? "leader (cut off)" : voter.role;
}

/** `testPrefix` keeps the canvas's copy apart from the dock's ("" or "canvas-"). */
export function Quorum({ quorum, testPrefix = "", className = "quorum" }: { quorum: QuorumView; testPrefix?: string; className?: string }) {
  const store = useAppStore();
  const open = (name: string) => (event: MouseEvent) => {
    event.preventDefault();
    store.getState().openContextMenu({ x: event.clientX, y: event.clientY, target: { kind: "controller", name } });
  };
  const single = quorum.voters.length === 1;
  return (
    <span className={className} data-testid={`${testPrefix}quorum`} data-active={quorum.active ?? ""} data-epoch={quorum.epoch}>
      <span className="quorum-title">
        <b>{single ? "KRaft controller" : "KRaft quorum"}</b>
        {!single && <span className="muted"> · epoch {quorum.epoch}</span>}
      </span>
      {quorum.voters.map((v) => {
        const active = quorum.active === v.name;
        const label = voterLabel(v, active);
        return (
          <button
            type="button"
            key={v.name}
            className={`voter-chip${active ? " voter-active" : ""}`}
            data-testid={`${testPrefix}voter-${v.name}`}
            data-state={v.state}
            data-role={active ? "active" : v.role}
            title={`${v.name}: ${label}, epoch ${v.epoch}. Click or right-click for faults.`}
            onClick={open(v.name)}
            onContextMenu={open(v.name)}
          >
            <span className={`state-dot ${v.state === "up" ? (active || single ? "state-up" : "state-standby") : `state-${v.state}`}`} aria-hidden="true" />
            {single ? label : `${v.name} ${label}`}
          </button>
        );
      })}
      {quorum.active === null && (
        <span className="tone-bad">
          <b>no active controller</b>
        </span>
      )}
      {quorum.failovers > 0 && (
        <span>
          failovers <b>{quorum.failovers}</b>
        </span>
      )}
    </span>
  );
}
