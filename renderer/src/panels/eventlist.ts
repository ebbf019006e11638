/** Pure helpers behind the event log: kinds, stable row keys, filtering. */
import type { EventKind, SimEvent } from "../../../shared/engine/events";

/** Every kind, in the order the filter chips show them. */
export const EVENT_KINDS: readonly EventKind[] = [
  "fault", "heal", "broker", "fenced", "election", "isr", "truncation", "produce-error", "group", "consumer", "command",
];

/**
 * Keys that stay the same for an event as the bounded log drops its oldest
 * entries (an index would shift every row); repeats of an identical event get
 * a counter.
 */
export function eventKeys(events: readonly SimEvent[]): string[] {
  const seen = new Map<string, number>();
  return events.map((e) => {
    const base = `${e.atMs}|${e.kind}|${e.text}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

export interface Filtered {
  /** Indices into events of the rows to show, oldest first. */
  rows: number[];
  /** Matching events left out because of the row limit. */
  hiddenByLimit: number;
  counts: Map<EventKind, number>;
}

/** The newest `limit` events whose kind is not hidden, plus counts per kind over all events. */
export function filterEvents(events: readonly SimEvent[], hidden: ReadonlySet<EventKind>, limit: number): Filtered {
  const counts = new Map<EventKind, number>();
  const rows: number[] = [];
  let matching = 0;
  for (let i = 0; i < events.length; i++) {
    const k = events[i]!.kind;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (let i = events.length - 1; i >= 0; i--) {
    if (hidden.has(events[i]!.kind)) continue;
    matching++;
    if (rows.length < limit) rows.push(i);
  }
  rows.reverse();
  return { rows, hiddenByLimit: matching - rows.length, counts };
}
