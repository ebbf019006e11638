/**
 * The network: every pair of nodes is joined by a link with latency (base +
 * exponential jitter), bandwidth and loss, one direction at a time. A link
 * delivers in order (TCP). Faults cut, slow or make links lossy; they compose
 * by counting, so two overlapping cuts heal independently. A message on a cut
 * or lossy link is simply never delivered: the sender's timeouts decide.
 */
import type { Simulator } from "../kernel/simulator";
import { Rng } from "../kernel/rng";
import type { NetworkSpec } from "../scenario/schema";

/** One direction between two nodes. */
export class Link {
  cuts = 0;
  extraLatencyMs = 0;
  lossRates: number[] = [];
  /** Sum of lossRates (a send reads it every time). */
  lossRate = 0;
  busyUntil = 0;
  lastArrival = 0;
  bytesSent = 0;
  constructor(
    readonly from: string,
    readonly to: string,
    readonly rng: Rng,
  ) {}
}

export class Network {
  private readonly links = new Map<string, Map<string, Link>>();
  private readonly bytesPerMs: number;
  dropped = 0;
  /** Sees every message put on the wire (the live app samples them to animate batches). */
  observer: ((from: string, to: string, bytes: number, sentAtMs: number, arriveAtMs: number) => void) | null = null;

  constructor(
    private readonly sim: Simulator,
    private readonly spec: NetworkSpec,
    private readonly seed: number,
  ) {
    this.bytesPerMs = (spec.bandwidthMbps * 1e6) / 8 / 1000;
  }

  link(from: string, to: string): Link {
    let row = this.links.get(from);
    if (!row) {
      row = new Map();
      this.links.set(from, row);
    }
    let link = row.get(to);
    if (!link) {
      link = new Link(from, to, Rng.for(this.seed, `link:${from}->${to}`));
      row.set(to, link);
    }
    return link;
  }

  /** Links that differ from the defaults (cut, slowed, lossy), for displays. */
  alteredLinks(): { from: string; to: string; cut: boolean; extraLatencyMs: number; lossRate: number }[] {
    const out: { from: string; to: string; cut: boolean; extraLatencyMs: number; lossRate: number }[] = [];
    for (const [from, row] of this.links) {
      for (const [to, link] of row) {
        if (link.cuts > 0 || link.extraLatencyMs > 0 || link.lossRates.length > 0) {
          out.push({ from, to, cut: link.cuts > 0, extraLatencyMs: link.extraLatencyMs, lossRate: link.lossRates.reduce((a, b) => a + b, 0) });
        }
      }
    }
    return out;
  }

  isCut(from: string, to: string): boolean {
    return this.link(from, to).cuts > 0;
  }

  /** Both directions open. */
  connected(a: string, b: string): boolean {
    return this.link(a, b).cuts === 0 && this.link(b, a).cuts === 0;
  }

  /**
   * Send `bytes` from `from` to `to`; `deliver` runs on arrival unless the
   * link is cut or drops it; `departAt` delays the departure (a busy NIC).
   * Returns the arrival time, or null when dropped.
   */
  send(from: string, to: string, bytes: number, deliver: () => void, departAt = 0): number | null {
    const link = this.link(from, to);
    const arrival = this.transmit(link, bytes, departAt);
    if (arrival !== null) {
      this.sim.at(arrival, () => {
        if (this.arrived(link)) deliver();
      });
    }
    return arrival;
  }

  /**
   * Put `bytes` on `link` (a caller sending on the same link all the time
   * keeps it): the arrival time, or null when the link drops the message.
   * The caller schedules the arrival and asks `arrived(link)` when it comes.
   */
  transmit(link: Link, bytes: number, departAt = 0): number | null {
    if (link.cuts > 0) {
      this.dropped++;
      return null;
    }
    const loss = this.spec.lossRate + link.lossRate;
    if (loss > 0 && link.rng.chance(loss)) {
      this.dropped++;
      return null;
    }
    const now = this.sim.now;
    let start = link.busyUntil > now ? link.busyUntil : now;
    if (departAt > start) start = departAt;
    const transmitted = start + bytes / this.bytesPerMs;
    link.busyUntil = transmitted;
    link.bytesSent += bytes;
    const jitter = this.spec.jitterMs > 0 ? link.rng.exponential(this.spec.jitterMs) : 0;
    let arrival = transmitted + this.spec.latencyMs + link.extraLatencyMs + jitter;
    if (arrival < link.lastArrival) arrival = link.lastArrival; // in order, like TCP
    link.lastArrival = arrival;
    if (this.observer) this.observer(link.from, link.to, bytes, start, arrival);
    return arrival;
  }

  /** A message on `link` reaches its end now, unless a cut made while it was in flight lost it. */
  arrived(link: Link): boolean {
    if (link.cuts > 0) {
      this.dropped++;
      return false;
    }
    return true;
  }

  /** One-way latency estimate without side effects (for timeouts and displays). */
  baseLatencyMs(from: string, to: string): number {
    return this.spec.latencyMs + this.link(from, to).extraLatencyMs;
  }

  cut(from: string, to: string): void {
    this.link(from, to).cuts++;
  }
  uncut(from: string, to: string): void {
    const link = this.link(from, to);
    if (link.cuts > 0) link.cuts--;
  }
  slow(from: string, to: string, extraMs: number): void {
    this.link(from, to).extraLatencyMs += extraMs;
  }
  unslow(from: string, to: string, extraMs: number): void {
    const link = this.link(from, to);
    link.extraLatencyMs = Math.max(0, link.extraLatencyMs - extraMs);
    // what was sent while slow still arrives late; what is sent from now on does not queue behind it
    // (its requests have timed out, and the clients reconnect: a new TCP connection has its own order)
    if (link.lastArrival > this.sim.now) link.lastArrival = this.sim.now;
  }
  makeLossy(from: string, to: string, rate: number): void {
    const link = this.link(from, to);
    link.lossRates.push(rate);
    link.lossRate = link.lossRates.reduce((a, b) => a + b, 0);
  }
  unmakeLossy(from: string, to: string, rate: number): void {
    const link = this.link(from, to);
    const i = link.lossRates.indexOf(rate);
    if (i >= 0) link.lossRates.splice(i, 1);
    link.lossRate = link.lossRates.reduce((a, b) => a + b, 0);
  }
}
