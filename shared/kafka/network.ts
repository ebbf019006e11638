/**
 * The network: every pair of nodes is joined by a link with latency (base +
 * exponential jitter), bandwidth and loss, one direction at a time. A link
 * delivers in order (TCP). Faults cut, slow or make links lossy; they compose
 * by counting, so two overlapping cuts heal independently.
 *
 * Client requests and their responses travel on TCP connections (stream()):
 * a lost segment costs retransmission timeouts, not the message, and a
 * message on a cut link is not answered while the cut lasts but is sent
 * again after it heals, at the sender's next retransmission (Linux: 200 ms,
 * doubling; given up after tcp_retries2). So a short cut delays requests by
 * about its length, and the clients' request.timeout.ms decides only for
 * long ones. Other messages (send(): connection set-up, which resends its own
 * SYNs; sendOnConnection(): heartbeats, metadata and AlterPartition between
 * brokers and the controller, lost also when the way back is cut) are simply
 * lost on a cut or lossy link.
 */
import type { Simulator, Timer } from "../kernel/simulator";
import { Rng } from "../kernel/rng";
import type { NetworkSpec } from "../scenario/schema";

/** Linux's TCP_RTO_MIN: a lost segment is sent again after this, then after twice as long each time. */
const RTO_MS = 200;
/** tcp_retries2 = 15: after this many retransmissions (about 15 minutes) the kernel gives up on the data. */
const MAX_RETRANSMITS = 15;
/** Held messages are checked for dead connections whenever a link's list reaches a power of two from this size. */
const HELD_PRUNE_AT = 1024;

/** A message of a TCP stream, as the network keeps it while a fault holds it up. */
interface StreamMessage {
  readonly sentAt: number;
  readonly bytes: number;
  readonly fire: (arg: never) => void;
  readonly arg: unknown;
  /** True once the message's connection is gone (reset, or a process at either end died): it is not sent again. */
  readonly gone: (arg: never) => boolean;
  readonly order: StreamOrder;
}

/** A stream message waiting on a cut link for the cut to heal (or on a total loss for it to ease). */
interface Held extends StreamMessage {
  /** Held when sent (a cut, or its connection blocked); false: it was on its way when the cut or the loss caught it. */
  readonly fresh: boolean;
  /** False: it crossed the wire, and waits only behind earlier messages of its connection. */
  readonly lost: boolean;
}

/** A stream message posted to arrive late (retransmissions) or on a lossy link: if the fault ends first, it comes sooner. */
interface InFlight extends StreamMessage {
  readonly timer: Timer;
  /** Tries the loss took (0: it crossed at once, and may wait only behind earlier ones). */
  readonly lost: number;
}

/** The connection a stream message belongs to: gone(arg) tells whether it still exists. */
export type Liveness<T> = (arg: T) => boolean;

/**
 * One direction of one TCP connection: its bytes reach the application in order, so a message
 * waiting for a retransmission holds back the later ones of its connection (not other connections).
 */
export class StreamOrder {
  lastArrival = 0;
  /** The arrival of its last message that went straight through (no retransmission, nothing ahead of it). */
  lastPlain = 0;
  /** A message of this direction waits on a lossy link that lost every try: the later ones wait behind it. */
  blocked = false;
}

/** Time from the first send to the k-th retransmission: RTO + 2 RTO + … + 2^(k-1) RTO. */
function retransmitDelay(k: number): number {
  return RTO_MS * (2 ** k - 1);
}

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
  /** Stream messages sent while the link is cut, oldest first (null: none). */
  held: Held[] | null = null;
  /** Stream messages sent while a lossy-link fault is on, oldest first (null: none). */
  inFlight: InFlight[] | null = null;
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
   * Send a message of a connection the brokers keep to the controller (heartbeats, metadata,
   * AlterPartition, and the controller's answers). Each is a request and its response on one TCP
   * connection, and the broker sends the next heartbeat only once the last one is answered: with
   * either direction cut, no ACK, answer or handshake gets through, so a one-way cut stalls the
   * connection both ways (a broker that can send but not hear the controller is fenced). The
   * message is lost unless both directions are open when it is sent and when it arrives.
   */
  sendOnConnection(from: string, to: string, bytes: number, deliver: () => void): number | null {
    const back = this.link(to, from);
    if (back.cuts > 0) {
      this.dropped++;
      return null;
    }
    return this.send(from, to, bytes, () => {
      if (back.cuts === 0) deliver();
      else this.dropped++;
    });
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
    return this.put(link, bytes, departAt, 0);
  }

  /** A message on `link` reaches its end now, unless a cut made while it was in flight lost it. */
  arrived(link: Link): boolean {
    if (link.cuts > 0) {
      this.dropped++;
      return false;
    }
    return true;
  }

  /**
   * Send a message of a TCP connection on `link`; `fire(arg)` runs when it
   * arrives. Loss costs retransmissions (each lost try waits RTO, doubling);
   * on a cut link the message waits for the heal. A message whose every try
   * the loss takes (a 100 % lossy link is as good as cut) waits likewise, for
   * the loss to ease, and the later messages of its connection wait behind it.
   * Returns the arrival time, or null when it waits.
   */
  stream<T>(link: Link, order: StreamOrder, bytes: number, departAt: number, fire: (arg: T) => void, arg: T, gone: Liveness<T>): number | null {
    if (link.cuts > 0 || order.blocked) {
      this.hold(link, order, this.sim.now, bytes, fire, arg, gone, true, true);
      return null;
    }
    let retransmits = 0;
    const loss = this.spec.lossRate + link.lossRate;
    if (loss > 0) {
      while (retransmits <= MAX_RETRANSMITS && link.rng.chance(loss)) retransmits++;
      if (retransmits > MAX_RETRANSMITS) {
        order.blocked = true;
        this.hold(link, order, this.sim.now, bytes, fire, arg, gone, true, true);
        return null;
      }
    }
    const arrival = this.put(link, bytes, departAt, retransmits > 0 ? retransmitDelay(retransmits) : 0, order);
    const timer = this.sim.post(arrival, fire, arg);
    // held up (retransmissions, or behind one that was), or on a lossy link: a heal may bring it sooner
    if (link.lossRate > 0 || arrival > link.lastArrival) this.track(link, { timer, sentAt: this.sim.now, lost: retransmits, bytes, fire: fire as (arg: never) => void, arg, gone: gone as (arg: never) => boolean, order });
    else order.lastPlain = arrival;
    return arrival;
  }

  private track(link: Link, entry: InFlight): void {
    let list = link.inFlight;
    // arrived ones are dropped now and then, so a long lossy fault keeps only what is in flight
    if (list && list.length >= HELD_PRUNE_AT && (list.length & (list.length - 1)) === 0) {
      const now = this.sim.now;
      list = link.inFlight = list.filter((e) => !e.timer.cancelled && e.timer.at > now);
    }
    (list ??= link.inFlight = []).push(entry);
  }

  /**
   * A cut on `link` healed, or its loss eased, and it is open: what the loss or the cut was holding
   * up goes through at the sender's next retransmission (drawn again at the loss rate now), not at
   * the end of a back-off drawn when it was sent; what waited behind it on its connection comes
   * right after it. Each connection's messages stay in the order they were sent: first those a cut
   * caught on their way, then those still on their way (posted to arrive), then those held when sent.
   */
  private heal(link: Link): void {
    const list = link.inFlight;
    link.inFlight = null;
    const pending: Held[] = [];
    if (list) {
      const now = this.sim.now;
      for (const e of list) {
        if (e.timer.cancelled || e.timer.at <= now) continue;
        e.timer.cancelled = true;
        // what of this connection has not arrived is here or held, but for messages that went straight through
        e.order.lastArrival = Math.max(now, e.order.lastPlain);
        pending.push({ sentAt: e.sentAt, bytes: e.bytes, fire: e.fire, arg: e.arg, gone: e.gone, order: e.order, fresh: false, lost: e.lost > 0 });
      }
    }
    const held = link.held;
    if (held || pending.length > 0) link.held = [...(held ?? []).filter((h) => !h.fresh), ...pending, ...(held ?? []).filter((h) => h.fresh)];
    this.release(link);
  }

  /**
   * A stream message reaches the end of `link` now; if a cut made while it
   * was in flight lost it, it waits for the heal like one sent on the cut
   * link, and `fire(arg)` runs when it comes again. True when it is here.
   */
  streamArrived<T>(link: Link, order: StreamOrder, fire: (arg: T) => void, arg: T, bytes: number, gone: Liveness<T>): boolean {
    if (link.cuts === 0) return true;
    // its retransmissions count from when it was first sent (known when a lossy fault tracked it)
    let sentAt = this.sim.now;
    const tracked = link.inFlight;
    if (tracked) {
      for (let i = tracked.length - 1; i >= 0; i--) {
        const e = tracked[i]!;
        if (e.arg === arg && e.fire === fire && !e.timer.cancelled) {
          sentAt = e.sentAt;
          break;
        }
      }
    }
    this.hold(link, order, sentAt, bytes, fire, arg, gone, false, true);
    return false;
  }

  private hold<T>(link: Link, order: StreamOrder, sentAt: number, bytes: number, fire: (arg: T) => void, arg: T, gone: Liveness<T>, fresh: boolean, lost: boolean): void {
    let held = link.held;
    // a long cut: clients time out and reconnect, so most of what waits belongs to dead connections
    if (held && held.length >= HELD_PRUNE_AT && (held.length & (held.length - 1)) === 0) {
      const live = held.filter((h) => !h.gone(h.arg as never));
      this.dropped += held.length - live.length;
      held = link.held = live;
    }
    (held ??= link.held = []).push({ sentAt, bytes, fire: fire as (arg: never) => void, arg, gone: gone as (arg: never) => boolean, order, fresh, lost });
  }

  /**
   * The cut on `link` healed, or its loss eased: the sender's TCP sends what
   * waited again at its next retransmission, which goes back over the oldest
   * message's backoff; the rest follows it in order. What the loss still takes
   * waits on (and its connection's later messages behind it); what waited past
   * tcp_retries2 is given up, and so is what belonged to a connection that is
   * gone by now (a client that timed out reconnects on a new connection, which
   * does not wait behind the old one's data).
   */
  private release(link: Link): void {
    const held = link.held;
    if (!held) return;
    link.held = null;
    const now = this.sim.now;
    const loss = this.spec.lossRate + link.lossRate;
    for (const h of held) h.order.blocked = false;
    for (const h of held) {
      if (h.gone(h.arg as never)) {
        this.dropped++;
        continue;
      }
      // a message that crossed the wire needs no retransmission: it waits only behind earlier ones
      let k = 0;
      if (h.lost) {
        k = 1;
        while (k <= MAX_RETRANSMITS && h.sentAt + retransmitDelay(k) < now) k++;
        if (k > MAX_RETRANSMITS) {
          this.dropped++;
          continue;
        }
        if (!h.order.blocked && loss > 0) while (k <= MAX_RETRANSMITS && link.rng.chance(loss)) k++;
      }
      if (h.order.blocked || k > MAX_RETRANSMITS) {
        h.order.blocked = true;
        // it waits again, now behind everything of its connection that went out before it
        (link.held ??= []).push(h.fresh ? h : { ...h, fresh: true });
        continue;
      }
      const arrival = this.put(link, h.bytes, 0, k > 0 ? h.sentAt + retransmitDelay(k) - now : 0, h.order);
      const timer = this.sim.post(arrival, h.fire, h.arg as never);
      if (link.lossRate > 0 || arrival > link.lastArrival) this.track(link, { timer, sentAt: h.sentAt, lost: k, bytes: h.bytes, fire: h.fire, arg: h.arg, gone: h.gone, order: h.order });
      else h.order.lastPlain = arrival;
    }
  }

  /**
   * Put `bytes` on an open link, leaving no earlier than `departAt`: its arrival time. A stream
   * message arrives `extraMs` (retransmissions) after its last copy crossed the wire, and not before
   * the earlier messages of its connection.
   */
  private put(link: Link, bytes: number, departAt: number, extraMs: number, order?: StreamOrder): number {
    const now = this.sim.now;
    let start = link.busyUntil > now ? link.busyUntil : now;
    if (departAt > start) start = departAt;
    const transmitted = start + bytes / this.bytesPerMs;
    link.busyUntil = transmitted;
    link.bytesSent += bytes;
    const jitter = this.spec.jitterMs > 0 ? link.rng.exponential(this.spec.jitterMs) : 0;
    let arrival = transmitted + this.spec.latencyMs + link.extraLatencyMs + jitter;
    if (arrival < link.lastArrival) arrival = link.lastArrival; // the wire keeps order
    link.lastArrival = arrival;
    if (order) {
      arrival += extraMs;
      if (arrival < order.lastArrival) arrival = order.lastArrival;
      order.lastArrival = arrival;
    }
    if (this.observer) this.observer(link.from, link.to, bytes, start, arrival);
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
    if (link.cuts === 0) this.heal(link);
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
    if (link.cuts === 0) this.heal(link);
  }
}
