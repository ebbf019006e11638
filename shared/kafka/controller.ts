/**
 * The KRaft controller: the metadata the active controller of the quorum
 * (quorum.ts) owns — broker registrations and fencing, and per partition the
 * leader, leader epoch, ISR and partition epoch. Brokers heartbeat to the
 * active controller every broker.heartbeat.interval.ms; one silent for
 * broker.session.timeout.ms is fenced and its leaderships move to another
 * ISR member. Leaders ask it to change the ISR (AlterPartition); a broker
 * shutting down cleanly asks it to move its leaderships first. Every change
 * is pushed to the brokers. A newly active controller (after a failover, or
 * a restart of a single one) carries on from the same committed metadata and
 * gives every broker a fresh session.
 */
import type { Cluster } from "../engine/context";
import { brokerName, num } from "../engine/context";
import type { Timer } from "../kernel/simulator";
import { formatDuration } from "../scenario/duration";
import { Quorum, type Voter } from "./quorum";

/** How soon an active controller without a majority tries again to commit a broker's fencing. */
const EXPIRY_RETRY_MS = 100;

export interface PartitionState {
  readonly pid: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** -1 when the partition is offline. */
  readonly leader: number;
  readonly leaderEpoch: number;
  /** Bumped on every change, leader or ISR: newer wins. */
  readonly partitionEpoch: number;
  /** Metadata version of the last change. */
  readonly version: number;
}

interface Registration {
  incarnation: number;
  fenced: boolean;
  shuttingDown: boolean;
  expiry: Timer | null;
}

export interface AlterPartitionResult {
  readonly ok: boolean;
  readonly state: PartitionState;
}

export class Controller {
  readonly quorum: Quorum;
  private deferred: (() => void)[] = [];
  /** Heartbeats that arrived while paused, oldest first: they are handled before the rest on resume. */
  private deferredHeartbeats: (() => void)[] = [];
  private readonly registrations = new Map<number, Registration>();
  readonly partitions: PartitionState[] = [];
  /** The metadata version: one more for each change of a partition's state. */
  version = 0;
  /** The version the last push to the brokers brought them to. */
  private pushedVersion = 0;
  elections = 0;
  uncleanElections = 0;

  constructor(
    private readonly cluster: Cluster,
    assignment: readonly (readonly number[])[],
  ) {
    for (let pid = 0; pid < assignment.length; pid++) {
      const replicas = assignment[pid]!;
      this.partitions.push({ pid, replicas, isr: replicas, leader: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0, version: 0 });
    }
    for (let id = 1; id < cluster.brokers.length; id++) this.registrations.set(id, { incarnation: 0, fenced: false, shuttingDown: false, expiry: null });
    this.quorum = new Quorum(cluster, cluster.scenario.cluster.controllers, { elected: () => this.activate(), deposed: () => this.deactivate() });
  }

  /** The active controller's node name (the last active one while the quorum elects): where brokers send. */
  get name(): string {
    return (this.quorum.active ?? this.quorum.last).name;
  }

  /** An active controller is up. */
  get up(): boolean {
    return this.quorum.active?.up === true;
  }

  get paused(): boolean {
    return this.quorum.active?.paused === true;
  }

  /** Every controller node's name. */
  voterNames(): string[] {
    return this.quorum.voters.map((v) => v.name);
  }

  start(): void {
    this.quorum.start();
    this.scheduleLeaderRebalance();
  }

  /** A controller became active: the quorum's metadata is its own, and every live broker gets a fresh session. */
  private activate(): void {
    this.deferred = [];
    this.deferredHeartbeats = [];
    for (const [id, reg] of this.registrations) if (!reg.fenced) this.armExpiry(id);
  }

  private deactivate(): void {
    this.deferred = [];
    this.deferredHeartbeats = [];
    for (const reg of this.registrations.values()) {
      this.cluster.sim.cancel(reg.expiry);
      reg.expiry = null;
    }
  }

  /**
   * CreateTopics: new partitions on the replicas given, led by the first
   * live (unfenced) one, with the live ones in sync; the brokers hear of
   * them as of any metadata change. With no live replica a partition starts
   * offline, and gets a leader when one of its brokers comes back.
   */
  createPartitions(topic: string, pids: readonly number[], assignment: readonly (readonly number[])[]): void {
    const changes: PartitionState[] = [];
    pids.forEach((pid, i) => {
      const replicas = assignment[i]!;
      const live = replicas.filter((id) => this.registrations.has(id) && !this.isFenced(id));
      const state: PartitionState = { pid, replicas, isr: live, leader: live[0] ?? -1, leaderEpoch: 0, partitionEpoch: 0, version: ++this.version };
      this.partitions[pid] = state;
      changes.push(state);
    });
    const { sim, events, partitions } = this.cluster;
    const leaders = changes.map((c) => (c.leader < 0 ? "none" : String(c.leader)));
    if (!partitions[pids[0]!]!.internal)
      events.emit(sim.now, "broker", `topic ${topic} created: ${pids.length} partition(s), replication factor ${assignment[0]?.length ?? 0}; leaders ${leaders.slice(0, 12).join(",")}${leaders.length > 12 ? ",…" : ""}`);
    this.pushAll(changes);
  }

  /** A broker added while running: it registers (fenced) and is unfenced on its first heartbeat. */
  registerBroker(brokerId: number): void {
    this.registrations.set(brokerId, { incarnation: -1, fenced: true, shuttingDown: false, expiry: null });
  }

  /**
   * Partition reassignment (kafka-reassign-partitions): new replicas are
   * added and catch up as followers; once every target replica is in the
   * ISR, the old ones are dropped (leadership moves if the leader is one).
   * Returns why the request is refused, or null.
   */
  reassign(pid: number, target: readonly number[]): string | null {
    const state = this.partitions[pid];
    if (!state) return `no partition ${pid}`;
    if (target.length === 0) return "a partition needs at least one replica";
    if (new Set(target).size !== target.length) return `replicas must be distinct, got [${target.join(",")}]`;
    const unknown = target.find((id) => !this.registrations.has(id));
    if (unknown !== undefined) return `no broker ${unknown}`;
    if (this.reassignments.has(pid)) return `${this.cluster.partitions[pid]!.name} is already being reassigned`;
    const removing = state.replicas.filter((id) => !target.includes(id));
    this.reassignments.set(pid, target);
    const next = this.update(pid, { replicas: [...target, ...removing] });
    this.cluster.events.emit(this.cluster.sim.now, "isr", `${this.cluster.partitions[pid]!.name} reassignment started: replicas [${state.replicas.join(",")}] → [${target.join(",")}]; new replicas catch up first`);
    this.pushAll([next]);
    this.completeReassignment(pid);
    return null;
  }

  private readonly reassignments = new Map<number, readonly number[]>();

  private completeReassignment(pid: number): void {
    const target = this.reassignments.get(pid);
    if (!target) return;
    const state = this.partitions[pid]!;
    if (!target.every((id) => state.isr.includes(id))) return;
    this.reassignments.delete(pid);
    const isr = state.isr.filter((id) => target.includes(id));
    let next: PartitionState;
    if (target.includes(state.leader)) next = this.update(pid, { replicas: target, isr });
    else {
      const leader = target.find((id) => isr.includes(id) && !this.registrations.get(id)!.fenced) ?? -1;
      if (leader >= 0 && !this.cluster.partitions[pid]!.internal) this.elections++;
      next = this.update(pid, { replicas: target, isr, leader, leaderEpoch: state.leaderEpoch + 1 });
    }
    this.cluster.events.emit(this.cluster.sim.now, "isr", `${this.cluster.partitions[pid]!.name} reassignment done: replicas [${target.join(",")}], leader ${next.leader}, ISR {${next.isr.join(",")}}`);
    this.pushAll([next]);
  }

  isFenced(brokerId: number): boolean {
    return this.registrations.get(brokerId)?.fenced ?? true;
  }

  /**
   * A request sent to controller node `to` arrives: run `fn` if `to` is the active controller and
   * can commit (deferred while it is paused), else drop it (the sender's request times out).
   */
  receive(to: string, fn: () => void): void {
    this.arrive(to, fn, this.deferred);
  }

  /** A broker heartbeat arrives: handled now, or first thing after a pause. */
  receiveHeartbeat(to: string, brokerId: number, incarnation: number, metadataVersion: number): void {
    this.arrive(to, () => this.heartbeat(brokerId, incarnation, metadataVersion), this.deferredHeartbeats);
  }

  /** Run `fn` at the active controller `to`, or queue it on `queue` while it is paused; dropped anywhere else. */
  private arrive(to: string, fn: () => void, queue: (() => void)[]): void {
    const active = this.quorum.active;
    if (!active || active.name !== to || !active.up) return;
    if (active.paused) queue.push(fn);
    else if (this.quorum.writable()) fn();
  }

  private voter(name: string): Voter {
    const v = this.quorum.byName(name);
    if (!v) throw new Error(`no controller node ${name}`);
    return v;
  }

  crash(name: string): void {
    this.quorum.crash(this.voter(name));
  }

  /** A clean shutdown: an active controller of a quorum resigns first, so the others elect at once. */
  shutdown(name: string): void {
    this.quorum.shutdown(this.voter(name));
  }

  /** The process starts again; a single controller is active at once, with the quorum's metadata. */
  restart(name: string): void {
    this.quorum.restart(this.voter(name));
  }

  pause(name: string): void {
    this.quorum.pause(this.voter(name));
  }

  /**
   * Heartbeats that waited out the pause in the socket are handled first: since Kafka 4.0 a
   * heartbeat updates the broker's contact time before, and apart from, the controller's other work
   * (KAFKA-17793), so brokers that kept heartbeating are not fenced for the controller's own silence.
   * Then the rest, in arrival order; a session expiry that came due during the pause fences only a
   * broker no heartbeat has renewed since. A voter that thaws to find another active controller
   * drops what it held.
   */
  resume(name: string): void {
    const v = this.voter(name);
    this.quorum.resume(v);
    if (v !== this.quorum.active) return;
    const heartbeats = this.deferredHeartbeats;
    this.deferredHeartbeats = [];
    for (const fn of heartbeats) if (this.quorum.writable()) fn();
    const queued = this.deferred;
    this.deferred = [];
    for (const fn of queued) if (this.quorum.writable()) fn();
  }

  // ---- requests from brokers (called on arrival) ----

  heartbeat(brokerId: number, incarnation: number, metadataVersion: number): void {
    const reg = this.registrations.get(brokerId)!;
    const { sim } = this.cluster;
    if (incarnation !== reg.incarnation) {
      // a restarted process registers anew: its old registration is fenced first,
      // so leadership moves off a broker whose log may have lost its tail
      if (!reg.fenced && reg.incarnation >= 0) this.fence(brokerId, `${brokerName(brokerId)} restarted and registered again: its previous registration is fenced`);
      reg.incarnation = incarnation;
      reg.shuttingDown = false;
    }
    this.armExpiry(brokerId);
    if (reg.fenced && !reg.shuttingDown) {
      reg.fenced = false;
      this.cluster.events.emit(sim.now, "broker", `${brokerName(brokerId)} registered with the controller and was unfenced`);
      this.electOfflinePartitions(brokerId);
    }
    // a broker that just started (version -1) gets everything; others what changed since their version
    if (metadataVersion < this.version || metadataVersion < 0) this.pushTo(brokerId, this.partitions.filter((p) => p.version > metadataVersion), metadataVersion);
  }

  alterPartition(leaderId: number, pid: number, leaderEpoch: number, partitionEpoch: number, proposedIsr: readonly number[]): AlterPartitionResult {
    const state = this.partitions[pid]!;
    if (state.leader !== leaderId || state.leaderEpoch !== leaderEpoch || state.partitionEpoch !== partitionEpoch) return { ok: false, state };
    // a fenced or stopping broker cannot join the ISR (INELIGIBLE_REPLICA)
    const isr = proposedIsr.filter((id) => state.isr.includes(id) || !this.registrations.get(id)!.fenced);
    const next = this.update(pid, { isr });
    const name = this.cluster.partitions[pid]!.name;
    const removed = state.isr.filter((id) => !isr.includes(id));
    const added = isr.filter((id) => !state.isr.includes(id));
    if (!this.cluster.partitions[pid]!.internal) {
      const what = removed.length > 0 ? `shrank (broker ${removed.join(",")} fell more than replica.lag.time.max.ms = ${formatDuration(num(this.cluster.brokerConfig["replica.lag.time.max.ms"]))} behind)` : `expanded (broker ${added.join(",")} caught up)`;
      this.cluster.events.emit(this.cluster.sim.now, "isr", `${name} ISR ${what}: {${state.isr.join(",")}} → {${isr.join(",")}}`);
    }
    this.pushAll([next]);
    this.completeReassignment(pid);
    return { ok: true, state: this.partitions[pid]! };
  }

  /** Controlled shutdown: move leaderships away and leave the ISRs, then let the broker stop. */
  controlledShutdown(brokerId: number): void {
    const reg = this.registrations.get(brokerId)!;
    if (reg.shuttingDown) return; // asked again (an answer was lost): its leaderships have moved already
    reg.shuttingDown = true;
    reg.fenced = true;
    this.cluster.sim.cancel(reg.expiry);
    const changes = this.moveAway(brokerId);
    this.report(`${brokerName(brokerId)} shut down cleanly (controlled shutdown moved its leaderships first)`, changes, "broker");
    this.pushAll(changes);
  }

  // ---- internals ----

  private armExpiry(brokerId: number): void {
    const reg = this.registrations.get(brokerId)!;
    const { sim, brokerConfig } = this.cluster;
    sim.cancel(reg.expiry);
    reg.expiry = sim.schedule(num(brokerConfig["broker.session.timeout.ms"]), () => this.expire(brokerId));
  }

  /** A broker's session ran out: fence it, once the controller can write that down. */
  private expire(brokerId: number): void {
    const reg = this.registrations.get(brokerId)!;
    reg.expiry = null;
    if (!this.up) return;
    if (this.paused) {
      this.deferred.push(() => {
        if (reg.expiry === null) this.fence(brokerId);
      });
      return;
    }
    // an active controller cut off from the quorum's majority cannot commit the fencing: it tries again until it can, or resigns
    if (!this.quorum.writable()) {
      reg.expiry = this.cluster.sim.schedule(EXPIRY_RETRY_MS, () => this.expire(brokerId));
      return;
    }
    this.fence(brokerId);
  }

  private fence(brokerId: number, reason?: string): void {
    const reg = this.registrations.get(brokerId)!;
    if (reg.fenced) return;
    reg.fenced = true;
    const changes = this.moveAway(brokerId);
    const timeout = formatDuration(num(this.cluster.brokerConfig["broker.session.timeout.ms"]));
    this.report(reason ?? `${brokerName(brokerId)} fenced (no heartbeat for broker.session.timeout.ms = ${timeout})`, changes, "fenced");
    this.pushAll(changes);
  }

  /** The broker epoch (process incarnation) the controller knows a broker by. */
  brokerEpoch(brokerId: number): number {
    return this.registrations.get(brokerId)?.incarnation ?? -1;
  }

  /** Leaders on `brokerId` move to another eligible replica; it leaves every ISR it is not the last of. */
  private moveAway(brokerId: number): PartitionState[] {
    const changes: PartitionState[] = [];
    for (const state of this.partitions) {
      if (!state.replicas.includes(brokerId)) continue;
      const isr = state.isr.length > 1 ? state.isr.filter((id) => id !== brokerId) : state.isr;
      if (state.leader === brokerId) {
        changes.push(this.elect(state, isr, brokerId));
      } else if (isr !== state.isr) {
        changes.push(this.update(state.pid, { isr }));
      }
    }
    return changes;
  }

  private elect(state: PartitionState, isr: readonly number[], excluded: number): PartitionState {
    const eligible = (id: number) => id !== excluded && !this.registrations.get(id)!.fenced;
    const clean = state.replicas.find((id) => isr.includes(id) && eligible(id));
    const counted = this.cluster.partitions[state.pid]!.internal ? 0 : 1;
    if (clean !== undefined) {
      this.elections += counted;
      return this.update(state.pid, { isr, leader: clean, leaderEpoch: state.leaderEpoch + 1 });
    }
    const topic = this.cluster.topics.get(this.cluster.partitions[state.pid]!.topic)!;
    if (topic.config["unclean.leader.election.enable"] === true) {
      const unclean = state.replicas.find(eligible);
      if (unclean !== undefined) {
        this.elections += counted;
        this.uncleanElections += counted;
        return this.update(state.pid, { isr: [unclean], leader: unclean, leaderEpoch: state.leaderEpoch + 1 });
      }
    }
    return this.update(state.pid, { isr, leader: -1, leaderEpoch: state.leaderEpoch + 1 });
  }

  /** A broker came back: partitions left without a leader may elect it. */
  private electOfflinePartitions(brokerId: number): void {
    const changes: PartitionState[] = [];
    for (const state of this.partitions) {
      // __consumer_offsets carries no modelled data: a returning replica is in sync at once
      if (this.cluster.partitions[state.pid]!.internal && state.replicas.includes(brokerId) && !state.isr.includes(brokerId) && state.leader !== -1) {
        changes.push(this.update(state.pid, { isr: [...state.isr, brokerId] }));
        continue;
      }
      if (state.leader !== -1 || !state.replicas.includes(brokerId)) continue;
      const next = this.elect(state, state.isr, -1);
      if (next.leader !== -1) changes.push(next);
    }
    if (changes.length > 0) this.report(`${brokerName(brokerId)} is back`, changes, "election");
    this.pushAll(changes);
  }

  /** auto.leader.rebalance.enable: move leadership back to preferred replicas now and then. */
  private scheduleLeaderRebalance(): void {
    const { sim, brokerConfig } = this.cluster;
    if (brokerConfig["auto.leader.rebalance.enable"] !== true) return;
    const interval = num(brokerConfig["leader.imbalance.check.interval.seconds"]) * 1000;
    sim.schedule(interval, () => {
      if (this.quorum.writable()) this.rebalanceLeaders();
      this.scheduleLeaderRebalance();
    });
  }

  private rebalanceLeaders(): void {
    const threshold = num(this.cluster.brokerConfig["leader.imbalance.per.broker.percentage"]) / 100;
    const preferred = new Map<number, { total: number; notLeading: number }>();
    for (const state of this.partitions) {
      const id = state.replicas[0]!;
      const entry = preferred.get(id) ?? { total: 0, notLeading: 0 };
      entry.total++;
      if (state.leader !== id) entry.notLeading++;
      preferred.set(id, entry);
    }
    const changes: PartitionState[] = [];
    for (const state of this.partitions) {
      const id = state.replicas[0]!;
      const entry = preferred.get(id)!;
      if (state.leader === id || entry.notLeading / entry.total <= threshold) continue;
      if (!state.isr.includes(id) || this.registrations.get(id)!.fenced) continue;
      changes.push(this.update(state.pid, { leader: id, leaderEpoch: state.leaderEpoch + 1 }));
      if (!this.cluster.partitions[state.pid]!.internal) this.elections++;
    }
    if (changes.length > 0) this.report("preferred leader election (auto.leader.rebalance.enable)", changes, "election");
    this.pushAll(changes);
  }

  /** Each changed partition's state before the change now being reported. */
  private readonly before = new Map<number, PartitionState>();

  private update(pid: number, change: Partial<Pick<PartitionState, "isr" | "leader" | "leaderEpoch" | "replicas">>): PartitionState {
    const prev = this.partitions[pid]!;
    if (!this.before.has(pid)) this.before.set(pid, prev);
    const next: PartitionState = { ...prev, ...change, partitionEpoch: prev.partitionEpoch + 1, version: ++this.version };
    this.partitions[pid] = next;
    return next;
  }

  /**
   * Tell every broker what changed since the last push. A push says which version it starts from:
   * a broker that missed an earlier one (lost on a cut link) applies it but keeps its old version,
   * so its next heartbeat brings it everything it missed (KRaft brokers read the metadata log in
   * order; they never skip a record).
   */
  private pushAll(changes: PartitionState[]): void {
    this.before.clear();
    if (changes.length === 0) return;
    const since = this.pushedVersion;
    this.pushedVersion = this.version;
    // `changes` is usually exactly what happened since the last push; if not, send what did
    const delta = changes.length === this.version - since && changes.every((c) => c.version > since && this.partitions[c.pid] === c) ? changes : this.partitions.filter((p) => p.version > since);
    for (let id = 1; id < this.cluster.brokers.length; id++) this.pushTo(id, delta, since);
  }

  /** Send broker `brokerId` the partition states that changed after version `since`. */
  private pushTo(brokerId: number, changes: PartitionState[], since: number): void {
    const broker = this.cluster.brokers[brokerId]!;
    const version = this.version;
    this.cluster.net.sendOnConnection(this.name, broker.name, 100 + 40 * changes.length, () => broker.receive(() => broker.applyMetadata(changes, version, since)));
  }

  private report(headline: string, changes: PartitionState[], kind: "fenced" | "election" | "broker"): void {
    const { sim, events, partitions } = this.cluster;
    const visible = changes.filter((c) => !partitions[c.pid]!.internal);
    const lines = visible.slice(0, 6).map((next) => {
      const prev = this.previous(next);
      const leader = prev.leader !== next.leader ? `leader ${prev.leader < 0 ? "none" : prev.leader}→${next.leader < 0 ? "none (offline)" : next.leader}, epoch ${prev.leaderEpoch}→${next.leaderEpoch}` : `leader ${next.leader}`;
      const unclean = next.leader >= 0 && !prev.isr.includes(next.leader) ? " (UNCLEAN: not in the ISR)" : "";
      const isr = prev.isr.join(",") === next.isr.join(",") ? `ISR {${next.isr.join(",")}}` : `ISR {${prev.isr.join(",")}}→{${next.isr.join(",")}}`;
      return `${partitions[next.pid]!.name} ${leader}${unclean}; ${isr}`;
    });
    const more = visible.length > 6 ? `; and ${visible.length - 6} more partitions` : "";
    events.emit(sim.now, kind, lines.length > 0 ? `${headline} → ${lines.join("; ")}${more}` : headline);
  }

  /** The state before `next` (kept for the event log's "2→3"). */
  private previous(next: PartitionState): PartitionState {
    return this.before.get(next.pid) ?? next;
  }
}
