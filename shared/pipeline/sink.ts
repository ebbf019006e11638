/**
 * A sink: where a consumer group's application writes what it processed
 * (the pipeline's last stage: a dashboard, files on HDFS-like storage, a
 * database table). Modelled as one service-time queue: a write of n records
 * occupies the sink for n / recordsPerSec seconds after the writes queued
 * before it, then takes writeLatencyMs more to be acknowledged. The writer
 * waits for the acknowledgement (a consumer's poll loop writes
 * synchronously), so a sink slower than the stream stalls its consumers and
 * the difference piles up as consumer lag.
 *
 * A sink can go down (a fault on its id): writes booked before keep their
 * place (the sink had taken them), new ones wait until it is back, in the
 * order they came (the application retries until the write goes through),
 * and the consumers waiting on them stay blocked in their poll loops.
 */
import type { Simulator } from "../kernel/simulator";

export type SinkKind = "dashboard" | "file" | "database";

/** What each kind of sink defaults to; a scenario may override either figure. */
export const SINK_KINDS: Record<SinkKind, { writeLatencyMs: number; recordsPerSec: number; meaning: string }> = {
  dashboard: { writeLatencyMs: 2, recordsPerSec: 1_000_000, meaning: "a live dashboard: small in-memory writes, fast" },
  file: { writeLatencyMs: 25, recordsPerSec: 400_000, meaning: "files on HDFS-like storage: high bandwidth, each write waits for the block's replicas" },
  database: { writeLatencyMs: 5, recordsPerSec: 100_000, meaning: "a database table: each write is a committed insert" },
};

export const SINK_KIND_NAMES = Object.keys(SINK_KINDS) as SinkKind[];

export interface SinkSettings {
  id: string;
  kind: SinkKind;
  /** The consumer group whose application writes here. */
  from: string;
  writeLatencyMs: number;
  recordsPerSec: number;
  /** From when the group writes here (simulated ms). */
  start: number;
}

export class Sink {
  /** When the queue drains: writes booked so far have been absorbed by then. */
  private busyUntil = 0;
  /** Busy time (ms) booked in total, for utilisation over an interval. */
  private busyTotal = 0;
  writes = 0;
  /** Records written (booked), including those still queued. */
  records = 0;
  /** Writes booked and not yet absorbed: when each one's service ends, and its records (FIFO). */
  private pendingEnds: number[] = [];
  private pendingRecords: number[] = [];
  private pendingHead = 0;
  private absorbedSoFar = 0;
  /** The first pending write not yet acknowledged (its service over and writeLatencyMs passed); never past pendingHead. */
  private ackHead = 0;
  private ackedWrites = 0;
  private ackedRecords = 0;
  /** False while the sink is down. */
  up = true;
  /** Writers waiting for the sink to come back, oldest first. */
  private waiting: (() => void)[] = [];

  constructor(
    readonly settings: SinkSettings,
    private readonly sim: Simulator,
  ) {}

  /** Book a write of `records` records now; returns when it is acknowledged. */
  write(records: number): number {
    const now = this.sim.now;
    const start = this.busyUntil > now ? this.busyUntil : now;
    const service = (records / this.settings.recordsPerSec) * 1000;
    this.busyUntil = start + service;
    this.busyTotal += service;
    this.writes++;
    this.records += records;
    this.settle(now);
    this.pendingEnds.push(this.busyUntil);
    this.pendingRecords.push(records);
    return this.busyUntil + this.settings.writeLatencyMs;
  }

  /** Records the sink has absorbed by now (their writes' service is over). */
  absorbed(): number {
    this.settle(this.sim.now);
    return this.absorbedSoFar;
  }

  /** Writes booked and not yet acknowledged now (a writer still waiting for them), and their records. */
  unacknowledged(): { writes: number; records: number } {
    this.settle(this.sim.now);
    return { writes: this.writes - this.ackedWrites, records: this.records - this.ackedRecords };
  }

  private settle(now: number): void {
    const ends = this.pendingEnds;
    const records = this.pendingRecords;
    let head = this.pendingHead;
    while (head < ends.length && ends[head]! <= now) this.absorbedSoFar += records[head++]!;
    let ack = this.ackHead;
    const latency = this.settings.writeLatencyMs;
    while (ack < head && ends[ack]! + latency <= now) {
      this.ackedRecords += records[ack++]!;
      this.ackedWrites++;
    }
    if (ack > 1024 && ack * 2 > ends.length) {
      // drop the acknowledged prefix now and then, so the lists stay as short as the queue
      this.pendingEnds = ends.slice(ack);
      this.pendingRecords = records.slice(ack);
      head -= ack;
      ack = 0;
    }
    this.pendingHead = head;
    this.ackHead = ack;
  }

  /** Call `retry` when the sink is back up (it is down now). */
  whenUp(retry: () => void): void {
    this.waiting.push(retry);
  }

  /** Writers blocked until the sink is back. */
  get blocked(): number {
    return this.waiting.length;
  }

  takeDown(): void {
    this.up = false;
  }

  /** Back up: the waiting writers retry, oldest first. */
  bringBack(): void {
    if (this.up) return;
    this.up = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const retry of waiting) retry();
  }

  /** Milliseconds of writes queued ahead of a write made now. */
  get backlogMs(): number {
    return Math.max(0, this.busyUntil - this.sim.now);
  }

  /** Busy milliseconds booked up to now (the part of the backlog still ahead is left out). */
  busyMsSoFar(): number {
    return this.busyTotal - this.backlogMs;
  }
}
