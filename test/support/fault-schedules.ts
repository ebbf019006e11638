/**
 * Random fault schedules for property tests: faults on one broker at a time,
 * at random times and for random durations, in the scenario-file form.
 */
import fc from "fast-check";
import type { ScenarioInput } from "../../shared/scenario/schema";

/** A fault as a scenario file states it. */
export type FaultInput = NonNullable<ScenarioInput["faults"]>[number];

export interface ScheduledFault {
  kind: "crash" | "shutdown" | "pause" | "restart" | "power-loss" | "disk-full" | "slow-disk" | "isolate" | "lossy-link" | "slow-link";
  broker: number;
  /** Quiet time before the fault starts (after the previous one healed). */
  gapMs: number;
  durationMs: number;
}

export function scheduledFault(kinds: readonly ScheduledFault["kind"][], brokers = 3): fc.Arbitrary<ScheduledFault> {
  return fc.record({
    kind: fc.constantFrom(...kinds),
    broker: fc.integer({ min: 1, max: brokers }),
    // odd fractions keep faults off the instants where periodic timers fire
    gapMs: fc.integer({ min: 300, max: 6000 }).map((ms) => ms + 0.37),
    durationMs: fc.integer({ min: 200, max: 12_000 }),
  });
}

/** Lay the faults end to end from `startMs`; those that would end after `endMs` are dropped. */
export function toFaultSpecs(schedule: readonly ScheduledFault[], startMs: number, endMs: number): FaultInput[] {
  const out: FaultInput[] = [];
  let t = startMs;
  for (const f of schedule) {
    const at = t + f.gapMs;
    // a clean restart is one action: shutdown, then start again at once
    const duration = f.kind === "restart" ? undefined : f.durationMs;
    const end = at + (duration ?? 100);
    if (end > endMs) break;
    const target = `broker-${f.broker}`;
    if (f.kind === "lossy-link") out.push({ kind: f.kind, from: target, to: "p", lossRate: 0.3, at, duration });
    else if (f.kind === "slow-disk") out.push({ kind: f.kind, target, diskMBps: 0.05 + (f.durationMs % 10) / 100, at, duration });
    else if (f.kind === "slow-link") out.push({ kind: f.kind, from: target, to: `broker-${(f.broker % 3) + 1}`, extraLatencyMs: 40, at, duration });
    else out.push({ kind: f.kind, target, at, duration });
    t = end;
  }
  return out;
}

export function describeSchedule(faults: readonly FaultInput[]): string {
  return faults
    .map((f) => {
      const where = "target" in f ? f.target : "from" in f ? `${f.from}->${f.to}` : "";
      return `${f.kind}@${String(f.at)}${f.duration !== undefined ? `+${String(f.duration)}` : ""} ${where}`;
    })
    .join(", ");
}
