/**
 * The timeline: a range over 0..max(duration, now) with fault windows shaded
 * (started ones solid, scheduled ones outlined) and ticks for notable events.
 * Dragging previews; releasing seeks — backwards replays deterministically.
 */
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { useActions, useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import type { LoggedEvent } from "../store/event-slice";
import { parseDuration } from "../../../shared/scenario/duration";
import { formatClock } from "../shell/format";

const selectNow = (s: AppState) => s.frame?.nowMs ?? 0;
const selectDuration = (s: AppState) => s.frame?.durationMs ?? s.scenarioInfo?.durationMs ?? 0;
const selectFaults = (s: AppState) => s.frame?.faults;
const selectScheduled = (s: AppState) => s.scenario?.faults;
const selectEvents = (s: AppState) => s.events;

const TICK_KINDS = new Set(["election", "fenced", "isr", "truncation", "group", "broker"]);
const MAX_TICKS = 160;

export function Timeline({ enabled }: { enabled: boolean }) {
  const actions = useActions();
  const now = useApp(selectNow);
  const duration = useApp(selectDuration);
  const [preview, setPreview] = useState<number | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const max = Math.max(duration, now, 1000);

  // The input is uncontrolled: React restoring a controlled value in the middle of a drag
  // fights the thumb. Native events: `input` previews, `change` (release, or an arrow key) seeks,
  // and the preview stays until the engine has answered, so the thumb does not jump back.
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    const onInput = () => setPreview(Number(input.value));
    const onChange = () => {
      const target = Number(input.value);
      setPreview(target);
      void actions.seek(target).finally(() => setPreview(null));
    };
    input.addEventListener("input", onInput);
    input.addEventListener("change", onChange);
    return () => {
      input.removeEventListener("input", onInput);
      input.removeEventListener("change", onChange);
    };
  }, [actions]);

  // follow the clock while nobody holds the thumb
  useEffect(() => {
    const input = inputRef.current;
    if (input && preview === null) input.value = String(now);
  }, [now, max, preview]);

  const shown = preview ?? now;
  return (
    <div className="timeline">
      <div className="timeline-track" aria-hidden="true">
        <div className="timeline-progress" style={{ width: `${(now / max) * 100}%` }} />
        <FaultBands max={max} now={now} />
        <EventTicks max={max} />
        {preview !== null && <div className="timeline-preview" style={{ left: `${(preview / max) * 100}%` }} data-label={formatClock(preview)} />}
      </div>
      <input
        ref={inputRef}
        type="range"
        className="timeline-input"
        data-testid="timeline"
        aria-label="Simulated time"
        aria-valuetext={formatClock(shown)}
        min={0}
        max={max}
        step={100}
        defaultValue={0}
        disabled={!enabled}
      />
    </div>
  );
}

const FaultBands = memo(function FaultBands({ max, now }: { max: number; now: number }) {
  const faults = useApp(selectFaults);
  const scheduled = useApp(selectScheduled);
  const pct = (ms: number) => `${Math.min(100, (ms / max) * 100)}%`;
  const started = faults ?? [];
  // scheduled faults not started yet (after scrubbing back, or ahead of now)
  const upcoming = (scheduled ?? [])
    .map((f) => ({ kind: f.kind, at: parseDuration(f.at) ?? 0, length: f.duration !== undefined ? parseDuration(f.duration) : null }))
    .filter((f) => f.at > now);
  return (
    <>
      {started.map((f) => {
        const end = f.healedAtMs ?? now;
        return (
          <div key={`f${f.id}`} className={`fault-band ${f.healedAtMs === null ? "open" : ""}`} style={{ left: pct(f.atMs), width: `max(3px, ${pct(end - f.atMs)})` }} title={`${formatClock(f.atMs)} ${f.description}${f.healedAtMs !== null ? ` — healed ${formatClock(f.healedAtMs)}` : ""}`} data-testid="timeline-fault" />
        );
      })}
      {upcoming.map((f, i) => (
        <div key={`s${i}`} className="fault-band scheduled" style={{ left: pct(f.at), width: `max(3px, ${pct(f.length ?? max - f.at)})` }} title={`${formatClock(f.at)} scheduled: ${f.kind}`} />
      ))}
    </>
  );
});

const EventTicks = memo(function EventTicks({ max }: { max: number }) {
  const events = useApp(selectEvents);
  const ticks = useMemo(() => thinTicks(events, max), [events, max]);
  return (
    <>
      {ticks.map((t) => (
        <div key={t.seq} className={`event-tick tick-${t.kind}`} style={{ left: `${(t.atMs / max) * 100}%` }} title={`${formatClock(t.atMs)} ${t.text}`} />
      ))}
    </>
  );
});

/** At most one tick per 1/MAX_TICKS of the track, preferring the more telling kinds. */
function thinTicks(events: readonly LoggedEvent[], max: number): LoggedEvent[] {
  const slots = new Map<number, LoggedEvent>();
  for (const e of events) {
    if (!TICK_KINDS.has(e.kind)) continue;
    const slot = Math.floor((e.atMs / max) * MAX_TICKS);
    const held = slots.get(slot);
    if (!held || rank(e.kind) > rank(held.kind)) slots.set(slot, e);
  }
  return [...slots.values()];
}

function rank(kind: string): number {
  return kind === "election" || kind === "fenced" ? 3 : kind === "broker" ? 2 : 1;
}
