/** The controller quorum on the canvas, top right, when the cluster has more than one controller: a failover is seen where the class looks. */
import { useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import { Quorum } from "../shell/Quorum";

const selectQuorum = (s: AppState) => s.frame?.controller.quorum;

/** True when the canvas shows the quorum (the fit leaves room for it). */
export const selectQuorumShown = (s: AppState) => (s.frame?.controller.quorum.voters.length ?? 0) > 1;

export function QuorumOverlay() {
  const quorum = useApp(selectQuorum);
  if (!quorum || quorum.voters.length <= 1) return null;
  return (
    <div className="quorum-overlay" aria-label="KRaft controller quorum">
      <Quorum quorum={quorum} testPrefix="canvas-" className="quorum quorum-card" />
    </div>
  );
}
