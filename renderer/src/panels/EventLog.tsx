/**
 * The event log: `[t+14.8 s]`, a coloured chip of the event's kind, the
 * sentence. Newest at the bottom; follows new events unless the user has
 * scrolled up (then a "newest" button jumps back); chips above filter by kind.
 */
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { formatSimTime, type EventKind, type SimEvent } from "../../../shared/engine/events";
import { EVENT_KINDS, eventKeys, filterEvents } from "./eventlist";
import "./panels.css";

export interface EventLogProps {
  events: readonly SimEvent[];
  /** Most rows rendered at once (the newest); default 500. */
  limit?: number;
  /** Events the engine's bounded log already dropped, if known. */
  dropped?: number;
}

const EventRow = memo(function EventRow({ event }: { event: SimEvent }) {
  return (
    <li className="tb-event" data-kind={event.kind} data-testid="event-row">
      <span className="tb-event-time">[{formatSimTime(event.atMs)}]</span>
      <span className={`tb-chip tb-kind-${event.kind}`}>{event.kind}</span>
      <span className="tb-event-text">{event.text}</span>
    </li>
  );
});

function EventLogImpl({ events, limit = 500, dropped = 0 }: EventLogProps) {
  const [hidden, setHidden] = useState<ReadonlySet<EventKind>>(() => new Set());
  const [following, setFollowing] = useState(true);
  const followRef = useRef(true);
  const listRef = useRef<HTMLOListElement | null>(null);

  const { rows, hiddenByLimit, counts } = useMemo(() => filterEvents(events, hidden, limit), [events, hidden, limit]);
  const keys = useMemo(() => eventKeys(rows.map((i) => events[i]!)), [rows, events]);

  const pin = useCallback(() => {
    const el = listRef.current;
    if (el && followRef.current) el.scrollTop = el.scrollHeight;
  }, []);
  useLayoutEffect(pin, [rows, pin]);
  // stay pinned when the list resizes or a theme / presentation switch reflows the rows
  useLayoutEffect(() => {
    const el = listRef.current;
    const ro = el && typeof ResizeObserver !== "undefined" ? new ResizeObserver(pin) : null;
    if (el) ro?.observe(el);
    const mo = typeof MutationObserver === "undefined" ? null : new MutationObserver(pin);
    for (const root of [document.documentElement, document.body]) if (root) mo?.observe(root, { attributes: true });
    return () => {
      ro?.disconnect();
      mo?.disconnect();
    };
  }, [pin]);

  const onScroll = useCallback(() => {
    const el = listRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
    followRef.current = atBottom;
    setFollowing(atBottom);
  }, []);

  const jump = useCallback(() => {
    const el = listRef.current;
    followRef.current = true;
    setFollowing(true);
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  const toggle = useCallback((kind: EventKind) => {
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });
  }, []);

  const earlier = hiddenByLimit + dropped;
  return (
    <section className="tb-panel tb-events" data-testid="event-log" aria-label="Event log">
      <div className="tb-events-filters" role="toolbar" aria-label="Filter events by kind">
        {EVENT_KINDS.filter((k) => counts.has(k) || hidden.has(k)).map((k) => (
          <button key={k} type="button" className={`tb-chip tb-kind-${k}`} aria-pressed={!hidden.has(k)}
            data-testid={`event-filter-${k}`} title={hidden.has(k) ? `show ${k} events` : `hide ${k} events`} onClick={() => toggle(k)}>
            {k} {counts.get(k) ?? 0}
          </button>
        ))}
      </div>
      <ol className="tb-events-list" data-testid="event-log-list" ref={listRef} onScroll={onScroll}>
        {earlier > 0 && <li className="tb-events-more">{earlier.toLocaleString("en-US")} earlier events not shown</li>}
        {rows.map((i, n) => <EventRow key={keys[n]} event={events[i]!} />)}
        {events.length === 0 && <li className="tb-events-more">no events yet</li>}
      </ol>
      {!following && (
        <button type="button" className="tb-events-jump" data-testid="event-log-jump" onClick={jump}>↓ newest</button>
      )}
    </section>
  );
}

export const EventLog = memo(EventLogImpl);
