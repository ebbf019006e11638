/** One-click network partitions with an optional self-healing duration, and "Heal all". */
import { useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { PRESET_LABELS, parseFaultDuration, type PartitionPreset } from "./fault-commands";
import { useFaultActions } from "./useFaultActions";
import { Icon } from "../shell/Icon";

const selectDuration = (s: AppState) => s.faultDuration;
const selectActiveFaults = (s: AppState) => s.frame?.faults.filter((f) => f.healedAtMs === null).length ?? 0;
const selectHasFrame = (s: AppState) => s.frame !== null;

const PRESETS = Object.keys(PRESET_LABELS) as PartitionPreset[];

export function FaultToolbar() {
  const store = useAppStore();
  const duration = useApp(selectDuration);
  const active = useApp(selectActiveFaults);
  const canControl = useApp(selectCanControl);
  const hasFrame = useApp(selectHasFrame);
  const { preset, healAll } = useFaultActions();
  const durationProblem = typeof parseFaultDuration(duration) === "string";
  const enabled = canControl && hasFrame;
  return (
    <div className="fault-toolbar" role="toolbar" aria-label="Network faults">
      <span className="fault-toolbar-title">
        <Icon name="bolt" /> Partition
      </span>
      {PRESETS.map((p) => (
        <button key={p} type="button" className="chip-button" data-testid={`preset-${p}`} title={PRESET_LABELS[p].hint} disabled={!enabled} onClick={() => void preset(p)}>
          {PRESET_LABELS[p].label}
        </button>
      ))}
      <label className={`duration-field${durationProblem ? " invalid" : ""}`} title="Faults started from the diagram heal themselves after this long; empty keeps them until healed">
        <span>for</span>
        <input
          data-testid="fault-duration"
          value={duration}
          placeholder="no limit"
          spellCheck={false}
          onChange={(e) => store.getState().setFaultDuration(e.target.value)}
          aria-invalid={durationProblem}
        />
      </label>
      <button type="button" className={`heal-button${active > 0 ? " has-faults" : ""}`} data-testid="heal-all" disabled={!enabled} onClick={() => void healAll()} title="End every active fault">
        <Icon name="heal" /> Heal all{active > 0 ? ` (${active})` : ""}
      </button>
    </div>
  );
}
