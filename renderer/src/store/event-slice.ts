/** The event log as the panel shows it: newest last, bounded, each with a stable key. */
import type { StateCreator } from "zustand/vanilla";
import type { SimEvent } from "../../../shared/engine/events";
import type { AppState } from "./app-store";

export const EVENT_CAPACITY = 1500;

export interface LoggedEvent extends SimEvent {
  readonly seq: number;
}

export interface EventSlice {
  events: LoggedEvent[];
  /** How many events fell off the front of the log. */
  eventsDropped: number;
  eventSeq: number;
  clearEvents(): void;
}

export const createEventSlice: StateCreator<AppState, [], [], EventSlice> = (set) => ({
  events: [],
  eventsDropped: 0,
  eventSeq: 0,
  clearEvents: () => set({ events: [], eventsDropped: 0 }),
});

export function appendEvents(state: Pick<EventSlice, "events" | "eventsDropped" | "eventSeq">, fresh: readonly SimEvent[], capacity = EVENT_CAPACITY): Pick<EventSlice, "events" | "eventsDropped" | "eventSeq"> {
  // only these three fields: callers spread the result over a larger state
  if (fresh.length === 0) return { events: state.events, eventsDropped: state.eventsDropped, eventSeq: state.eventSeq };
  let seq = state.eventSeq;
  const added = fresh.map((e) => ({ atMs: e.atMs, kind: e.kind, text: e.text, seq: ++seq }));
  const all = state.events.concat(added);
  const overflow = Math.max(0, all.length - capacity);
  return { events: overflow > 0 ? all.slice(overflow) : all, eventsDropped: state.eventsDropped + overflow, eventSeq: seq };
}
