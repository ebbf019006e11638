/** Play / pause, step, back, speed, the sim clock, the branch badge, and the timeline. */
import { useActions, useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import { selectCanControl } from "../store/connection-slice";
import { Icon } from "../shell/Icon";
import { formatClock } from "../shell/format";
import { SEEK_BACK_MS, STEP_MS } from "../store/session-actions";
import { SPEEDS, parseSpeedValue, speedLabel, speedValue } from "./speeds";
import { Timeline } from "./Timeline";

const selectPlaying = (s: AppState) => s.frame?.playing ?? false;
const selectNow = (s: AppState) => s.frame?.nowMs ?? 0;
const selectSpeed = (s: AppState) => (s.frame ? speedValue(s.frame.speed, s.frame.maxSpeed) : "1");
const selectForked = (s: AppState) => s.frame?.forked ?? false;
const selectHasFrame = (s: AppState) => s.frame !== null;
const selectDuration = (s: AppState) => s.frame?.durationMs ?? s.scenarioInfo?.durationMs ?? 0;

export function TimeBar() {
  const actions = useActions();
  const playing = useApp(selectPlaying);
  const now = useApp(selectNow);
  const speed = useApp(selectSpeed);
  const forked = useApp(selectForked);
  const hasFrame = useApp(selectHasFrame);
  const duration = useApp(selectDuration);
  const canControl = useApp(selectCanControl);
  const enabled = canControl && hasFrame;
  const ended = hasFrame && !playing && now >= duration && duration > 0;
  return (
    <div className="timebar" role="group" aria-label="Time">
      <div className="transport">
        <button type="button" className="icon-button" data-testid="back-button" title={`Back ${SEEK_BACK_MS / 1000} s (←): replays from the start`} disabled={!enabled || now === 0} onClick={() => void actions.seekBack()}>
          <Icon name="back" />
        </button>
        <button
          type="button"
          className={`play-button${playing ? " playing" : ""}`}
          data-testid="play-toggle"
          aria-pressed={playing}
          aria-label={playing ? "Pause" : "Play"}
          title={playing ? "Pause (Space)" : ended ? "Play on past the scenario's end (Space)" : "Play (Space)"}
          disabled={!enabled}
          onClick={() => void actions.togglePlay()}
        >
          <Icon name={playing ? "pause" : "play"} size={20} />
        </button>
        <button type="button" className="icon-button" data-testid="step-button" title={`Step ${STEP_MS} ms (→)`} disabled={!enabled} onClick={() => void actions.step()}>
          <Icon name="step" />
        </button>
        <label className="speed" title="Simulated seconds per wall second">
          <span className="visually-hidden">Speed</span>
          <select
            data-testid="speed-select"
            value={speed}
            disabled={!enabled}
            onChange={(e) => {
              const { speed: value, max } = parseSpeedValue(e.target.value);
              void actions.setSpeed(value, max);
              // give Space and the arrows back to play / step
              e.target.blur();
            }}
          >
            {SPEEDS.map((s) => (
              <option key={s} value={String(s)}>
                {speedLabel(s)}
              </option>
            ))}
            <option value="max">max</option>
          </select>
        </label>
      </div>
      <div className="clock">
        <span className="sim-time" data-testid="sim-time">
          {formatClock(now)}
        </span>
        <span className="clock-total">/ {formatClock(Math.max(duration, now)).slice(2)}</span>
      </div>
      <Timeline enabled={enabled} />
      {forked && (
        <span className="branch-badge" data-testid="branch-badge" title="You changed something after scrubbing back: the recorded future was dropped and this run is a new branch">
          <Icon name="branch" size={14} /> branch
        </span>
      )}
    </div>
  );
}
