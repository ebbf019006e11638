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

class Link {
  cuts = 0;
  extraLatencyMs = 0;
  lossRates: number[] = [];
  busyUntil = 0;
  lastArrival = 0;
  bytesSent = 0;
  constructor(readonly rng: Rng) {}
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
      link = new Link(Rng.for(this.seed, `link:${from}->${to}`));
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
    if (link.cuts > 0) {
      this.dropped++;
      return null;
    }
    let loss = this.spec.lossRate;
    for (let i = 0; i < link.lossRates.length; i++) loss += link.lossRates[i]!;
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
    if (this.observer) this.observer(from, to, bytes, start, arrival);
    this.sim.at(arrival, () => {
      // a cut made while the message was in flight loses it too
      if (link.cuts > 0) {
        this.dropped++;
        return;
      }
      deliver();
    });
    return arrival;
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
  }
  makeLossy(from: string, to: string, rate: number): void {
    this.link(from, to).lossRates.push(rate);
  }
  unmakeLossy(from: string, to: string, rate: number): void {
    const rates = this.link(from, to).lossRates;
    const i = rates.indexOf(rate);
    if (i >= 0) rates.splice(i, 1);
  }
}
