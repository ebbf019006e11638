/**
 * A client's connections to brokers (producers, consumers, and brokers'
 * replica fetchers all use it). It models what a Kafka client sees of TCP:
 * - opening a connection takes a round trip; a dead process answers with a
 *   reset (fast "connection refused"), a dead host or a cut link does not
 *   answer, so the client waits socket.connection.setup.timeout.ms;
 * - a paused (GC) broker still accepts connections, but answers nothing;
 * - when a broker's process dies, its open connections are reset; a reset
 *   lost on a cut link leaves the client's side open, and the client learns
 *   only when it next sends on it: the host (if it is up) answers with a reset;
 * - a request with no response in request.timeout.ms fails, and the client
 *   drops the connection (failing its other in-flight requests too).
 * Timeouts are swept per connection (requests on one connection time out in
 * the order they were sent), so a busy connection costs no timer per request.
 */
import type { Cluster } from "../engine/context";
import { entityRng, num } from "../engine/context";
import type { ConfigValue } from "./config";
import type { Rng } from "../kernel/rng";
import { exponentialBackoff } from "./backoff";
import type { Broker } from "./broker";
import { StreamOrder, type Link } from "./network";
import { KafkaError } from "./errors";
import type { Timer } from "../kernel/simulator";

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: number };

type Serve = (broker: Broker, reply: (bytes: number, value: unknown, readyAt?: number) => void) => void;

const answered: Serve = () => {};
const forgotten = (): void => {};

/**
 * One request and its response: what is in flight, and the events that carry
 * it. Once done it lets go of what it carried: an exchange that outlived a
 * young-generation GC sits in old space until the next full GC, and anything
 * it still pointed to would be kept (and promoted) with it.
 */
class Exchange {
  answered = false;
  value: unknown = undefined;
  /** The response's size (a response held on a cut link is sent again with it). */
  replyBytes = 0;
  /** The broker process the connection was opened to: a restarted one knows nothing of it. */
  readonly brokerIncarnation: number;
  /** The two directions of the connection as it was when the request was sent. */
  readonly outOrder: StreamOrder;
  readonly backOrder: StreamOrder;
  /** The broker's answer, handed to serve(). */
  readonly reply: (bytes: number, value: unknown, readyAt?: number) => void;

  constructor(
    readonly client: RpcClient,
    readonly conn: Connection,
    readonly generation: number,
    readonly broker: Broker,
    readonly deadline: number,
    public serve: Serve,
    public done: (result: RpcResult<unknown>) => void,
    readonly requestBytes: number,
  ) {
    this.brokerIncarnation = conn.brokerIncarnation;
    this.outOrder = conn.outOrder;
    this.backOrder = conn.backOrder;
    this.reply = (bytes, value, readyAt = 0) => {
      if (this.answered) return;
      this.answered = true;
      this.value = value;
      this.replyBytes = bytes;
      this.client.cluster.net.stream(this.conn.back!, this.backOrder, bytes, this.broker.egress(bytes, readyAt), atClient, this, gone);
    };
  }
}

/**
 * The exchange's connection no longer exists: the client reset it (after a request timeout, or a
 * reset from the broker), or the broker process it was opened to died. What the client's socket had
 * not delivered by then is dropped (a simplification: a kernel may go on retransmitting a closed
 * socket's data for a while). A client process that dies does not take back what it had sent: its
 * kernel still delivers it, and only the answers find nobody.
 */
function gone(ex: Exchange): boolean {
  return ex.conn.generation !== ex.generation || ex.broker.incarnation !== ex.brokerIncarnation;
}

/** The client closed the connection (its socket sends nothing more). */
function closedByClient(ex: Exchange): boolean {
  return ex.conn.generation !== ex.generation;
}

/** The request reaches the broker. */
function atBroker(ex: Exchange): void {
  const client = ex.client;
  if (!client.cluster.net.streamArrived(ex.conn.out!, ex.outOrder, atBroker, ex, ex.requestBytes, closedByClient)) return;
  // the client closed the connection while the request was still in its socket (a retransmission
  // due after a request timeout is never sent)
  if (closedByClient(ex)) return;
  const broker = ex.broker;
  if (broker.incarnation !== ex.brokerIncarnation || !broker.processUp) {
    // the process the connection was opened to is gone; its reset was lost (a cut link), or is
    // still on its way: the host's kernel answers the data with a reset
    client.refused(ex.conn, ex.generation);
    return;
  }
  if (broker.running) ex.serve(broker, ex.reply);
  else broker.receive(() => ex.serve(broker, ex.reply));
}

/** The response reaches the client. */
function atClient(ex: Exchange): void {
  if (!ex.client.cluster.net.streamArrived(ex.conn.back!, ex.backOrder, atClient, ex, ex.replyBytes, gone)) return;
  const conn = ex.conn;
  if (conn.generation !== ex.generation || ex.client.isClosed) return;
  if (!conn.settle(ex)) return;
  const { value, done } = ex;
  release(ex);
  done({ ok: true, value });
}

function release(ex: Exchange): void {
  ex.value = undefined;
  ex.serve = answered;
  ex.done = forgotten;
}

interface Waiting {
  readonly send: () => void;
  readonly fail: (error: number) => void;
}

class Connection {
  state: "idle" | "connecting" | "ready" = "idle";
  generation = 0;
  /** Requests sent and not answered, oldest first (a handful: max.in.flight.requests.per.connection). */
  inflight: Exchange[] = [];
  waiting: Waiting[] = [];
  sweep: Timer | null = null;
  /** When the armed sweep fires. */
  sweepAt = 0;
  connectTimer: Timer | null = null;
  unregister: (() => void) | null = null;
  retryAt = 0;
  /** Connections lost or refused since one last opened (ClusterConnectionStates.failedAttempts). */
  failures = 0;
  /** Setups that timed out since one last opened (failedConnectAttempts). */
  setupTimeouts = 0;
  /** The two links this connection uses, looked up once. */
  out: Link | null = null;
  back: Link | null = null;
  /** The broker process that accepted the connection (Broker.incarnation). */
  brokerIncarnation = -1;
  /** In-order delivery of this connection's two directions (new ones for each new connection). */
  outOrder = new StreamOrder();
  backOrder = new StreamOrder();
  constructor(readonly brokerId: number) {}

  /** Take `ex` off the in-flight list; false if it is not there (answered, timed out or reset). */
  settle(ex: Exchange): boolean {
    const list = this.inflight;
    const i = list.indexOf(ex);
    if (i < 0) return false;
    // shift down in place: no new array per response
    for (let k = i + 1; k < list.length; k++) list[k - 1] = list[k]!;
    list.pop();
    return true;
  }
}

export interface RpcOptions {
  requestTimeoutMs: number;
  /** socket.connection.setup.timeout.ms and its .max.ms: the setup timeout doubles after each that ran out. */
  connectTimeoutMs: number;
  connectTimeoutMaxMs: number;
  /** reconnect.backoff.ms and its .max.ms: the wait doubles after each failure in a row. */
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  /** Called after a connection is lost (Kafka's clients then refresh their metadata). */
  onDisconnect?: () => void;
}

/** A client's connection settings from its config (the connection keys of kafka/config.ts). */
export function connectionOptions(config: Record<string, ConfigValue>): Omit<RpcOptions, "requestTimeoutMs" | "onDisconnect"> {
  return {
    connectTimeoutMs: num(config["socket.connection.setup.timeout.ms"]),
    connectTimeoutMaxMs: num(config["socket.connection.setup.timeout.max.ms"]),
    reconnectBackoffMs: num(config["reconnect.backoff.ms"]),
    reconnectBackoffMaxMs: num(config["reconnect.backoff.max.ms"]),
  };
}

export class RpcClient {
  private readonly conns = new Map<number, Connection>();
  private closed = false;
  /** Jitter of reconnect back-offs and setup timeouts. */
  private readonly rng: Rng;

  constructor(
    readonly cluster: Cluster,
    readonly node: string,
    readonly options: RpcOptions,
  ) {
    this.rng = entityRng(cluster, `connections:${node}`);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Requests sent and not answered, plus those queued while the connection opens. */
  inFlight(brokerId: number): number {
    const conn = this.conns.get(brokerId);
    return conn ? conn.inflight.length + conn.waiting.length : 0;
  }

  /**
   * Kafka's NetworkClient.leastLoadedNode over `ids`, starting at `ids[start]`: a broker with an open
   * connection and the fewest requests in flight, else one being connected to, else one it may connect
   * to now (not backing off); -1 if none.
   */
  leastLoaded(ids: readonly number[], start: number): number {
    let ready = -1;
    let fewest = Infinity;
    let connecting = -1;
    let canConnect = -1;
    const now = this.cluster.sim.now;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(start + k) % ids.length]!;
      const conn = this.conns.get(id);
      if (conn?.state === "ready") {
        const load = conn.inflight.length + conn.waiting.length;
        if (load === 0) return id;
        if (load < fewest) {
          fewest = load;
          ready = id;
        }
      } else if (conn?.state === "connecting") {
        if (connecting < 0) connecting = id;
      } else if (canConnect < 0 && (!conn || conn.retryAt <= now)) canConnect = id;
    }
    return ready >= 0 ? ready : connecting >= 0 ? connecting : canConnect;
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
  call<T>(brokerId: number, bytes: number, serve: (broker: Broker, reply: (bytes: number, value: T, readyAt?: number) => void) => void, done: (result: RpcResult<T>) => void, timeoutMs = this.options.requestTimeoutMs): void {
    if (this.closed) return;
    const conn = this.connection(brokerId);
    if (conn.state === "ready") {
      this.transmit(conn, bytes, serve as Serve, done as (r: RpcResult<unknown>) => void, timeoutMs);
      return;
    }
    conn.waiting.push({ send: () => this.transmit(conn, bytes, serve as Serve, done as (r: RpcResult<unknown>) => void, timeoutMs), fail: (error) => done({ ok: false, error }) });
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

  /**
   * Fire and forget (acks=0): no response is expected, so nothing can time out. `serve` gets a
   * `close` the broker calls to close the connection (Kafka's answer to an acks=0 request that failed).
   */
  cast(brokerId: number, bytes: number, serve: (broker: Broker, close: () => void) => void, onWire?: (arrivesAt: number | null) => void): void {
    if (this.closed) return;
    const conn = this.connection(brokerId);
    const { net, brokers } = this.cluster;
    const broker = brokers[brokerId]!;
    const send = () => {
      const incarnation = conn.brokerIncarnation;
      const generation = conn.generation;
      const link = net.link(this.node, broker.name);
      const order = conn.outOrder;
      const dead = (): boolean => conn.generation !== generation;
      const arrive = (): void => {
        if (!net.streamArrived(link, order, arrive, undefined, bytes, dead)) return;
        if (dead()) return;
        if (broker.incarnation !== incarnation || !broker.processUp) this.refused(conn, generation);
        else broker.receive(() => serve(broker, close));
      };
      const close = (): void => {
        net.send(broker.name, this.node, 64, () => {
          if (conn.generation === generation && !this.closed) this.reset(conn, KafkaError.NETWORK_EXCEPTION);
        });
      };
      onWire?.(net.stream(link, order, bytes, 0, arrive, undefined, dead));
    };
    if (conn.state === "ready") send();
    else {
      conn.waiting.push({ send, fail: () => onWire?.(null) });
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
      conn.inflight = [];
      conn.waiting = [];
    }
    this.conns.clear();
  }

  /**
   * Kafka's NetworkClient.ready(): true when the connection to `brokerId` is open; otherwise it
   * starts opening one (unless backing off after a failure) and says false.
   */
  ready(brokerId: number): boolean {
    if (this.closed) return false;
    const conn = this.connection(brokerId);
    if (conn.state === "ready") return true;
    if (conn.state === "idle" && conn.retryAt <= this.cluster.sim.now) this.connect(conn);
    return false;
  }

  /**
   * Data on connection `conn` (of `generation`) reached a host with no process for it: unless the
   * host is down too, its kernel answers with a reset, and the client drops the connection when that
   * arrives (lost on a cut link: then the request timeout decides).
   */
  refused(conn: Connection, generation: number): void {
    const broker = this.cluster.brokers[conn.brokerId]!;
    if (!broker.hostUp) return;
    this.cluster.net.send(broker.name, this.node, 64, () => {
      if (conn.generation === generation && !this.closed) this.reset(conn, KafkaError.NETWORK_EXCEPTION);
    });
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
    conn.outOrder = new StreamOrder();
    conn.backOrder = new StreamOrder();
    const broker = brokers[conn.brokerId]!;
    const stale = () => conn.generation !== generation || this.closed;
    const { connectTimeoutMs, connectTimeoutMaxMs } = this.options;
    conn.connectTimer = sim.schedule(exponentialBackoff(connectTimeoutMs, connectTimeoutMaxMs, conn.setupTimeouts, this.rng.float()), () => {
      if (stale()) return;
      conn.setupTimeouts++;
      this.reset(conn, KafkaError.NETWORK_EXCEPTION);
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
      const incarnation = broker.incarnation;
      net.send(broker.name, this.node, 64, () => {
        if (stale() || conn.state !== "connecting") return;
        sim.cancel(conn.connectTimer);
        if (!accepted) {
          this.reset(conn, KafkaError.NETWORK_EXCEPTION);
          return;
        }
        conn.state = "ready";
        conn.brokerIncarnation = incarnation;
        conn.failures = 0;
        conn.setupTimeouts = 0;
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

  private transmit(conn: Connection, bytes: number, serve: Serve, done: (r: RpcResult<unknown>) => void, timeoutMs: number): void {
    const { sim, net, brokers } = this.cluster;
    const broker = brokers[conn.brokerId]!;
    const ex = new Exchange(this, conn, conn.generation, broker, sim.now + timeoutMs, serve, done, bytes);
    conn.inflight.push(ex);
    // requests mostly share one timeout, so deadlines come in order; a shorter one after a longer one re-arms
    if (!conn.sweep) this.armSweep(conn, ex.deadline);
    else if (ex.deadline < conn.sweepAt) {
      sim.cancel(conn.sweep);
      this.armSweep(conn, ex.deadline);
    }
    conn.out ??= net.link(this.node, broker.name);
    conn.back ??= net.link(broker.name, this.node);
    net.stream(conn.out, ex.outOrder, bytes, 0, atBroker, ex, gone);
  }

  private armSweep(conn: Connection, at: number): void {
    conn.sweepAt = at;
    conn.sweep = this.cluster.sim.at(at, () => {
      conn.sweep = null;
      const now = this.cluster.sim.now;
      let next = Infinity;
      for (const p of conn.inflight) {
        if (p.deadline > now) {
          if (p.deadline < next) next = p.deadline;
          continue;
        }
        // Kafka drops the connection on a request timeout (NetworkClient.handleTimedOutRequests)
        conn.settle(p);
        p.done({ ok: false, error: KafkaError.REQUEST_TIMED_OUT });
        this.reset(conn, KafkaError.NETWORK_EXCEPTION);
        return;
      }
      if (next < Infinity) this.armSweep(conn, next);
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
    const { reconnectBackoffMs, reconnectBackoffMaxMs } = this.options;
    conn.retryAt = sim.now + exponentialBackoff(reconnectBackoffMs, reconnectBackoffMaxMs, conn.failures++, this.rng.float());
    const inflight = conn.inflight;
    conn.inflight = [];
    const waiting = conn.waiting;
    conn.waiting = [];
    for (const p of inflight) p.done({ ok: false, error });
    for (const w of waiting) w.fail(error);
    // NetworkClient.handleServerDisconnect: a lost connection asks for a metadata refresh
    this.options.onDisconnect?.();
  }
}
