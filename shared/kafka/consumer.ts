/**
 * A consumer, member of a group (classic protocol), and the application
 * loop behind it: poll() returns up to max.poll.records records, the
 * application spends processingMsPerRecord on each and hands them to the
 * sink. Fetches run ahead of processing (bounded), from each partition's
 * leader, up to its high watermark. Offsets are committed automatically
 * every auto.commit.interval.ms (enable.auto.commit) or after each processed
 * poll; on a rebalance the eager protocol revokes everything first, the
 * cooperative one only what moves. Records processed but not yet committed
 * when a member dies are delivered again to the next owner.
 */
import type { Cluster } from "../engine/context";
import { brokerName, num } from "../engine/context";
import { byDurationMs, consumerConfig, resolveConfig, type ConfigValue } from "./config";
import { RpcClient, connectionOptions } from "./rpc";
import { KafkaError, errorName } from "./errors";
import { assign, assignorOf, type AssignorName, type TopicPartition } from "./assignors";
import type { ConsumerGroupSpec } from "../scenario/schema";
import type { Group, JoinResponse, SyncResponse } from "./coordinator";
import type { ConsumerFetchEntry, ConsumerFetchLimits, ConsumerFetchResult, EpochEndOffset } from "./broker";
import { LeaderView } from "./metadata";
import type { Timer } from "../kernel/simulator";
import type { Sink } from "../pipeline/sink";

interface Buffered {
  readonly pid: number;
  readonly batchId: number;
  /** The offset after this piece's last record. */
  readonly endOffset: number;
  /** Records of the batch before this piece (a poll that stopped at max.poll.records took them). */
  readonly from: number;
  readonly count: number;
  /** The batch's leader epoch: a commit carries the epoch of the last record processed (KIP-320). */
  readonly epoch: number;
}

export function parseAssignors(value: string): AssignorName[] {
  const names = value
    .split(",")
    .map((item) => assignorOf(item))
    .filter((s): s is AssignorName => s !== undefined);
  return names.length > 0 ? names : ["range"];
}

export class Consumer {
  config: Record<string, ConfigValue>;
  /** The checker's number for this member's group. */
  private readonly reader: number;
  up = true;
  private rpc: RpcClient;
  private generationId = -1;
  private memberId: string | null = null;
  private coordinatorId = -1;
  private phase: "idle" | "finding" | "joining" | "syncing" | "stable" = "idle";
  private protocol: AssignorName = "range";
  /** Owned partitions (pid) and the next offset to fetch. */
  private readonly positions = new Map<number, number>();
  /** Offset after the last record processed, per owned partition: what a commit writes. */
  private readonly processed = new Map<number, number>();
  /**
   * KIP-320, per pid: the leader epoch of the last record fetched (the position's epoch) and of
   * the last processed (what a commit carries); -1 when unknown (a reset position).
   */
  private readonly positionEpoch: number[] = [];
  private readonly processedEpoch: number[] = [];
  /** Per subscribed partition (leader view index): the leader epoch the position was validated against (-1: not yet). */
  private validatedEpoch: Int32Array;
  /** Per subscribed partition: the leader epoch an OffsetsForLeaderEpoch request is in flight for (-1: none). */
  private validatingEpoch: Int32Array;
  /**
   * Rebalance steps waiting for the application's next poll(): Kafka runs a rebalance (revoking,
   * committing, joining, taking a new assignment) inside poll(), so a poll being processed ends first.
   */
  private atNextPoll: (() => void)[] = [];
  /** The last assignment taken, and its generation: what the sticky assignors' subscription user data carries. */
  private lastAssigned: TopicPartition[] = [];
  private lastAssignedGeneration: number | undefined = undefined;
  private rebalanceQueued = false;
  /** Batches of the poll being processed that a truncation made stale: they must not move `processed`. */
  private staleTaken: Set<Buffered> | null = null;
  /** Partitions not fetched: the application got an exception (auto.offset.reset = none), or a reset waits for a leader. */
  private readonly stopped = new Set<number>();
  /** Positions waiting for a leader to answer auto.offset.reset = latest. */
  private readonly awaitingReset = new Set<number>();
  private buffer: Buffered[] = [];
  private bufferedRecords = 0;
  /** Per broker id: a fetch to it is in flight. */
  private readonly fetching: boolean[] = [];
  /** fetchAll's scratch, reused so that a call that sends nothing allocates nothing: the entries for each leader, by broker id. */
  private readonly fetchEntries: (ConsumerFetchEntry[] | undefined)[] = [];
  /** fetchLimits(), built once per config. */
  private limits: ConsumerFetchLimits | null = null;
  private processingUntil = -1;
  /** Polls started: a max.poll.interval.ms deadline concerns only the poll it was set for. */
  private pollNo = 0;
  private pollTimer: Timer | null = null;
  /** The poll being processed: its batches, records, start, and the incarnation it began in. */
  private taken: readonly Buffered[] = NOTHING_TAKEN;
  private takenRecords = 0;
  private pollStartedAt = 0;
  private pollIncarnation = 0;
  /** The poll whose max.poll.interval.ms deadline is already set. */
  private overrunPoll = -1;
  /** The coordinator was lost while the member was stable: once found again, it goes on as a member. */
  private stableWhenFound = false;
  /** Active stall and pause faults: the application thread is blocked, no poll() starts and no fetch is sent. */
  private blocked = 0;
  /** Active pause faults: the whole process is frozen, the heartbeat thread too. */
  private frozen = 0;
  /** A poll's end that came while blocked: it runs once the application thread is free. */
  private finishDeferred = false;
  /** An auto-commit fell due while blocked (the classic consumer commits from poll()). */
  private autoCommitDue = false;
  /** max.poll.inter.ms ran out while frozen: the heartbeat thread leaves the group once it runs again. */
  private leaveOnThaw: (() => void) | null = null;
  private incarnation = 0;
  private readonly leaders: LeaderView;
  private readonly topicOfPid = new Map<number, TopicPartition>();
  private readonly pidOf = new Map<string, number>();
  /** Per pid: its index in the subscribed partitions (the leader view's order). */
  private readonly indexOfPid: number[] = [];
  readonly errors = new Map<number, number>();
  /** Polls fully processed, and their records (what this member handed to the sink). */
  polls = 0;
  processedRecords = 0;
  /** Positions reset by auto.offset.reset after OFFSET_OUT_OF_RANGE. */
  offsetResets = 0;
  /** Log truncations found by validating the position after a leader change (KIP-320). */
  truncationsDetected = 0;

  constructor(
    private readonly cluster: Cluster,
    readonly name: string,
    readonly spec: ConsumerGroupSpec,
    private readonly group: Group,
    /** Where the application writes what it processed, from the sink's start (null: processing is the last step). */
    private sink: Sink | null = null,
  ) {
    this.config = resolveConfig(consumerConfig, spec.config);
    this.reader = cluster.instruments.reader(spec.id);
    const pids: number[] = [];
    for (const topic of spec.topics) {
      const ref = cluster.topics.get(topic)!;
      ref.pids.forEach((pid, partition) => {
        this.indexOfPid[pid] = pids.length;
        pids.push(pid);
        this.topicOfPid.set(pid, { topic, partition });
        this.pidOf.set(`${topic}:${partition}`, pid);
      });
    }
    this.leaders = new LeaderView(cluster, () => this.rpc, pids, () => num(this.config["retry.backoff.ms"]), () => this.fetchAll());
    this.validatedEpoch = new Int32Array(pids.length).fill(-1);
    this.validatingEpoch = new Int32Array(pids.length).fill(-1);
    this.rpc = this.newRpc();
  }

  /** A sink added while running: this member writes there from its start. */
  attachSink(sink: Sink): void {
    this.sink = sink;
  }

  private newRpc(): RpcClient {
    return new RpcClient(this.cluster, this.name, { requestTimeoutMs: num(this.config["request.timeout.ms"]), ...connectionOptions(this.config) });
  }

  private get cooperative(): boolean {
    return this.protocol === "cooperative-sticky";
  }

  /** Records fetched but not processed yet, plus partitions owned (for displays). */
  get ownedPartitions(): number[] {
    // in partition order (the positions rotate: a partition that returned records moves to the end)
    return [...this.positions.keys()].sort((a, b) => a - b);
  }

  start(): void {
    this.leaders.refresh();
    this.findCoordinator();
    const heartbeat = num(this.config["heartbeat.interval.ms"]);
    const incarnation = this.incarnation;
    const beat = () => {
      if (!this.up || incarnation !== this.incarnation) return;
      // a frozen process sends nothing: the coordinator hears from it again once it thaws
      if (this.frozen === 0) this.heartbeat();
      this.cluster.sim.schedule(heartbeat, beat);
    };
    this.cluster.sim.schedule(heartbeat, beat);
    if (this.config["enable.auto.commit"] === true) {
      const interval = num(this.config["auto.commit.interval.ms"]);
      const tick = () => {
        if (!this.up || incarnation !== this.incarnation) return;
        if (this.blocked > 0) this.autoCommitDue = true;
        else this.commit();
        this.cluster.sim.schedule(interval, tick);
      };
      this.cluster.sim.schedule(interval, tick);
    }
  }

  crash(): void {
    if (!this.up) return;
    this.stop();
    this.cluster.events.emit(this.cluster.sim.now, "consumer", `${this.name} crashed: the group notices only after session.timeout.ms = ${num(this.config["session.timeout.ms"]) / 1000} s`);
  }

  /**
   * A clean shutdown, as KafkaConsumer.close(): with auto-commit it commits what it processed, then
   * sends LeaveGroup, so the group rebalances at once instead of after session.timeout.ms.
   */
  close(): void {
    if (!this.up) return;
    if (this.config["enable.auto.commit"] === true) this.commit();
    const memberId = this.memberId;
    const rpc = this.rpc;
    if (memberId && this.coordinatorId > 0) {
      // close() waits for the LeaveGroup answer (or its timeout) before it closes the connections, so
      // the commit above and the LeaveGroup reach the coordinator even though the consumer stops now
      const offsetsPid = this.coordinatorPid();
      rpc.call<number>(
        this.coordinatorId,
        40,
        (broker, reply) => {
          if (broker.leadsOffsetsPartition(offsetsPid)) this.group.leave(memberId, "LeaveGroup on a clean shutdown");
          reply(40, 0);
        },
        () => rpc.close(),
      );
      this.stop(false);
    } else this.stop();
    this.cluster.events.emit(this.cluster.sim.now, "consumer", `${this.name} shut down cleanly: ${memberId ? "it committed what it had processed and left the group, which rebalances at once" : "it was in no group"}`);
  }

  /** Stop consuming; `closeRpc` false leaves the connections to the caller (a clean close finishing its requests). */
  private stop(closeRpc = true): void {
    this.up = false;
    this.incarnation++;
    if (closeRpc) this.rpc.close();
    this.leaders.reset();
    this.cluster.sim.cancel(this.pollTimer);
    this.positions.clear();
    this.processed.clear();
    this.stopped.clear();
    this.awaitingReset.clear();
    this.atNextPoll = [];
    this.rebalanceQueued = false;
    this.lastAssigned = [];
    this.lastAssignedGeneration = undefined;
    this.validatingEpoch.fill(-1);
    this.buffer = [];
    this.bufferedRecords = 0;
    this.fetching.length = 0;
    this.phase = "idle";
    this.stableWhenFound = false;
    this.blocked = 0;
    this.frozen = 0;
    this.finishDeferred = false;
    this.autoCommitDue = false;
    this.leaveOnThaw = null;
  }

  restart(): void {
    if (this.up) return;
    this.up = true;
    this.memberId = null;
    this.generationId = -1;
    this.processingUntil = -1;
    this.rpc = this.newRpc();
    this.start();
  }

  setConfig(key: string, value: ConfigValue): void {
    this.config = resolveConfig(consumerConfig, { ...this.config, [key]: value });
    this.limits = null;
  }

  // ---- group membership ----

  private findCoordinator(): void {
    if (!this.up) return;
    this.phase = "finding";
    const offsetsPid = this.cluster.controller.partitions.length > 0 ? this.coordinatorPid() : -1;
    const incarnation = this.incarnation;
    // FindCoordinator goes to the least loaded broker (one it is connected to, if any), from a start that varies
    const ids = this.cluster.brokers.slice(1).map((b) => b.id);
    const start = ((this.cluster.sim.now / 7) | 0) % ids.length;
    const least = this.rpc.leastLoaded(ids, start);
    const brokerId = least >= 0 ? least : ids[start]!;
    this.rpc.call<number>(
      brokerId,
      60,
      (broker, reply) => reply(60, broker.metadata[offsetsPid]?.leader ?? -1),
      (result) => {
        if (incarnation !== this.incarnation) return;
        if (!result.ok || result.value < 0) {
          this.retry(() => this.findCoordinator());
          return;
        }
        this.coordinatorId = result.value;
        if (this.stableWhenFound && this.memberId) {
          this.stableWhenFound = false;
          this.phase = "stable";
          this.heartbeat();
          return;
        }
        this.stableWhenFound = false;
        this.join();
      },
    );
  }

  private coordinatorPid(): number {
    return this.cluster.brokers[1]!.coordinator.offsetsPartitionOf(this.spec.id);
  }

  /** Run a coordinator request; NOT_COORDINATOR or a lost connection sends us looking for it again. */
  private toCoordinator<T>(bytes: number, serve: (reply: (bytes: number, value: T) => void) => void, done: (value: T) => void, timeoutMs?: number): void {
    const incarnation = this.incarnation;
    const offsetsPid = this.coordinatorPid();
    this.rpc.call<T | "not-coordinator">(
      this.coordinatorId,
      bytes,
      (broker, reply) => {
        if (!broker.leadsOffsetsPartition(offsetsPid)) reply(40, "not-coordinator");
        else serve(reply);
      },
      (result) => {
        if (incarnation !== this.incarnation) return;
        if (!result.ok || result.value === "not-coordinator") {
          this.count(result.ok ? KafkaError.NOT_COORDINATOR : result.error);
          // one search at a time: requests that fail together (a heartbeat, commits, a join) start one, not one each
          if (this.phase !== "finding") {
            // a stable member keeps its membership: the new coordinator knows the group (AbstractCoordinator
            // marks the coordinator unknown and finds it again; only a rebalance under way starts over)
            this.stableWhenFound = this.phase === "stable";
            this.phase = "finding";
            this.retry(() => this.findCoordinator());
          }
          return;
        }
        done(result.value);
      },
      timeoutMs,
    );
  }

  private join(): void {
    this.phase = "joining";
    // cooperative: what it still owns; eager: it owns nothing now, but the sticky assignor's user data
    // carries its last assignment and that assignment's generation (the eager StickyAssignor stays sticky)
    const owned = this.cooperative ? [...this.positions.keys()].map((pid) => this.topicOfPid.get(pid)!) : this.lastAssigned;
    const protocols = parseAssignors(String(this.config["partition.assignment.strategy"]));
    const session = num(this.config["session.timeout.ms"]);
    const rebalance = num(this.config["max.poll.interval.ms"]);
    this.toCoordinator<JoinResponse>(
      200,
      (reply) => this.group.join(this.memberId, this.name, this.spec.topics, protocols, owned, this.lastAssignedGeneration, session, rebalance, (r) => reply(100 + 50 * r.members.length, r)),
      (r) => {
        if (r.error === KafkaError.UNKNOWN_MEMBER_ID) {
          this.memberId = null;
          this.join();
          return;
        }
        if (r.error !== KafkaError.NONE) {
          this.count(r.error);
          this.retry(() => this.join());
          return;
        }
        this.memberId = r.memberId;
        this.generationId = r.generation;
        this.protocol = r.protocol;
        let assignment: Record<string, TopicPartition[]> | null = null;
        if (r.leaderId === r.memberId) {
          const counts: Record<string, number> = {};
          for (const topic of this.spec.topics) counts[topic] = this.cluster.topics.get(topic)!.pids.length;
          assignment = assign(r.protocol, r.members, counts);
        }
        this.sync(assignment);
      },
      // the coordinator holds a JoinGroup until the rebalance completes, up to the rebalance timeout
      // (AbstractCoordinator: max(request.timeout.ms, rebalance timeout + JOIN_GROUP_TIMEOUT_LAPSE))
      Math.max(num(this.config["request.timeout.ms"]), rebalance + JOIN_GROUP_TIMEOUT_LAPSE_MS),
    );
  }

  private sync(assignment: Record<string, TopicPartition[]> | null): void {
    this.phase = "syncing";
    const generation = this.generationId;
    this.toCoordinator<SyncResponse>(
      100,
      (reply) => this.group.sync(this.memberId!, generation, assignment, (r) => reply(60 + 10 * r.assignment.length, r)),
      (r) => {
        if (r.error !== KafkaError.NONE) {
          this.count(r.error);
          this.onRebalance(r.error);
          return;
        }
        this.inPollLoop(() => this.applyAssignment(r.assignment));
      },
    );
  }

  /** Run a rebalance step now if the application is between polls, else once its current poll is processed. */
  private inPollLoop(step: () => void): void {
    if (this.processingUntil < 0) step();
    else this.atNextPoll.push(step);
  }

  private applyAssignment(assignment: TopicPartition[]): void {
    this.lastAssigned = assignment;
    this.lastAssignedGeneration = this.generationId;
    const next = new Set(assignment.map((tp) => this.pidOf.get(`${tp.topic}:${tp.partition}`)!));
    const revoked = [...this.positions.keys()].filter((pid) => !next.has(pid));
    const added = [...next].filter((pid) => !this.positions.has(pid));
    this.phase = "stable";
    if (revoked.length > 0) {
      // cooperative: give up only what moves, commit it first, then rejoin for the second round
      this.commit(revoked);
      this.revoke(revoked);
      this.join();
    }
    if (added.length > 0) this.fetchCommitted(added);
    this.poll();
  }

  private fetchCommitted(pids: number[]): void {
    this.toCoordinator<([offset: number, epoch: number] | undefined)[]>(
      60 + 8 * pids.length,
      (reply) =>
        reply(
          40 + 16 * pids.length,
          pids.map((pid) => {
            const offset = this.group.committed.get(pid);
            return offset === undefined ? undefined : [offset, this.group.committedEpoch.get(pid) ?? -1];
          }),
        ),
      (offsets) => {
        pids.forEach((pid, i) => {
          const committed = offsets[i];
          this.stopped.delete(pid);
          // a committed position carries its epoch: it is validated against the leader before the first fetch
          this.validatedEpoch[this.indexOfPid[pid]!] = -1;
          if (committed !== undefined) {
            this.positions.set(pid, committed[0]);
            this.positionEpoch[pid] = committed[1];
          } else this.resetPosition(pid, "it has no committed offset");
          this.processed.set(pid, this.positions.get(pid) ?? 0);
          this.processedEpoch[pid] = this.positionEpoch[pid]!;
        });
        this.fetchAll();
      },
    );
  }

  /**
   * auto.offset.reset: where a partition with no valid position starts. With
   * `none` the application gets an exception instead (NoOffsetForPartition,
   * OffsetOutOfRange or LogTruncation) and stops reading the partition.
   */
  private resetPosition(pid: number, why: string): void {
    const policy = this.config["auto.offset.reset"];
    this.positionEpoch[pid] = -1;
    if (policy === "none") {
      if (!this.positions.has(pid)) this.positions.set(pid, 0);
      this.stopped.add(pid);
      this.cluster.events.emit(this.cluster.sim.now, "consumer", `${this.name}: ${why} on ${this.cluster.partitions[pid]!.name} and auto.offset.reset = none: the application gets an exception and stops reading it`);
      return;
    }
    this.stopped.delete(pid);
    // ListOffsets goes to the partition's leader, as this consumer knows it
    const leader = this.cluster.brokers[this.leaders.leader[this.indexOfPid[pid]!] ?? -1];
    const replica = leader && leader.processUp && leader.replica(pid).role === "leader" ? leader.replica(pid) : null;
    if (policy === "earliest") {
      // the log start offset (0 until retention deletes a segment; with no leader known, 0, and a
      // fetch from there is out of range once the start has moved)
      this.positions.set(pid, replica ? replica.log.logStartOffset : 0);
      return;
    }
    // "latest": the high watermark; "by_duration": the first offset written since now minus the
    // duration; with no leader known or up, it asks again later
    if (replica) {
      const duration = byDurationMs(String(policy));
      const at = duration === null ? replica.highWatermark : Math.max(replica.log.logStartOffset, replica.log.offsetForTimestamp(this.cluster.partitions[pid]!.store, this.cluster.sim.now - duration, replica.highWatermark));
      this.positions.set(pid, at);
      return;
    }
    if (!this.positions.has(pid)) this.positions.set(pid, 0);
    this.stopped.add(pid);
    this.awaitingReset.add(pid);
    this.leaders.refresh();
    this.retry(() => this.retryResets());
  }

  private retryResets(): void {
    const waiting = [...this.awaitingReset];
    this.awaitingReset.clear();
    for (const pid of waiting) if (this.positions.has(pid)) this.resetPosition(pid, "still no leader to reset from");
    this.fetchAll();
  }

  private heartbeat(): void {
    if (!this.memberId || this.phase !== "stable") return;
    const generation = this.generationId;
    this.toCoordinator<number>(
      60,
      (reply) => reply(40, this.group.heartbeat(this.memberId!, generation)),
      (error) => {
        if (error !== KafkaError.NONE) this.onRebalance(error);
      },
    );
  }

  private onRebalance(error: number): void {
    if (this.phase === "joining" || this.phase === "finding") return;
    if (error === KafkaError.UNKNOWN_MEMBER_ID) this.memberId = null;
    if (this.processingUntil >= 0) {
      // the heartbeat thread only flags it: the application rejoins from its next poll()
      if (!this.rebalanceQueued) {
        this.rebalanceQueued = true;
        this.atNextPoll.push(() => {
          this.rebalanceQueued = false;
          this.onRebalance(error);
        });
      }
      return;
    }
    if (!this.cooperative) {
      // eager protocol: commit and give up every partition before rejoining
      this.commit();
      this.revoke([...this.positions.keys()]);
    }
    this.join();
  }

  private revoke(pids: number[]): void {
    for (const pid of pids) {
      this.positions.delete(pid);
      this.processed.delete(pid);
      this.stopped.delete(pid);
      this.awaitingReset.delete(pid);
    }
    const gone = new Set(pids);
    this.buffer = this.buffer.filter((b) => !gone.has(b.pid));
    this.bufferedRecords = this.buffer.reduce((n, b) => n + b.count, 0);
  }

  /** Commit processed offsets (all owned partitions, or `only`). */
  private commit(only?: number[]): void {
    if (!this.memberId) return;
    const offsets: [number, number, number][] = [];
    for (const pid of only ?? this.processed.keys()) {
      const offset = this.processed.get(pid);
      if (offset !== undefined) offsets.push([pid, offset, this.processedEpoch[pid] ?? -1]);
    }
    if (offsets.length === 0) return;
    const generation = this.generationId;
    const memberId = this.memberId;
    this.toCoordinator<number>(
      60 + 12 * offsets.length,
      (reply) => reply(40, this.group.commit(memberId, generation, offsets)),
      (error) => {
        if (error !== KafkaError.NONE) this.count(error);
      },
    );
  }

  private retry(fn: () => void): void {
    const incarnation = this.incarnation;
    this.cluster.sim.schedule(num(this.config["retry.backoff.ms"]), () => {
      if (incarnation === this.incarnation && this.up) fn();
    });
  }

  private count(error: number): void {
    this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
  }

  errorSummary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [code, n] of [...this.errors].sort((a, b) => a[0] - b[0])) out[errorName(code)] = n;
    return out;
  }

  // ---- fetching ----

  private fetchAll(): void {
    // the classic consumer sends fetches from poll(), on the application thread
    if (!this.up || this.blocked > 0) return;
    const maxPoll = num(this.config["max.poll.records"]);
    // the fetcher runs ahead of the application, but only so far
    if (this.bufferedRecords >= 2 * maxPoll) return;
    // usually every leader has a fetch in flight already: then nothing is allocated
    // (forEach with a callback made once, not for-of: a Map's for-of makes an [key, value] array per entry)
    this.positions.forEach(this.collectFetch);
    const leaders = this.fetchLeaders;
    if (leaders.length === 0) return;
    this.fetchLeaders = [];
    // one request per leader, in the order the leaders were first met (the order the requests go out in);
    // fetchFrom only sends: nothing it calls comes back here before it returns
    const entriesOf = this.fetchEntries;
    for (let i = 0; i < leaders.length; i++) {
      const leader = leaders[i]!;
      const entries = entriesOf[leader]!;
      entriesOf[leader] = undefined;
      this.fetchFrom(leader, entries);
    }
  }

  /** fetchAll's scratch: the leaders a request is due to, in the order first met. */
  private fetchLeaders: number[] = [];

  /** fetchAll, for one partition's position: its entry in the request to its leader, if one is due. */
  private readonly collectFetch = (offset: number, pid: number): void => {
    const { leader: leaderOf, leaderEpoch } = this.leaders;
    const index = this.indexOfPid[pid]!;
    const leader = leaderOf[index]!;
    if (leader < 0 || this.fetching[leader] === true) return;
    if (this.stopped.size > 0 && this.stopped.has(pid)) return;
    // KIP-320: a new leader epoch since the position was checked: validate it before fetching
    if (this.validatedEpoch[index] !== leaderEpoch[index] && !this.validate(pid, index, leader)) return;
    // nothing fetchAll calls moves a position or a leader: the entry is what fetchFrom would read later
    const entry: ConsumerFetchEntry = { pid, offset, leaderEpoch: leaderEpoch[index]! };
    const list = this.fetchEntries[leader];
    if (list) list.push(entry);
    else {
      this.fetchEntries[leader] = [entry];
      this.fetchLeaders.push(leader);
    }
  };

  /**
   * KIP-320: after a leader change the consumer asks the new leader where the
   * epoch of its position ends (OffsetsForLeaderEpoch). A position past that
   * end means the log was truncated under it: it goes back to the first
   * offset known to diverge. True when there is nothing to validate.
   */
  private validate(pid: number, index: number, leader: number): boolean {
    const current = this.leaders.leaderEpoch[index]!;
    const epoch = this.positionEpoch[pid] ?? -1;
    if (epoch < 0) {
      this.validatedEpoch[index] = current;
      return true;
    }
    if (this.validatingEpoch[index] === current) return false;
    this.validatingEpoch[index] = current;
    const position = this.positions.get(pid)!;
    const incarnation = this.incarnation;
    this.rpc.call<EpochEndOffset>(
      leader,
      60,
      (broker, reply) => reply(40, broker.endOffsetForEpoch(pid, current, epoch)),
      (result) => {
        if (incarnation !== this.incarnation) return;
        this.validatingEpoch[index] = -1;
        if (!result.ok || result.value.error !== KafkaError.NONE) {
          this.count(result.ok ? result.value.error : result.error);
          this.leaders.refresh();
          this.retry(() => this.fetchAll());
          return;
        }
        // moved on meanwhile (a rebalance, a reset, a late fetch, a newer leader): fetchAll asks again if need be
        if (this.positions.get(pid) === position && this.positionEpoch[pid] === epoch && this.leaders.leaderEpoch[index] === current) {
          const end = result.value;
          if (end.epoch < 0) {
            this.offsetResets++;
            this.resetPosition(pid, `the new leader holds no record of leader epoch ${epoch}, where position ${position} was`);
          } else if (end.endOffset < position) this.truncated(pid, position, epoch, end);
          this.validatedEpoch[index] = current;
        }
        this.fetchAll();
      },
    );
    return false;
  }

  /** The log was truncated below this consumer's position: resume at the first offset known to diverge. */
  private truncated(pid: number, position: number, epoch: number, end: EpochEndOffset): void {
    this.truncationsDetected++;
    const name = this.cluster.partitions[pid]!.name;
    // what was fetched but not handed to the application is dropped (Kafka drops a fetched batch that no longer starts at the position)
    this.dropBuffered(pid);
    // the application's own position: after the last record handed to it (processed, or in the poll being processed)
    let handedOver = this.processed.get(pid) ?? position;
    let handedEpoch = this.processedEpoch[pid] ?? -1;
    if (this.processingUntil >= 0) {
      for (const b of this.taken) {
        if (b.pid !== pid) continue;
        handedOver = b.endOffset;
        handedEpoch = b.epoch;
      }
    }
    const diverge = end.endOffset;
    let text = `${this.name}: log truncation detected on ${name}: leader epoch ${epoch} ends at offset ${diverge} on the new leader, before position ${position} (KIP-320)`;
    if (this.config["auto.offset.reset"] === "none") {
      this.resetPosition(pid, `log truncation below position ${position}`);
      return;
    }
    if (diverge < handedOver) {
      // records the application already processed past the divergence are in no log now; it reads the new ones from there
      text += `; it resumes at ${diverge}, and the ${handedOver - diverge} records it had processed past it are in no log now`;
      this.processed.set(pid, diverge);
      this.processedEpoch[pid] = end.epoch;
      for (const b of this.taken) if (b.pid === pid) (this.staleTaken ??= new Set()).add(b);
      this.positions.set(pid, diverge);
      this.positionEpoch[pid] = end.epoch;
    } else {
      text += `; it fetches again from ${handedOver}, the offset after the last record it was handed`;
      this.positions.set(pid, handedOver);
      this.positionEpoch[pid] = handedEpoch;
    }
    this.cluster.events.emit(this.cluster.sim.now, "consumer", text);
  }

  private dropBuffered(pid: number): void {
    if (!this.buffer.some((b) => b.pid === pid)) return;
    this.buffer = this.buffer.filter((b) => b.pid !== pid);
    this.bufferedRecords = this.buffer.reduce((n, b) => n + b.count, 0);
  }

  /** The fetch limits sent with every Fetch request: one object while the config stays (setConfig drops it). */
  private fetchLimits(): ConsumerFetchLimits {
    if (this.limits) return this.limits;
    const config = this.config;
    return (this.limits = {
      maxWaitMs: num(config["fetch.max.wait.ms"]),
      minBytes: num(config["fetch.min.bytes"]),
      maxBytes: num(config["fetch.max.bytes"]),
      maxPartitionBytes: num(config["max.partition.fetch.bytes"]),
    });
  }

  private fetchFrom(leader: number, entries: ConsumerFetchEntry[]): void {
    this.fetching[leader] = true;
    const incarnation = this.incarnation;
    const limits = this.fetchLimits();
    this.rpc.call<ConsumerFetchResult[]>(
      leader,
      80 + 16 * entries.length,
      (broker, reply) => broker.handleConsumerFetch(entries, limits, reply),
      (result) => {
        if (incarnation !== this.incarnation) return;
        this.fetching[leader] = false;
        if (!result.ok) {
          this.count(result.error);
          this.leaders.refresh();
          this.retry(() => this.fetchAll());
          return;
        }
        let stale = false;
        const results = result.value;
        for (let i = 0; i < results.length; i++) {
          const r = results[i]!;
          const pid = r.pid;
          if (this.positions.get(pid) !== r.fetchOffset) continue; // moved on (rebalance, reset)
          if (r.error === KafkaError.NOT_LEADER_OR_FOLLOWER || r.error === KafkaError.FENCED_LEADER_EPOCH || r.error === KafkaError.UNKNOWN_LEADER_EPOCH) stale = true;
          else if (r.error === KafkaError.OFFSET_OUT_OF_RANGE) {
            this.offsetResets++;
            this.dropBuffered(pid);
            const where =
              r.fetchOffset < r.logStartOffset
                ? `is below the log start offset ${r.logStartOffset} (retention deleted the segments holding it before it was read: ${r.logStartOffset - r.fetchOffset} messages skipped)`
                : `is beyond the log end ${r.logEndOffset} (the log was truncated)`;
            this.cluster.events.emit(this.cluster.sim.now, "consumer", `${this.name}: offset ${r.fetchOffset} of ${this.cluster.partitions[pid]!.name} ${where}; auto.offset.reset = ${String(this.config["auto.offset.reset"])}`);
            this.resetPosition(pid, `offset ${r.fetchOffset} is out of range`);
          }
          if (r.error !== KafkaError.NONE) {
            this.count(r.error);
            continue;
          }
          const store = this.cluster.partitions[pid]!.store;
          const n = r.batchIds.length;
          for (let k = 0; k < n; k++) {
            const total = store.countOf(r.batchIds[k]!);
            const endOffset = r.endOffsets[k]!;
            // the broker sends whole batches: the consumer skips the records before its position (a
            // position in the middle of a batch, after a commit mid-batch or a reset by timestamp)
            const from = Math.max(0, r.fetchOffset - (endOffset - total));
            const count = total - from;
            if (count <= 0) continue;
            this.buffer.push({ pid, batchId: r.batchIds[k]!, endOffset, from, count, epoch: r.epochs[k]! });
            this.bufferedRecords += count;
            this.cluster.instruments.consumed(count);
          }
          if (n > 0) {
            // SubscriptionState.movePartitionToEnd: a partition that returned records is asked last next
            // time, so under fetch.max.bytes every partition gets its turn
            this.positions.delete(pid);
            this.positions.set(pid, r.endOffsets[n - 1]!);
            this.positionEpoch[pid] = r.epochs[n - 1]!;
          }
        }
        if (stale) this.leaders.refresh();
        this.poll();
        this.fetchAll();
      },
    );
  }

  // ---- the application's poll loop ----

  private poll(): void {
    if (!this.up || this.processingUntil >= 0 || this.buffer.length === 0 || this.blocked > 0) return;
    const maxPoll = num(this.config["max.poll.records"]);
    // a new list per poll: emptying one with `length = 0` is a runtime call that gives up its storage anyway
    const taken: Buffered[] = [];
    this.taken = taken;
    let records = 0;
    while (this.buffer.length > 0 && records < maxPoll) {
      const b = this.buffer[0]!;
      const want = maxPoll - records;
      if (b.count <= want) {
        taken.push(this.buffer.shift()!);
        records += b.count;
        continue;
      }
      // FetchCollector stops at max.poll.records in the middle of a batch; the next poll goes on from there
      taken.push({ ...b, count: want, endOffset: b.endOffset - (b.count - want) });
      this.buffer[0] = { ...b, from: b.from + want, count: b.count - want };
      records += want;
    }
    this.bufferedRecords -= records;
    this.takenRecords = records;
    const { sim } = this.cluster;
    const incarnation = this.incarnation;
    this.pollIncarnation = incarnation;
    const duration = records * this.spec.processingMsPerRecord;
    this.processingUntil = sim.now + duration;
    const startedAt = sim.now;
    this.pollStartedAt = startedAt;
    const pollNo = ++this.pollNo;
    const maxPollInterval = num(this.config["max.poll.interval.ms"]);
    // a sink written from its start: the polls before it end with processing
    const sink = this.sink && sim.now >= this.sink.settings.start ? this.sink : null;
    if (duration > maxPollInterval) this.overrun(pollNo, sink);
    if (!sink) {
      this.pollTimer = sim.post(sim.now + duration, finishPoll, this);
      return;
    }
    const write = (): void => {
      if (incarnation !== this.incarnation) return;
      const writtenAt = sink.write(records);
      this.processingUntil = writtenAt;
      if (writtenAt - startedAt > maxPollInterval) this.overrun(pollNo, sink);
      this.pollTimer = sim.post(writtenAt, finishPoll, this);
    };
    this.pollTimer = sim.schedule(duration, () => {
      // processed: now the write to the sink, which the poll loop waits for
      if (incarnation !== this.incarnation) return;
      if (sink.up) return write();
      // the sink is down: the application retries until it is back
      this.processingUntil = Infinity;
      this.overrun(pollNo, sink);
      sink.whenUp(write);
    });
  }

  /** The application is too slow: the heartbeat thread leaves the group at the deadline, if poll `pollNo` is still going on. */
  private overrun(pollNo: number, sink: Sink | null): void {
    if (this.overrunPoll === pollNo) return;
    this.overrunPoll = pollNo;
    const { sim } = this.cluster;
    const incarnation = this.incarnation;
    const maxPollInterval = num(this.config["max.poll.interval.ms"]);
    const deadline = this.pollStartedAt + maxPollInterval;
    const check = (): void => {
      if (incarnation !== this.incarnation || !this.memberId || this.pollNo !== pollNo || this.processingUntil < 0) return;
      // the heartbeat thread notices the deadline; a frozen process notices it once it runs again
      if (this.frozen > 0) {
        this.leaveOnThaw = check;
        return;
      }
      const cause = this.blocked > 0
        ? "since its last poll() (its application thread is blocked)"
        : sink ? `processing and writing one poll to ${sink.settings.id}` : "processing one poll";
      this.cluster.events.emit(sim.now, "consumer", `${this.name} spent more than max.poll.interval.ms = ${maxPollInterval / 1000} s ${cause} and leaves the group`);
      const memberId = this.memberId;
      this.toCoordinator<number>(40, (reply) => {
        this.group.leave(memberId, "max.poll.interval.ms exceeded");
        reply(40, 0);
      }, () => {});
      this.memberId = null;
    };
    sim.at(deadline, check);
  }

  /** What holds it while up: a pause (frozen process) or a stall (blocked application thread), or null. */
  get blockedAs(): "paused" | "stalled" | null {
    return !this.up ? null : this.frozen > 0 ? "paused" : this.blocked > 0 ? "stalled" : null;
  }

  /**
   * A stall or pause fault blocks the application thread (a pause freezes the heartbeat thread
   * too): no poll() starts and no fetch is sent until it is released, and max.poll.interval.ms
   * counts on. Blocked between polls, the thread is in an empty poll that ends when released;
   * blocked while it processes one, that poll ends no sooner than the release. Returns the release.
   */
  block(freeze: boolean): () => void {
    if (!this.up) return () => {};
    const incarnation = this.incarnation;
    this.blocked++;
    if (freeze) this.frozen++;
    if (this.blocked === 1) {
      const { sim } = this.cluster;
      if (this.processingUntil < 0) {
        this.taken = NOTHING_TAKEN;
        this.takenRecords = 0;
        this.pollIncarnation = incarnation;
        this.pollNo++;
        this.pollStartedAt = sim.now;
        this.processingUntil = Infinity;
        this.finishDeferred = true;
      }
      this.overrun(this.pollNo, this.sink && sim.now >= this.sink.settings.start ? this.sink : null);
    }
    let released = false;
    return () => {
      if (released || incarnation !== this.incarnation) return;
      released = true;
      if (freeze && --this.frozen === 0) {
        // the heartbeat thread runs again: it sends a heartbeat at once, or leaves a poll overrun
        const leave = this.leaveOnThaw;
        this.leaveOnThaw = null;
        if (leave) leave();
        else this.heartbeat();
      }
      if (--this.blocked > 0) return;
      if (this.finishDeferred) {
        this.finishDeferred = false;
        this.finishPoll();
      }
    };
  }

  /** The poll is processed (and written): what it took is delivered, and the loop goes on. */
  finishPoll(): void {
    if (this.pollIncarnation !== this.incarnation) return;
    if (this.blocked > 0) {
      // the application thread is blocked: the poll's end waits for it
      this.finishDeferred = true;
      return;
    }
    this.processingUntil = -1;
    this.polls++;
    this.processedRecords += this.takenRecords;
    const { partitions, instruments } = this.cluster;
    const taken = this.taken;
    for (let i = 0; i < taken.length; i++) {
      const b = taken[i]!;
      // a partition revoked meanwhile: its records were handed over, but processing had happened
      const store = partitions[b.pid]!.store;
      instruments.delivered(b.batchId, b.pid, store.firstCreatedOf(b.batchId), store.lastCreatedOf(b.batchId), b.from, b.count, this.reader);
      if (this.processed.has(b.pid) && (this.staleTaken === null || !this.staleTaken.has(b))) {
        this.processed.set(b.pid, b.endOffset);
        this.processedEpoch[b.pid] = b.epoch;
      }
    }
    this.taken = NOTHING_TAKEN;
    this.staleTaken = null;
    if (this.config["enable.auto.commit"] !== true || this.autoCommitDue) this.commit();
    this.autoCommitDue = false;
    if (this.atNextPoll.length > 0) {
      const steps = this.atNextPoll;
      this.atNextPoll = [];
      for (const step of steps) step();
    }
    if (!this.memberId && this.phase === "stable") {
      this.revoke([...this.positions.keys()]);
      this.join();
    }
    this.poll();
    this.fetchAll();
  }

  /** Committed lag of this member's partitions is computed by the engine from the group. */
  describe(): string {
    return `${this.name} (${this.phase}) on ${this.coordinatorId > 0 ? brokerName(this.coordinatorId) : "no coordinator"}`;
  }
}

/** AbstractCoordinator.JOIN_GROUP_TIMEOUT_LAPSE: a JoinGroup may wait this much past the rebalance timeout. */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5000;

/** The batches of a poll when none is being processed. */
const NOTHING_TAKEN: readonly Buffered[] = Object.freeze([]);

/** A poll's end (a static function posted with the consumer: no closure per poll). */
function finishPoll(consumer: Consumer): void {
  consumer.finishPoll();
}
