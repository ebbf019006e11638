/**
 * A client's connections to brokers (producers, consumers, and brokers'
 * replica fetchers all use it). It models what a Kafka client sees of TCP:
 * - opening a connection takes a round trip; a dead process answers with a
 *   reset (fast "connection refused"), a dead host or a cut link does not
 *   answer, so the client waits socket.connection.setup.timeout.ms;
 * - a paused (GC) broker still accepts connections, but answers nothing;
 * - when a broker's process dies, its open connections are reset;
 * - a request with no response in request.timeout.ms fails, and the client
 *   drops the connection (failing its other in-flight requests too).
 * Timeouts are swept per connection (requests on one connection time out in
 * the order they were sent), so a busy connection costs no timer per request.
 */
import type { Cluster } from "../engine/context";
import type { Broker } from "./broker";
import { KafkaError } from "./errors";
import type { Timer } from "../kernel/simulator";

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: number };

interface Pending {
  readonly id: number;
  readonly deadline: number;
  readonly done: (result: RpcResult<never>) => void;
  readonly onValue: (value: unknown) => void;
}

interface Waiting {
  readonly send: () => void;
  readonly fail: (error: number) => void;
}

class Connection {
  state: "idle" | "connecting" | "ready" = "idle";
  generation = 0;
  readonly inflight = new Map<number, Pending>();
  waiting: Waiting[] = [];
  sweep: Timer | null = null;
  connectTimer: Timer | null = null;
  unregister: (() => void) | null = null;
  retryAt = 0;
  constructor(readonly brokerId: number) {}
}

export interface RpcOptions {
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectBackoffMs: number;
}

export class RpcClient {
  private readonly conns = new Map<number, Connection>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    readonly node: string,
    readonly options: RpcOptions,
  ) {}

  /** Requests sent and not answered, plus those queued while the connection opens. */
  inFlight(brokerId: number): number {
    const conn = this.conns.get(brokerId);
    return conn ? conn.inflight.size + conn.waiting.length : 0;
  }

  /** False while a failed connection is backing off before the next attempt. */
  canSend(brokerId: number): boolean {
    const conn = this.conns.get(brokerId);
    return !conn || conn.state !== "idle" || conn.retryAt <= this.cluster.sim.now;
  }

  /**
   * Send a request of `bytes` to broker `brokerId`. `serve` runs on the broker
   * when it handles the request and calls `reply` when the response is ready.
   */
  call<T>(brokerId: number, bytes: number, serve: (broker: Broker, reply: (bytes: number, value: T, readyAt?: number) => void) => void, done: (result: RpcResult<T>) => void): void {
    if (this.closed) return;
    const conn = this.connection(brokerId);
    const send = () => this.transmit(conn, bytes, serve as (broker: Broker, reply: (bytes: number, value: unknown, readyAt?: number) => void) => void, done as (r: RpcResult<unknown>) => void);
    if (conn.state === "ready") {
      send();
      return;
    }
    conn.waiting.push({ send, fail: (error) => done({ ok: false, error }) });
    if (conn.state !== "idle") return;
    const now = this.cluster.sim.now;
    if (conn.retryAt <= now) this.connect(conn);
    else {
      // reconnect.backoff.ms after a lost connection
      conn.state = "connecting";
      const generation = conn.generation;
      this.cluster.sim.at(conn.retryAt, () => {
        if (conn.generation === generation && !this.closed) this.connect(conn);
      });
    }
  }

  /** Fire and forget (acks=0): no response is expected, so nothing can time out. */
  cast(brokerId: number, bytes: number, serve: (broker: Broker) => void): void {
    if (this.closed) return;
    const conn = this.connection(brokerId);
    const { net, brokers } = this.cluster;
    const broker = brokers[brokerId]!;
    const send = () => net.send(this.node, broker.name, bytes, () => broker.receive(() => serve(broker)));
    if (conn.state === "ready") send();
    else {
      conn.waiting.push({ send, fail: () => {} });
      if (conn.state === "idle" && conn.retryAt <= this.cluster.sim.now) this.connect(conn);
    }
  }

  /** The client process died: nothing it sent will be answered to anyone. */
  close(): void {
    this.closed = true;
    for (const conn of this.conns.values()) {
      this.cluster.sim.cancel(conn.sweep);
      this.cluster.sim.cancel(conn.connectTimer);
      conn.unregister?.();
      conn.generation++;
      conn.inflight.clear();
      conn.waiting = [];
    }
    this.conns.clear();
  }

  /** Drop one connection, failing what is in flight on it. */
  disconnect(brokerId: number, error: number = KafkaError.NETWORK_EXCEPTION): void {
    const conn = this.conns.get(brokerId);
    if (conn) this.reset(conn, error);
  }

  private connection(brokerId: number): Connection {
    let conn = this.conns.get(brokerId);
    if (!conn) {
      conn = new Connection(brokerId);
      this.conns.set(brokerId, conn);
    }
    return conn;
  }

  private connect(conn: Connection): void {
    const { sim, net, brokers } = this.cluster;
    conn.state = "connecting";
    const generation = ++conn.generation;
    const broker = brokers[conn.brokerId]!;
    const stale = () => conn.generation !== generation || this.closed;
    conn.connectTimer = sim.schedule(this.options.connectTimeoutMs, () => {
      if (!stale()) this.reset(conn, KafkaError.NETWORK_EXCEPTION);
    });
    const syn = (rto: number) => {
      // TCP resends an unanswered SYN (1 s, then doubling) until the setup timeout gives up
      sim.schedule(rto, () => {
        if (!stale() && conn.state === "connecting") {
          handshake();
          syn(rto * 2);
        }
      });
    };
    const handshake = () => net.send(this.node, broker.name, 64, () => {
      if (!broker.hostUp) return; // no answer at all: the setup timeout decides
      const accepted = broker.processUp;
      net.send(broker.name, this.node, 64, () => {
        if (stale() || conn.state !== "connecting") return;
        sim.cancel(conn.connectTimer);
        if (!accepted) {
          this.reset(conn, KafkaError.NETWORK_EXCEPTION);
          return;
        }
        conn.state = "ready";
        conn.unregister = this.cluster.connections.register(conn.brokerId, () => {
          // the broker's process died: its kernel resets our connection
          net.send(broker.name, this.node, 64, () => {
            if (conn.generation === generation && !this.closed) this.reset(conn, KafkaError.NETWORK_EXCEPTION);
          });
        });
        const waiting = conn.waiting;
        conn.waiting = [];
        for (const w of waiting) w.send();
      });
    });
    handshake();
    syn(1000);
  }

  private transmit(conn: Connection, bytes: number, serve: (broker: Broker, reply: (bytes: number, value: unknown, readyAt?: number) => void) => void, done: (r: RpcResult<unknown>) => void): void {
    const { sim, net, brokers } = this.cluster;
    const id = this.nextId++;
    const generation = conn.generation;
    const broker = brokers[conn.brokerId]!;
    let answered = false;
    const pending: Pending = {
      id,
      deadline: sim.now + this.options.requestTimeoutMs,
      done: done as (r: RpcResult<never>) => void,
      onValue: (value) => done({ ok: true, value }),
    };
    conn.inflight.set(id, pending);
    if (!conn.sweep) this.armSweep(conn, pending.deadline);
    net.send(this.node, broker.name, bytes, () => {
      broker.receive(() =>
        serve(broker, (replyBytes, value, readyAt = 0) => {
          if (answered) return;
          answered = true;
          net.send(
            broker.name,
            this.node,
            replyBytes,
            () => {
              if (conn.generation !== generation || this.closed) return;
              const p = conn.inflight.get(id);
              if (!p) return;
              conn.inflight.delete(id);
              p.onValue(value);
            },
            broker.egress(replyBytes, readyAt),
          );
        }),
      );
    });
  }

  private armSweep(conn: Connection, at: number): void {
    conn.sweep = this.cluster.sim.at(at, () => {
      conn.sweep = null;
      const now = this.cluster.sim.now;
      for (const p of conn.inflight.values()) {
        if (p.deadline > now) {
          this.armSweep(conn, p.deadline);
          return;
        }
        // Kafka drops the connection on a request timeout
        conn.inflight.delete(p.id);
        p.done({ ok: false, error: KafkaError.REQUEST_TIMED_OUT });
        this.reset(conn, KafkaError.NETWORK_EXCEPTION);
        return;
      }
    });
  }

  private reset(conn: Connection, error: number): void {
    const { sim } = this.cluster;
    sim.cancel(conn.sweep);
    sim.cancel(conn.connectTimer);
    conn.sweep = null;
    conn.unregister?.();
    conn.unregister = null;
    conn.state = "idle";
    conn.generation++;
    conn.retryAt = sim.now + this.options.reconnectBackoffMs;
    const inflight = [...conn.inflight.values()];
    conn.inflight.clear();
    const waiting = conn.waiting;
    conn.waiting = [];
    for (const p of inflight) p.done({ ok: false, error });
    for (const w of waiting) w.fail(error);
  }
}
