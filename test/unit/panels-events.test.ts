import { describe, expect, it } from "vitest";
import type { EventKind, SimEvent } from "../../shared/engine/events";
import { EVENT_KINDS, eventKeys, filterEvents } from "../../renderer/src/panels/eventlist";

const ev = (atMs: number, kind: EventKind, text = `${kind} at ${atMs}`): SimEvent => ({ atMs, kind, text });

describe("panels: event log helpers", () => {
  const events = [ev(1000, "fault"), ev(1200, "fenced"), ev(1500, "election"), ev(1500, "isr"), ev(3000, "heal")];

  it("keeps the newest rows up to the limit, oldest first, and counts kinds", () => {
    const f = filterEvents(events, new Set(), 3);
    expect(f.rows).toEqual([2, 3, 4]);
    expect(f.hiddenByLimit).toBe(2);
    expect(f.counts.get("fault")).toBe(1);
  });

  it("filters kinds out", () => {
    const f = filterEvents(events, new Set<EventKind>(["isr", "election"]), 10);
    expect(f.rows).toEqual([0, 1, 4]);
    expect(f.hiddenByLimit).toBe(0);
    expect(f.counts.get("isr")).toBe(1);
  });

  it("gives stable keys as old events drop out, distinct for repeats", () => {
    const dup = [ev(1, "isr", "x"), ev(1, "isr", "x"), ev(2, "heal")];
    const keys = eventKeys(dup);
    expect(new Set(keys).size).toBe(3);
    expect(eventKeys(events.slice(1))).toEqual(eventKeys(events).slice(1));
  });

  it("lists every event kind once", () => {
    expect(new Set(EVENT_KINDS).size).toBe(EVENT_KINDS.length);
  });
});
