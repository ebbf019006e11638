/**
 * The event log: what happened, in plain words, with the simulated time —
 * the sentence a teacher reads out. Bounded: the newest `capacity` events are
 * kept, with a count of how many were dropped.
 */
export type EventKind =
  | "fault"
  | "heal"
  | "broker"
  | "fenced"
  | "election"
  | "isr"
  | "truncation"
  | "produce-error"
  | "group"
  | "consumer"
  | "command";

export interface SimEvent {
  readonly atMs: number;
  readonly kind: EventKind;
  readonly text: string;
}

export function formatSimTime(ms: number): string {
  return `t+${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)} s`;
}

export class EventLog {
  private readonly items: SimEvent[] = [];
  dropped = 0;
  private readonly listeners: ((event: SimEvent) => void)[] = [];
  /** Counts per kind, never dropped. */
  readonly counts = new Map<EventKind, number>();

  constructor(private readonly capacity = 5000) {}

  emit(atMs: number, kind: EventKind, text: string): void {
    const event = { atMs, kind, text };
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(event);
    for (const listener of this.listeners) listener(event);
  }

  onEvent(listener: (event: SimEvent) => void): void {
    this.listeners.push(listener);
  }

  all(): readonly SimEvent[] {
    return this.items;
  }
}
