/**
 * A Kafka broker: a process on a host, with CPU (request handler threads),
 * a log disk and a NIC as service-time queues, a page cache, replicas of
 * partitions, replica fetchers, and the group coordinator role for the
 * __consumer_offsets partitions it leads.
 *
 * Lifecycle faults: crash (process dies, page cache survives, connections are
 * reset), clean shutdown (controlled shutdown first), pause (GC or SIGSTOP:
 * nothing is read or answered until resumed), power loss (the host dies:
 * unflushed data is gone and nothing answers, not even with a reset).
 */
import type { Cluster } from "../engine/context";
import { brokerName, effectiveMinIsr, entityRng, num } from "../engine/context";
import { formatDuration } from "../scenario/duration";
import { ServiceQueue, Timeline } from "./resources";
import { PageCache } from "./page-cache";
import type { ReplicaLog } from "./log";
import type { ConfigValue } from "./config";
import { Timeouts, type Expiring, type TimeoutHandle } from "../kernel/timeouts";
import { Replica, type ParkedFetch } from "./replica";
import { ReplicaFetcher, type ReplicaFetchEntry, type ReplicaFetchResult } from "./fetcher";
import { RpcClient, connectionOptions } from "./rpc";
import { KafkaError } from "./errors";
import type { PartitionState } from "./controller";
import type { Hardware } from "../scenario/schema";
import type { GroupCoordinator } from "./coordinator";

/** Kafka spells "never" Long.MAX_VALUE milliseconds; any interval this long or longer is not scheduled. */
const NEVER_MS = 1e15;

export interface ProduceEntry {
  readonly pid: number;
  readonly batchId: number;
  readonly producer: number;
  readonly baseSeq: number;
  readonly count: number;
  readonly bytes: number;
  /** The producer's epoch for this partition: a higher one than the broker knows starts a new sequence; a lower one is refused. */
  readonly epoch: number;
}

export interface ProduceRequest {
  readonly acks: "0" | "1" | "all";
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  readonly entries: ProduceEntry[];
}

export interface ConsumerFetchEntry {
  readonly pid: number;
  readonly offset: number;
  /** The leader epoch the consumer believes current (KIP-320's currentLeaderEpoch; -1: unknown, not checked). */
  readonly leaderEpoch: number;
}

export interface ConsumerFetchResult {
  readonly pid: number;
  /** The offset the consumer asked from (to drop answers it has moved past). */
  readonly fetchOffset: number;
  readonly error: number;
  readonly batchIds: readonly number[];
  readonly endOffsets: readonly number[];
  /** Each batch's leader epoch: a consumer's position and commits carry it (KIP-320). */
  readonly epochs: readonly number[];
  readonly highWatermark: number;
  readonly logEndOffset: number;
  /** The leader's log start offset (an offset below it is out of range: retention deleted it). */
  readonly logStartOffset: number;
}

/** A consumer's fetch limits (the consumer's own configs, sent in its Fetch request). */
export interface ConsumerFetchLimits {
  /** fetch.max.wait.ms: how long the broker may hold the fetch. */
  readonly maxWaitMs: number;
  /** fetch.min.bytes: the broker answers once this many bytes are readable (or the wait is over). */
  readonly minBytes: number;
  /** fetch.max.bytes: the whole response's limit. */
  readonly maxBytes: number;
  /** max.partition.fetch.bytes: each partition's limit. */
  readonly maxPartitionBytes: number;
}

/** What one fetch reads: the bytes it returns, and the bytes readable (for fetch.min.bytes). */
export interface FetchRead {
  bytes: number;
  /** Of them, bytes no longer in the page cache: read from the disk. */
  diskBytes: number;
  available: number;
  /** What the response's limit still allows while it is read. */
  left: number;
}

/** An OffsetsForLeaderEpoch answer: where `epoch` ends in the leader's log (KIP-320's position validation). */
export interface EpochEndOffset {
  readonly error: number;
  /** The largest epoch <= the one asked for that the log holds (-1: none, the log starts later). */
  readonly epoch: number;
  readonly endOffset: number;
}

const MB = 1024 * 1024;
/** BrokerServer.shutdown's timeout (5 min, not a config): how long a controlled shutdown waits for the controller. */
const CONTROLLED_SHUTDOWN_WAIT_MS = 300_000;

export class Broker {
  readonly name: string;
  processUp = true;
  /** While a clean shutdown is under way: what to do once stopped (null: nothing); undefined otherwise. */
  private afterShutdown: (() => void) | null | undefined = undefined;
  hostUp = true;
  paused = false;
  incarnation = 0;
  rpc: RpcClient;
  readonly cpu: ServiceQueue;
  /** Its log disk behind the OS page cache. */
  readonly pageCache: PageCache;
  readonly nic: Timeline;
  private readonly replicas = new Map<number, Replica>();
  /** The same replicas by pid, for the hot paths (the map keeps their order for iteration). */
  private readonly replicaOf: (Replica | undefined)[] = [];
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private deferred: (() => void)[] = [];
  metadataVersion = 0;
  /** Latest partition states this broker knows (its metadata cache). */
  readonly metadata: PartitionState[] = [];
  coordinator!: GroupCoordinator;
  /** Long-poll and produce timeouts, swept per length. */
  private readonly timeouts: Timeouts;
  private readonly replicaFetchMaxBytes: number;
  private readonly replicaFetchResponseMaxBytes: number;
  private readonly bytesPerMsNic: number;
  /** JMX-style counters. */
  readonly stats = { isrShrinks: 0, isrExpands: 0, failedProduceRequests: 0, bytesIn: 0, bytesOut: 0, truncatedMessages: 0 };

  constructor(
    readonly cluster: Cluster,
    readonly id: number,
    private readonly hardware: Hardware,
  ) {
    this.name = brokerName(id);
    const threads = hardware.cpuThreads ?? num(cluster.brokerConfig["num.io.threads"]);
    this.cpu = new ServiceQueue(threads);
    this.pageCache = new PageCache(hardware.diskMBps, hardware.dirtyLimitMB, hardware.pageCacheMB, hardware.fsyncMs);
    this.nic = new Timeline();
    this.replicaFetchMaxBytes = num(cluster.brokerConfig["replica.fetch.max.bytes"]);
    this.replicaFetchResponseMaxBytes = num(cluster.brokerConfig["replica.fetch.response.max.bytes"]);
    this.bytesPerMsNic = (hardware.nicMbps * 1e6) / 8 / 1000;
    this.rpc = this.newRpc();
    this.timeouts = new Timeouts(cluster.sim, (fn) => this.receive(fn));
  }

  get running(): boolean {
    return this.processUp && !this.paused;
  }

  replica(pid: number): Replica {
    let replica = this.replicaOf[pid];
    if (!replica) {
      replica = new Replica(pid, this.id);
      this.replicas.set(pid, replica);
      this.replicaOf[pid] = replica;
    }
    return replica;
  }

  hostedReplicas(): IterableIterator<Replica> {
    return this.replicas.values();
  }

  /** Bootstrap at t=0: the cluster is already formed. */
  start(initial: readonly PartitionState[]): void {
    this.applyMetadata(initial.filter((p) => p.replicas.includes(this.id) || this.cluster.partitions[p.pid]!.internal), 0, 0);
    for (const p of initial) this.metadata[p.pid] = p;
    this.scheduleLoops();
    // the host has been up a while: its first write-back comes at a point of the period all its own
    this.startWriteBack(entityRng(this.cluster, `${this.name}:write-back`).float() * this.hardware.pageCacheFlushMs);
  }

  // ---- arrival of anything addressed to this broker ----

  /** Run `fn` now if the process is running, later if paused, never if down. */
  receive(fn: () => void): void {
    if (!this.processUp) return;
    if (this.paused) this.deferred.push(fn);
    else fn();
  }

  /** A timer of this incarnation: dropped if the process restarts, deferred while paused. */
  later(delayMs: number, fn: () => void): void {
    const incarnation = this.incarnation;
    this.cluster.sim.schedule(delayMs, () => {
      if (incarnation === this.incarnation) this.receive(fn);
    });
  }

  /** When a response of `bytes`, ready at `readyAt`, can leave through the NIC. */
  egress(bytes: number, readyAt = 0): number {
    this.stats.bytesOut += bytes;
    const now = this.cluster.sim.now;
    return this.nic.book(now, readyAt, bytes / this.bytesPerMsNic);
  }

  /**
   * CPU time for a request handling `bytes`: when the handler threads are done
   * with it. Requests are handled on arrival and their responses leave at that
   * time, so a busy CPU delays answers without costing an event per request.
   */
  private cpuDone(bytes: number): number {
    const cost = this.hardware.cpuPerRequestMs + (bytes / MB) * this.hardware.cpuPerMBMs;
    return this.cpu.serve(this.cluster.sim.now, cost);
  }

  /** cpuDone() for a request whose handler thread is also blocked until `until` (a write waiting for the disk). */
  private cpuDoneUntil(bytes: number, until: number): number {
    const cost = this.hardware.cpuPerRequestMs + (bytes / MB) * this.hardware.cpuPerMBMs;
    return this.cpu.serveUntil(this.cluster.sim.now, cost, until);
  }

  // ---- lifecycle ----

  crash(): void {
    if (!this.processUp) return;
    this.stop();
    this.cluster.connections.resetAll(this.id);
  }

  powerLoss(): void {
    if (!this.hostUp) return;
    const wasUp = this.processUp;
    this.stop();
    this.hostUp = false;
    this.boots++; // its write-back stops with it
    let lost = 0;
    for (const replica of this.replicas.values()) {
      const before = replica.log.logEndOffset;
      replica.log.truncateTo(replica.log.flushedOffset);
      lost += before - replica.log.logEndOffset;
      if (replica.highWatermark > replica.log.logEndOffset) replica.highWatermark = replica.log.logEndOffset;
      this.rebuildSequences(replica);
    }
    this.stats.truncatedMessages += lost;
    this.pageCache.lose();
    this.toldDirtyLimit = false;
    if (wasUp || lost > 0) this.cluster.events.emit(this.cluster.sim.now, "broker", `${this.name} lost power: ${lost} messages in its page cache were never flushed to disk and are gone from its logs`);
  }

  /** Clean shutdown: controlled shutdown first (when enabled), then stop. */
  shutdown(onStopped?: () => void): void {
    if (!this.processUp) return;
    const { net, controller, brokerConfig } = this.cluster;
    this.afterShutdown = onStopped ?? null;
    const stopNow = () => {
      if (!this.processUp) return;
      for (const replica of this.replicas.values()) replica.log.flush(this.cluster.sim.now);
      const then = this.afterShutdown;
      this.stop();
      this.cluster.connections.resetAll(this.id);
      then?.();
    };
    if (brokerConfig["controlled.shutdown.enable"] !== true) {
      stopNow();
      return;
    }
    const incarnation = this.incarnation;
    // KRaft: the broker's heartbeats say it wants to shut down until the controller answers that it may
    const ask = () => {
      if (!this.processUp) return;
      const to = controller.name;
      net.sendOnConnection(this.name, to, 100, () =>
        controller.receive(to, () => {
          controller.controlledShutdown(this.id);
          net.sendOnConnection(to, this.name, 100, () => {
            if (incarnation === this.incarnation) stopNow();
          });
        }),
      );
      this.later(num(brokerConfig["broker.heartbeat.interval.ms"]), ask);
    };
    ask();
    // BrokerServer.shutdown waits this long for the controller's answer, then stops anyway
    this.later(CONTROLLED_SHUTDOWN_WAIT_MS, () => {
      if (!this.processUp) return;
      this.cluster.events.emit(this.cluster.sim.now, "broker", `${this.name}'s controlled shutdown got no answer from the controller in ${CONTROLLED_SHUTDOWN_WAIT_MS / 60_000} min: it stops anyway, without the controller moving its leaderships first`);
      stopNow();
    });
  }

  pause(): void {
    if (this.processUp) this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const queued = this.deferred;
    this.deferred = [];
    for (const fn of queued) this.receive(fn);
    // a fetch answered while the process was frozen could not start the next one: fetch again now
    for (const fetcher of this.fetchers.values()) fetcher.kick();
  }

  /**
   * Its log disk fills up: the next append fails (KafkaStorageException), the log dir goes offline,
   * and with no log dir left the broker halts (LogDirFailureHandler: Exit.halt) — a crash, with no
   * controlled shutdown; the page cache survives. It cannot start until space is freed.
   */
  diskFull(): void {
    if (!this.processUp) return;
    this.cluster.events.emit(
      this.cluster.sim.now,
      "broker",
      `${this.name}'s log disk is full: appends fail with KafkaStorageException, its only log dir goes offline, and a broker with no log dir left halts (no controlled shutdown); the controller fences it after broker.session.timeout.ms and its partitions' leadership moves`,
    );
    this.crash();
  }

  /** A slow-disk fault: the log disk writes `MBps` until slowDiskHealed(MBps). */
  slowDisk(MBps: number): void {
    const before = this.pageCache.currentMBps;
    this.pageCache.slow(this.cluster.sim.now, MBps);
    this.cluster.events.emit(
      this.cluster.sim.now,
      "broker",
      `${this.name}'s log disk slows to ${formatMBps(this.pageCache.currentMBps)} (was ${formatMBps(before)}): the page cache absorbs writes until ${this.pageCache.dirtyLimitMB.toLocaleString("en-US")} MB wait for the disk, then every write waits for it`,
    );
  }

  slowDiskHealed(MBps: number): void {
    const now = this.cluster.sim.now;
    this.pageCache.unslow(now, MBps);
    const backlog = this.pageCache.dirtyBytes(now);
    const speed = this.pageCache.currentMBps;
    this.cluster.events.emit(
      now,
      "heal",
      `${this.name}'s log disk writes ${formatMBps(speed)} again` + (backlog > MB ? `: the ${Math.round(backlog / MB).toLocaleString("en-US")} MB waiting in its page cache are written in ${formatDuration(this.pageCache.backlogMs(now))}` : ""),
    );
  }

  /** The first write of a spell that waits for the disk: say so once, until the disk catches up. */
  private toldDirtyLimit = false;

  private tellDirtyLimit(): void {
    this.toldDirtyLimit = true;
    this.cluster.events.emit(
      this.cluster.sim.now,
      "broker",
      `${this.name}'s page cache holds ${this.pageCache.dirtyLimitMB.toLocaleString("en-US")} MB the disk has not written (its dirty limit): writes now wait for its ${formatMBps(this.pageCache.currentMBps)} disk, so its produce answers, and its fetches as a follower, slow down`,
    );
  }

  restart(): void {
    if (this.processUp) {
      // still shutting down (a controlled shutdown waits for the controller, up to 30 s): start again once stopped
      if (this.afterShutdown !== undefined) this.afterShutdown = () => this.restart();
      return;
    }
    this.processUp = true;
    // after a power loss the host boots first: its first write-back is a period after the boot
    if (!this.hostUp) this.startWriteBack(this.hardware.pageCacheFlushMs);
    this.hostUp = true;
    this.paused = false;
    this.rpc = this.newRpc();
    // a new process knows no metadata: the controller sends all of it
    this.metadataVersion = -1;
    for (const replica of this.replicas.values()) {
      replica.role = "none";
      replica.leaderEpoch = -1;
      replica.partitionEpoch = -1;
      replica.alterPending = false;
    }
    this.cluster.events.emit(this.cluster.sim.now, "broker", `${this.name} started again and is catching up`);
    this.scheduleLoops();
  }

  private stop(): void {
    this.processUp = false;
    this.afterShutdown = undefined;
    this.paused = false;
    this.deferred = [];
    this.incarnation++;
    this.rpc.close();
    this.fetchers.clear();
    for (const replica of this.replicas.values()) {
      replica.waitingProduces = [];
      replica.clearParked();
      replica.followers.length = 0;
    }
    this.timeouts.clear();
  }

  private newRpc(): RpcClient {
    const config = this.cluster.brokerConfig;
    return new RpcClient(this.cluster, this.name, {
      requestTimeoutMs: num(config["replica.socket.timeout.ms"]),
      ...connectionOptions(config),
    });
  }

  private scheduleLoops(): void {
    const { brokerConfig } = this.cluster;
    const heartbeat = () => {
      const { net, controller } = this.cluster;
      const incarnation = this.incarnation;
      const version = this.metadataVersion;
      const to = controller.name;
      net.sendOnConnection(this.name, to, 100, () => controller.receiveHeartbeat(to, this.id, incarnation, version));
      this.later(num(brokerConfig["broker.heartbeat.interval.ms"]), heartbeat);
    };
    heartbeat();
    // Kafka checks for lagging followers every replica.lag.time.max.ms / 2
    const lag = num(brokerConfig["replica.lag.time.max.ms"]);
    const isrCheck = () => {
      this.shrinkLaggingIsr();
      this.later(lag / 2, isrCheck);
    };
    this.later(lag / 2, isrCheck);
    // LogManager's log flusher: every log.flush.scheduler.interval.ms, fsync the logs whose last fsync is
    // flush.ms old (neither runs by default: Kafka leaves durability to replication and the OS)
    const flushEvery = num(brokerConfig["log.flush.scheduler.interval.ms"]);
    if (flushEvery < NEVER_MS) {
      const flusher = () => {
        const now = this.cluster.sim.now;
        for (const replica of this.replicas.values()) {
          const log = replica.log;
          if (log.flushedOffset >= log.logEndOffset) continue;
          if (now - log.flushedAtMs < num(this.cluster.partitions[replica.pid]!.topicRef.config["flush.ms"])) continue;
          log.flush(now);
          // the flusher thread waits for it; the disk is busy meanwhile
          this.pageCache.fsync(now);
        }
        this.later(flushEvery, flusher);
      };
      this.later(flushEvery, flusher);
    }
    // LogManager's retention task: every log.retention.check.interval.ms
    const retention = () => {
      this.applyRetention();
      this.later(num(brokerConfig["log.retention.check.interval.ms"]), retention);
    };
    this.later(num(brokerConfig["log.retention.check.interval.ms"]), retention);
  }

  /** Times the host has booted: the write-back loop of an earlier boot stops. */
  private boots = 0;

  /**
   * The OS's write-back of dirty pages, every pageCacheFlushMs from `firstInMs`, for as long as the
   * host stays up: it is the kernel's, so it goes on while the Kafka process is down or paused. Each
   * host's ticks have their own phase (its kernel booted at its own time).
   */
  private startWriteBack(firstInMs: number): void {
    const boot = ++this.boots;
    const tick = (): void => {
      if (boot !== this.boots) return;
      // the OS writes dirty pages back, as far as the disk has written them (not an fsync of Kafka's:
      // flush.ms still counts from Kafka's last)
      const now = this.cluster.sim.now;
      const unwritten = new Map<number, number>();
      this.pageCache.writeBack(now, (pid, upTo) => unwritten.set(pid, upTo));
      for (const replica of this.replicas.values()) {
        const log = replica.log;
        const upTo = Math.min(unwritten.get(replica.pid) ?? log.logEndOffset, log.logEndOffset);
        if (upTo > log.flushedOffset) log.flushedOffset = upTo;
      }
      if (this.toldDiskReads && this.pageCache.readBytes === this.readBytesSeen) {
        this.toldDiskReads = false;
        this.cluster.events.emit(now, "broker", `${this.name} no longer reads from its disk: fetches ask for what its page cache holds (${formatMB(this.pageCache.readBytes - this.readBytesAtTell)} read from the disk in that spell)`);
      }
      this.readBytesSeen = this.pageCache.readBytes;
      if (this.toldDirtyLimit && this.pageCache.dirtyBytes(now) < (this.pageCache.dirtyLimitMB * MB) / 2) {
        this.toldDirtyLimit = false;
        this.cluster.events.emit(now, "broker", `${this.name}'s disk has caught up: its page cache holds under half its dirty limit again, and writes no longer wait for the disk`);
      }
      this.cluster.sim.schedule(this.hardware.pageCacheFlushMs, tick);
    };
    this.cluster.sim.schedule(firstInMs, tick);
  }

  /** The first deletion by retention of this process has been told. */
  private toldRetention = false;

  /**
   * Delete the segments past retention (retention.ms, retention.bytes) of the partitions this
   * broker leads, never past the high watermark or the active segment. Their followers take the
   * new log start offset from the next fetch answer.
   */
  private applyRetention(): void {
    const now = this.cluster.sim.now;
    const moved: string[] = [];
    let messages = 0;
    for (const replica of this.replicas.values()) {
      if (replica.role !== "leader") continue;
      const ref = this.cluster.partitions[replica.pid]!;
      if (ref.internal) continue;
      const config = ref.topicRef.config;
      const log = replica.log;
      const before = log.logStartOffset;
      const { from, to } = log.deleteOldSegments(ref.store, now, num(config["retention.ms"]), num(config["retention.bytes"]), replica.highWatermark);
      if (to === from) continue;
      for (let i = from; i < to; i++) this.cluster.instruments.expired(replica.pid, log.batchAt(i));
      messages += log.logStartOffset - before;
      moved.push(`${ref.name} ${before}→${log.logStartOffset}`);
    }
    // said once per process: a deletion every few seconds would bury the rest of the log
    if (moved.length === 0 || this.toldRetention) return;
    this.toldRetention = true;
    const shown = moved.length > 6 ? `${moved.slice(0, 6).join(", ")} and ${moved.length - 6} more` : moved.join(", ");
    const every = formatDuration(num(this.cluster.brokerConfig["log.retention.check.interval.ms"]));
    this.cluster.events.emit(
      now,
      "broker",
      `${this.name} deleted ${messages.toLocaleString("en-US")} messages in segments past retention (retention.ms / retention.bytes); log start offsets ${shown}. It looks again every log.retention.check.interval.ms = ${every}; later deletions are counted in the summary, not listed`,
    );
  }

  // ---- metadata from the controller ----

  /**
   * Partition states from the controller, which bring the broker from version `since` to `version`.
   * A broker behind `since` (it missed a push) applies them but keeps its version, so that its next
   * heartbeat asks for everything since what it had.
   */
  applyMetadata(states: readonly PartitionState[], version: number, since: number): void {
    for (const state of states) {
      const known = this.metadata[state.pid];
      if (known && known.partitionEpoch > state.partitionEpoch) continue;
      this.metadata[state.pid] = state;
      if (state.replicas.includes(this.id)) this.applyPartitionState(state);
      else if (this.replicaOf[state.pid]?.role !== undefined && this.replicaOf[state.pid]!.role !== "none") {
        // reassigned away: stop serving and fetching it
        const replica = this.replicaOf[state.pid]!;
        replica.partitionEpoch = state.partitionEpoch;
        this.leaveRole(replica, "none", state.leader, state.leaderEpoch);
      }
    }
    if (version > this.metadataVersion && this.metadataVersion >= since) this.metadataVersion = version;
  }

  private applyPartitionState(state: PartitionState): void {
    const replica = this.replica(state.pid);
    if (state.partitionEpoch <= replica.partitionEpoch) return;
    const wasLeader = replica.role === "leader";
    const newEpoch = state.leaderEpoch !== replica.leaderEpoch;
    replica.partitionEpoch = state.partitionEpoch;
    replica.isr = state.isr;
    replica.replicas = state.replicas;
    replica.alterPending = false;
    replica.maximalIsr = null;
    if (state.leader === this.id) {
      if (!wasLeader || newEpoch) this.becomeLeader(replica, state);
      else {
        // an ISR or replica-set change only: know every follower, then the HW may advance
        const now = this.cluster.sim.now;
        for (const id of state.replicas) {
          if (id !== this.id && replica.followers[id] === undefined) replica.followers[id] = { logEndOffset: 0, lastCaughtUpMs: now, lastFetchMs: now, lastFetchLeaderLeo: 0 };
        }
        this.advanceHighWatermark(replica);
      }
    } else if (state.leader === -1) {
      this.leaveRole(replica, "none", -1, state.leaderEpoch);
    } else if (replica.role !== "follower" || newEpoch || replica.leaderId !== state.leader) {
      this.leaveRole(replica, "follower", state.leader, state.leaderEpoch);
      // __consumer_offsets holds no modelled data: nothing to fetch
      if (!this.cluster.partitions[state.pid]!.internal) this.fetcherFor(state.leader).add(state.pid);
    }
  }

  private becomeLeader(replica: Replica, state: PartitionState): void {
    this.fetcherOf(replica)?.remove(replica.pid);
    replica.role = "leader";
    replica.leaderId = this.id;
    replica.leaderEpoch = state.leaderEpoch;
    replica.leaderEpochStartOffset = replica.log.logEndOffset;
    replica.followers.length = 0;
    const now = this.cluster.sim.now;
    for (const id of state.replicas) {
      if (id === this.id) continue;
      replica.followers[id] = { logEndOffset: state.isr.includes(id) ? replica.highWatermark : 0, lastCaughtUpMs: now, lastFetchMs: now, lastFetchLeaderLeo: 0 };
    }
    this.advanceHighWatermark(replica);
    // leading a __consumer_offsets partition makes this broker the coordinator of its groups
    if (this.cluster.partitions[replica.pid]!.internal) this.coordinator.loadGroupsOf(replica.pid);
  }

  private leaveRole(replica: Replica, role: "follower" | "none", leaderId: number, epoch: number): void {
    if (replica.role === "leader") {
      replica.settleProduces(KafkaError.NOT_LEADER_OR_FOLLOWER);
      replica.wakeParked();
      replica.followers.length = 0;
    }
    this.fetcherOf(replica)?.remove(replica.pid);
    replica.role = role;
    replica.leaderId = leaderId;
    replica.leaderEpoch = epoch;
  }

  private fetcherOf(replica: Replica): ReplicaFetcher | undefined {
    return replica.role === "follower" ? this.fetchers.get(replica.leaderId) : undefined;
  }

  private fetcherFor(leaderId: number): ReplicaFetcher {
    let fetcher = this.fetchers.get(leaderId);
    if (!fetcher) {
      fetcher = new ReplicaFetcher(this, leaderId);
      this.fetchers.set(leaderId, fetcher);
    }
    return fetcher;
  }

  // ---- leader side: HW and ISR ----

  /**
   * Kafka >= 3.7 (KAFKA-15583): the HW does not move while the ISR is smaller
   * than min.insync.replicas, so under acks=1 a leader alone goes on taking
   * writes no consumer can read until a follower is back in the ISR.
   */
  private advanceHighWatermark(replica: Replica): void {
    if (replica.isr.length < effectiveMinIsr(this.cluster, replica.pid, replica.replicas.length)) return;
    const hw = replica.computeHighWatermark();
    if (hw > replica.highWatermark) {
      replica.highWatermark = hw;
      replica.settleProduces();
      replica.wakeParked();
    }
  }

  private shrinkLaggingIsr(): void {
    const now = this.cluster.sim.now;
    const lagMax = num(this.cluster.brokerConfig["replica.lag.time.max.ms"]);
    for (const replica of this.replicas.values()) {
      if (replica.role !== "leader" || replica.alterPending || this.cluster.partitions[replica.pid]!.internal) continue;
      // Kafka's isCaughtUp: a follower level with the leader's log end is in sync however long ago it fetched (an idle partition)
      const leo = replica.log.logEndOffset;
      const lagging = replica.isr.filter((id) => {
        const follower = replica.followers[id];
        return id !== this.id && follower?.logEndOffset !== leo && now - (follower?.lastCaughtUpMs ?? 0) > lagMax;
      });
      if (lagging.length > 0) this.proposeIsr(replica, replica.isr.filter((id) => !lagging.includes(id)));
    }
  }

  private proposeIsr(replica: Replica, isr: readonly number[]): void {
    const { net, controller } = this.cluster;
    replica.alterPending = true;
    // KIP-497: until the controller answers, the HW counts the larger of the two ISRs
    replica.maximalIsr = [...new Set([...replica.isr, ...isr])];
    const { pid, leaderEpoch, partitionEpoch } = replica;
    const shrink = isr.length < replica.isr.length;
    const to = controller.name;
    net.sendOnConnection(this.name, to, 120, () =>
      controller.receive(to, () => {
        const result = controller.alterPartition(this.id, pid, leaderEpoch, partitionEpoch, isr);
        if (result.ok) {
          if (shrink) this.stats.isrShrinks++;
          else this.stats.isrExpands++;
        }
        net.sendOnConnection(to, this.name, 120, () => this.receive(() => this.applyMetadata([result.state], 0, 0)));
      }),
    );
    // no answer (controller unreachable): allow a new proposal later
    this.later(5000, () => {
      if (replica.partitionEpoch === partitionEpoch) {
        replica.alterPending = false;
        replica.maximalIsr = null;
      }
    });
  }

  // ---- requests ----

  handleProduce(request: ProduceRequest, reply: (bytes: number, errors: number[], readyAt: number) => void): void {
    let bytes = 0;
    for (const entry of request.entries) bytes += entry.bytes;
    this.stats.bytesIn += bytes;
    const { sim } = this.cluster;
    // the log disk takes the bytes: the page cache absorbs them, unless an fsync waits for them below,
    // or so much already waits for the disk that the handler thread's write blocks (the answer waits too)
    const diskDone = this.pageCache.write(sim.now, bytes);
    const blockedUntil = this.pageCache.blockedUntil;
    if (blockedUntil > 0 && !this.toldDirtyLimit) this.tellDirtyLimit();
    const readyAt = blockedUntil > 0 ? this.cpuDoneUntil(bytes, blockedUntil) : this.cpuDone(bytes);
    const entries = request.entries;
    const errors: number[] = new Array<number>(entries.length).fill(-1);
    let pending = entries.length;
    const finish = (i: number, error: number) => {
      if (errors[i] !== -1) return;
      errors[i] = error;
      if (error !== KafkaError.NONE) this.stats.failedProduceRequests++;
      // acks=0: nothing goes back, but the caller learns of errors (the broker then closes the connection)
      // an fsync (flush.messages) in this request holds its answer until the disk has written it
      if (--pending === 0) reply(40 + 12 * errors.length, errors, Math.max(readyAt, fsyncedAt));
    };
    // when the last fsync this request made (flush.messages) is durable; 0: it made none
    let fsyncedAt = 0;
    let timeout: TimeoutHandle | null = null;
    // like Kafka, parked fetches are checked once the whole request is appended, not per partition
    const appended: Replica[] = [];
    // acks=all: entry i is answered once the high watermark passes `endOffset` (every ISR member has it)
    const awaitReplication = (replica: Replica, minIsr: number, i: number, endOffset: number) =>
      replica.waitingProduces.push({
        endOffset,
        complete: (error) => {
          if (error === KafkaError.NONE && replica.isr.length < minIsr) error = KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
          finish(i, error);
          if (pending === 0) timeout?.settle();
        },
      });
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const replica = this.replicaOf[entry.pid];
      if (!replica || replica.role !== "leader") {
        finish(i, KafkaError.NOT_LEADER_OR_FOLLOWER);
        continue;
      }
      const minIsr = effectiveMinIsr(this.cluster, entry.pid, replica.replicas.length);
      if (request.acks === "all" && replica.isr.length < minIsr) {
        finish(i, KafkaError.NOT_ENOUGH_REPLICAS);
        continue;
      }
      // the log refuses a batch larger than the topic's max.message.bytes (RecordTooLargeException)
      if (entry.bytes > (this.cluster.partitions[entry.pid]!.topicRef.config["max.message.bytes"] as number)) {
        finish(i, KafkaError.MESSAGE_TOO_LARGE);
        continue;
      }
      const knownEpoch = replica.producerEpoch[entry.producer] ?? 0;
      // a batch from before the producer's epoch bump: fenced (ProducerAppendInfo.checkProducerEpoch)
      if (request.idempotent && entry.epoch < knownEpoch) {
        finish(i, KafkaError.INVALID_PRODUCER_EPOCH);
        continue;
      }
      // in a new epoch the sequence starts afresh; in the same one it must follow on
      if (request.idempotent && entry.epoch === knownEpoch) {
        const next = replica.nextSeq[entry.producer] ?? 0;
        if (entry.baseSeq + entry.count <= next) {
          // a retried duplicate, already in the log: answered as the original append would be, so under
          // acks=all only once the high watermark covers it (Kafka's purgatory waits for it the same way)
          const endOffset = request.acks === "all" ? replica.log.endOffsetOfBatch(entry.batchId) : -1;
          if (endOffset <= replica.highWatermark) finish(i, KafkaError.NONE);
          else awaitReplication(replica, minIsr, i, endOffset);
          continue;
        }
        if (entry.baseSeq !== next) {
          finish(i, KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER);
          continue;
        }
      }
      const topic = this.cluster.partitions[entry.pid]!.topicRef.config;
      this.pageCache.note(diskDone, entry.pid, replica.log.logEndOffset);
      replica.log.append(entry.batchId, entry.count, entry.bytes, replica.leaderEpoch, this.cluster.sim.now, num(topic["segment.bytes"]), num(topic["segment.ms"]));
      replica.log.noteWritten(this.pageCache.written);
      if (this.flushIfDue(replica.log, topic)) fsyncedAt = this.pageCache.fsync(this.cluster.sim.now);
      replica.nextSeq[entry.producer] = entry.baseSeq + entry.count;
      if (request.idempotent) {
        replica.producerEpoch[entry.producer] = entry.epoch;
        this.cluster.partitions[entry.pid]!.store.setProducerEpoch(entry.batchId, entry.epoch);
      }
      appended.push(replica);
      if (request.acks !== "all") {
        this.advanceHighWatermark(replica);
        finish(i, KafkaError.NONE);
        continue;
      }
      awaitReplication(replica, minIsr, i, replica.log.logEndOffset);
      this.advanceHighWatermark(replica);
    }
    if (pending > 0 && request.acks === "all") {
      timeout = this.timeouts.add(request.timeoutMs, () => {
        for (let i = 0; i < entries.length; i++) finish(i, KafkaError.REQUEST_TIMED_OUT);
      });
    }
    for (const replica of appended) replica.wakeParked();
  }

  handleReplicaFetch(followerId: number, entries: readonly ReplicaFetchEntry[], reply: (bytes: number, results: ReplicaFetchResult[], readyAt: number) => void): void {
    const config = this.cluster.brokerConfig;
    new FollowerFetch(this, entries, reply, num(config["replica.fetch.min.bytes"]), followerId).start(num(config["replica.fetch.wait.max.ms"]));
  }

  handleConsumerFetch(entries: readonly ConsumerFetchEntry[], limits: ConsumerFetchLimits, reply: (bytes: number, results: ConsumerFetchResult[], readyAt: number) => void): void {
    new ConsumerFetch(this, entries, reply, limits).start(limits.maxWaitMs);
  }

  /** Hold `fetch` for up to `waitMs` on the partitions it asks for (see DelayedFetch). */
  park(fetch: ParkedFetch & Expiring, waitMs: number, pids: readonly { pid: number }[]): void {
    this.timeouts.watch(waitMs, fetch);
    for (const entry of pids) this.replicaOf[entry.pid]?.park(fetch);
  }

  /** Park `fetch` again on one partition (woken by it, but nothing to say yet). */
  repark(fetch: ParkedFetch, pid: number): void {
    this.replicaOf[pid]?.park(fetch);
  }

  /** CPU time to answer a fetch that read `bytes`, `diskBytes` of them from the disk (the answer waits for both). */
  fetchDone(bytes: number, diskBytes = 0): number {
    const cpu = this.cpuDone(bytes);
    if (diskBytes <= 0) return cpu;
    if (!this.toldDiskReads) this.tellDiskReads();
    return Math.max(cpu, this.pageCache.read(this.cluster.sim.now, diskBytes));
  }

  /** The first fetch of a spell that reads the disk: say so once, until a while passes with no such read. */
  private toldDiskReads = false;
  /** pageCache.readBytes when the write-back last looked: no change since means the spell is over. */
  private readBytesSeen = 0;
  /** pageCache.readBytes when the spell began. */
  private readBytesAtTell = 0;

  private tellDiskReads(): void {
    this.toldDiskReads = true;
    const cache = this.pageCache;
    this.readBytesAtTell = cache.readBytes;
    const why = cache.uncachedBelow > cache.written - cache.cacheBytes ? "written before it lost power (its page cache is cold)" : `older than the newest ${formatMB(cache.cacheBytes)} its page cache holds`;
    this.cluster.events.emit(this.cluster.sim.now, "broker", `${this.name} reads from its disk: a fetch asks for data ${why}, so the answer waits for the ${formatMBps(cache.currentMBps)} disk, in turn with its writes`);
  }

  /** What of batches [from, to) of `log` the page cache no longer holds. */
  private uncached(log: ReplicaLog, from: number, to: number): number {
    const before = this.pageCache.uncachedBelow;
    return before > 0 && to > from ? log.bytesWrittenBefore(from, to, before) : 0;
  }

  /**
   * Incremental fetch (KIP-227): every partition's fetch offset is recorded
   * (it moves the HW and the ISR), but only partitions with records, a newer
   * high watermark than the follower has, a divergence or an error are sent.
   * Records are limited per partition (replica.fetch.max.bytes) and in all
   * (replica.fetch.response.max.bytes), as a consumer's are (see readBatches).
   */
  readForFollower(followerId: number, entries: readonly ReplicaFetchEntry[], out: FetchRead): ReplicaFetchResult[] {
    const now = this.cluster.sim.now;
    const brokerEpoch = this.cluster.controller.brokerEpoch(followerId);
    // `out` is the fetch itself: a read can wake other parked fetches (the HW moves), which read too
    startRead(out, this.replicaFetchResponseMaxBytes);
    const results: ReplicaFetchResult[] = [];
    for (const entry of entries) {
      const pid = entry.pid;
      const replica = this.replicaOf[pid];
      let error: number = KafkaError.NONE;
      if (!replica || replica.role !== "leader") error = KafkaError.NOT_LEADER_OR_FOLLOWER;
      else if (entry.leaderEpoch !== replica.leaderEpoch) error = KafkaError.FENCED_LEADER_EPOCH;
      else if (entry.brokerEpoch !== brokerEpoch) error = KafkaError.STALE_BROKER_EPOCH;
      if (error !== KafkaError.NONE || !replica) {
        results.push({ pid, error, diverging: null, batchIds: NO_BATCHES, epochs: NO_BATCHES, highWatermark: 0, logStartOffset: 0 });
        continue;
      }
      const log = replica.log;
      // a follower ahead of this log diverged too, though its epoch may still be this log's latest: a new
      // leader that has not written in its own epoch yet (Kafka records the epoch's start on election)
      if (entry.lastFetchedEpoch >= 0 && (entry.lastFetchedEpoch !== log.latestEpoch || entry.fetchOffset > log.logEndOffset)) {
        const end = log.endOffsetForEpoch(entry.lastFetchedEpoch);
        if (end.epoch !== entry.lastFetchedEpoch || end.endOffset < entry.fetchOffset) {
          results.push({ pid, error: KafkaError.NONE, diverging: end, batchIds: NO_BATCHES, epochs: NO_BATCHES, highWatermark: replica.highWatermark, logStartOffset: log.logStartOffset });
          continue;
        }
      }
      this.recordFollowerFetch(replica, followerId, entry.fetchOffset, now);
      // OFFSET_OUT_OF_RANGE: whole batches below the log start were deleted (a log start inside a batch, taken
      // from an earlier leader, leaves that batch readable: it is read as usual)
      const deletedFrom = entry.fetchOffset < log.logStartOffset ? log.indexOf(entry.fetchOffset) : log.startIndex;
      if (deletedFrom < log.startIndex) {
        results.push({ pid, error: KafkaError.NONE, diverging: null, batchIds: batchIdsOf(log, deletedFrom, log.startIndex), epochs: epochsOf(log, deletedFrom, log.startIndex), highWatermark: replica.highWatermark, logStartOffset: log.logStartOffset, belowLogStart: true });
        continue;
      }
      if (entry.fetchOffset >= log.logEndOffset) {
        if (replica.highWatermark > entry.highWatermark || log.logStartOffset > entry.logStartOffset) {
          results.push({ pid, error: KafkaError.NONE, diverging: null, batchIds: NO_BATCHES, epochs: NO_BATCHES, highWatermark: replica.highWatermark, logStartOffset: log.logStartOffset });
        }
        continue;
      }
      const from = log.indexOf(entry.fetchOffset);
      const to = readBatches(out, log, this.cluster.partitions[pid]!.store, from, Infinity, this.replicaFetchMaxBytes);
      out.diskBytes += this.uncached(log, from, to);
      // held back by the response's limit: the partition is still in the answer if its HW is news
      if (to > from || replica.highWatermark > entry.highWatermark || log.logStartOffset > entry.logStartOffset) {
        results.push({ pid, error: KafkaError.NONE, diverging: null, batchIds: batchIdsOf(log, from, to), epochs: epochsOf(log, from, to), highWatermark: replica.highWatermark, logStartOffset: log.logStartOffset });
      }
    }
    return results;
  }

  /** What a follower's fetch tells the leader: its log end offset, so the HW and the ISR can move. */
  private recordFollowerFetch(replica: Replica, followerId: number, fetchOffset: number, now: number): void {
    const follower = replica.followers[followerId];
    if (!follower) return;
    const leaderLeo = replica.log.logEndOffset;
    if (fetchOffset >= leaderLeo) follower.lastCaughtUpMs = now;
    else if (fetchOffset >= follower.lastFetchLeaderLeo) follower.lastCaughtUpMs = Math.max(follower.lastCaughtUpMs, follower.lastFetchMs);
    follower.lastFetchLeaderLeo = leaderLeo;
    follower.lastFetchMs = now;
    follower.logEndOffset = fetchOffset;
    if (!replica.isr.includes(followerId)) {
      if (!replica.alterPending && fetchOffset >= replica.highWatermark && fetchOffset >= replica.leaderEpochStartOffset && !this.cluster.controller.isFenced(followerId)) {
        this.proposeIsr(replica, [...replica.isr, followerId]);
      }
    } else {
      this.advanceHighWatermark(replica);
    }
  }

  /**
   * OffsetsForLeaderEpoch from a consumer validating its position after a
   * leader change (KIP-320): where `epoch` ends in this leader's log.
   */
  endOffsetForEpoch(pid: number, currentLeaderEpoch: number, epoch: number): EpochEndOffset {
    const replica = this.replicaOf[pid];
    if (!replica || replica.role !== "leader") return { error: KafkaError.NOT_LEADER_OR_FOLLOWER, epoch: -1, endOffset: -1 };
    const error = this.epochError(replica, currentLeaderEpoch);
    if (error !== KafkaError.NONE) return { error, epoch: -1, endOffset: -1 };
    const end = replica.log.endOffsetForEpoch(epoch);
    // the epoch began after the log's first one was lost (empty log, or older than all it holds): Kafka answers UNDEFINED
    if (end.epoch < 0) return { error: KafkaError.NONE, epoch: -1, endOffset: -1 };
    // a leader that has not written in its own epoch yet still ends the asked epoch where its own began
    return { error: KafkaError.NONE, epoch: end.epoch, endOffset: Math.min(end.endOffset, epoch < replica.leaderEpoch ? replica.leaderEpochStartOffset : end.endOffset) };
  }

  /** KIP-320: a client's view of the leader epoch against this leader's (-1: the client did not say). */
  private epochError(replica: Replica, currentLeaderEpoch: number): number {
    if (currentLeaderEpoch < 0 || currentLeaderEpoch === replica.leaderEpoch) return KafkaError.NONE;
    return currentLeaderEpoch < replica.leaderEpoch ? KafkaError.FENCED_LEADER_EPOCH : KafkaError.UNKNOWN_LEADER_EPOCH;
  }

  /** Incremental fetch (KIP-227): only partitions with records or an error are in the response. */
  readForConsumer(entries: readonly ConsumerFetchEntry[], limits: ConsumerFetchLimits, out: FetchRead): ConsumerFetchResult[] {
    startRead(out, limits.maxBytes);
    const results: ConsumerFetchResult[] = [];
    for (const entry of entries) {
      const replica = this.replicaOf[entry.pid];
      if (!replica || replica.role !== "leader") {
        results.push({ pid: entry.pid, fetchOffset: entry.offset, error: KafkaError.NOT_LEADER_OR_FOLLOWER, batchIds: NO_BATCHES, endOffsets: NO_BATCHES, epochs: NO_BATCHES, highWatermark: 0, logEndOffset: 0, logStartOffset: 0 });
        continue;
      }
      const log = replica.log;
      const epochError = entry.leaderEpoch === replica.leaderEpoch ? KafkaError.NONE : this.epochError(replica, entry.leaderEpoch);
      if (epochError !== KafkaError.NONE || entry.offset > log.logEndOffset || entry.offset < log.logStartOffset) {
        const error = epochError !== KafkaError.NONE ? epochError : KafkaError.OFFSET_OUT_OF_RANGE;
        results.push({ pid: entry.pid, fetchOffset: entry.offset, error, batchIds: NO_BATCHES, endOffsets: NO_BATCHES, epochs: NO_BATCHES, highWatermark: replica.highWatermark, logEndOffset: log.logEndOffset, logStartOffset: log.logStartOffset });
        continue;
      }
      // consumers read only up to the high watermark: what every ISR member has
      if (entry.offset >= replica.highWatermark) continue;
      const from = log.indexOf(entry.offset);
      const to = readBatches(out, log, this.cluster.partitions[entry.pid]!.store, from, replica.highWatermark, limits.maxPartitionBytes);
      if (to === from) continue;
      out.diskBytes += this.uncached(log, from, to);
      const endOffsets: number[] = new Array<number>(to - from);
      for (let i = from; i < to; i++) endOffsets[i - from] = log.endOffsetAt(i);
      results.push({ pid: entry.pid, fetchOffset: entry.offset, error: KafkaError.NONE, batchIds: batchIdsOf(log, from, to), endOffsets, epochs: epochsOf(log, from, to), highWatermark: replica.highWatermark, logEndOffset: log.logEndOffset, logStartOffset: log.logStartOffset });
    }
    return results;
  }

  // ---- follower side ----

  /** Append what a fetch brought; returns when an fsync it needed is done (0: none needed). */
  applyFetched(result: ReplicaFetchResult, leaderId: number): number {
    const replica = this.replicaOf[result.pid];
    if (!replica || replica.role !== "follower" || replica.leaderId !== leaderId) return 0;
    const log = replica.log;
    if (result.diverging) {
      const own = log.endOffsetForEpoch(result.diverging.epoch);
      const target = Math.min(result.diverging.endOffset, own.epoch === result.diverging.epoch ? own.endOffset : result.diverging.endOffset);
      const before = log.logEndOffset;
      log.truncateTo(target);
      const removed = before - log.logEndOffset;
      if (removed > 0) {
        this.stats.truncatedMessages += removed;
        this.rebuildSequences(replica);
        if (replica.highWatermark > log.logEndOffset) replica.highWatermark = log.logEndOffset;
        this.cluster.events.emit(
          this.cluster.sim.now,
          "truncation",
          `${this.name} truncated ${this.cluster.partitions[result.pid]!.name} from offset ${before} to ${log.logEndOffset} (leader epoch ${replica.leaderEpoch}): ${removed} messages the new leader never had are discarded`,
        );
      }
      return 0;
    }
    const { store, topicRef } = this.cluster.partitions[result.pid]!;
    const segmentBytes = num(topicRef.config["segment.bytes"]);
    const segmentMs = num(topicRef.config["segment.ms"]);
    const now = this.cluster.sim.now;
    if (result.belowLogStart) {
      // OFFSET_OUT_OF_RANGE: what this follower missed was deleted by retention; it starts its log at the
      // leader's log start without copying it (the ids keep the arrays dense, no record is read or written)
      const before = log.logEndOffset;
      for (let i = 0; i < result.batchIds.length; i++) {
        const batchId = result.batchIds[i]!;
        const count = store.countOf(batchId);
        log.append(batchId, count, store.bytesOf(batchId), result.epochs[i]!, now, segmentBytes, segmentMs);
        replica.noteProducerBatch(store.producerOf(batchId), store.baseSeqOf(batchId) + count, store.producerEpochOf(batchId));
      }
      log.advanceStartTo(result.logStartOffset);
      log.flushedOffset = Math.max(log.flushedOffset, log.logEndOffset);
      if (replica.highWatermark < log.logStartOffset) replica.highWatermark = log.logStartOffset;
      this.cluster.events.emit(
        now,
        "truncation",
        `${this.name} fetched ${this.cluster.partitions[result.pid]!.name} from offset ${before}, below leader broker-${leaderId}'s log start offset ${result.logStartOffset} (OFFSET_OUT_OF_RANGE): retention deleted what it missed, so it starts its log there without copying the ${(log.logEndOffset - before).toLocaleString("en-US")} deleted messages`,
      );
      return 0;
    }
    let fsyncDone = 0;
    let bytes = 0;
    const base = log.logEndOffset;
    for (let i = 0; i < result.batchIds.length; i++) {
      const batchId = result.batchIds[i]!;
      const count = store.countOf(batchId);
      const size = store.bytesOf(batchId);
      log.append(batchId, count, size, result.epochs[i]!, now, segmentBytes, segmentMs);
      bytes += size;
      replica.noteProducerBatch(store.producerOf(batchId), store.baseSeqOf(batchId) + count, store.producerEpochOf(batchId));
    }
    if (bytes > 0) {
      const diskDone = this.pageCache.write(now, bytes);
      this.pageCache.note(diskDone, result.pid, base);
      // flush.messages reached: the fetcher thread fsyncs before it fetches again
      if (this.flushIfDue(log, topicRef.config)) fsyncDone = this.pageCache.fsync(now);
      // over the dirty limit, the fetcher thread's write waits for the disk, and its next fetch with it
      if (this.pageCache.blockedUntil > fsyncDone) {
        fsyncDone = this.pageCache.blockedUntil;
        if (!this.toldDirtyLimit) this.tellDirtyLimit();
      }
      log.noteWritten(this.pageCache.written);
      this.cluster.instruments.replicated(bytes);
    }
    const hw = Math.min(result.highWatermark, log.logEndOffset);
    if (hw > replica.highWatermark) replica.highWatermark = hw;
    // the leader's log start offset comes with every answer: retention moves the follower's too,
    // and its high watermark with it (UnifiedLog.maybeIncrementLogStartOffset)
    log.advanceStartTo(result.logStartOffset);
    if (replica.highWatermark < log.logStartOffset) replica.highWatermark = log.logStartOffset;
    return fsyncDone;
  }

  /**
   * Kafka's own flush policy, checked after each append (UnifiedLog.append): with flush.messages
   * unflushed messages or more the log is fsynced now. True when it was: the caller's answer (or
   * next fetch) waits for the disk.
   */
  private flushIfDue(log: ReplicaLog, topic: Record<string, ConfigValue>): boolean {
    if (log.logEndOffset - log.flushedOffset < num(topic["flush.messages"])) return false;
    log.flush(this.cluster.sim.now);
    return true;
  }

  private rebuildSequences(replica: Replica): void {
    const store = this.cluster.partitions[replica.pid]!.store;
    replica.rebuildSequences(
      (id) => store.producerOf(id),
      (id) => store.baseSeqOf(id) + store.countOf(id),
      (id) => store.producerEpochOf(id),
    );
  }

  // ---- group coordination ----

  /** This broker is the coordinator of the group whose offsets partition it leads. */
  leadsOffsetsPartition(pid: number): boolean {
    return this.replicaOf[pid]?.role === "leader";
  }
}

/**
 * A fetch the broker holds until there is something to say (Kafka's
 * DelayedFetch): records (fetch.min.bytes = 1) or an error complete it at
 * once; otherwise it waits on its partitions until new data, a role change
 * or its max wait. A newer high watermark alone rides along with the answer.
 */
abstract class DelayedFetch<E extends { pid: number }, R extends { error: number }> implements ParkedFetch, Expiring, FetchRead {
  /** Answered; or, before it is parked, not waiting for anything. */
  done = false;
  deadline = 0;
  /** Bytes of records the last read() returns. */
  bytes = 0;
  diskBytes = 0;
  /** Bytes the last read() found readable (each partition up to its limit): answered once at least minBytes. */
  available = 0;
  left = 0;

  constructor(
    protected readonly broker: Broker,
    protected entries: readonly E[],
    private reply: (bytes: number, results: R[], readyAt: number) => void,
    /** fetch.min.bytes (replica.fetch.min.bytes for followers). */
    private readonly minBytes: number,
  ) {}

  /** What the partitions have for this fetch now (sets `bytes` and `available`). */
  protected abstract read(): R[];
  /** Could partition `pid` have something new for this fetch? */
  protected abstract changed(pid: number): boolean;

  start(maxWaitMs: number): void {
    const first = this.read();
    if (maxWaitMs <= 0 || this.worthAnswering(first)) this.answer(first);
    else {
      this.deadline = this.broker.cluster.sim.now + maxWaitMs;
      this.broker.park(this, maxWaitMs, this.entries);
    }
  }

  /** Woken by `pid` (new data or a role change): answer if there is something to say, else wait on. */
  wake(pid: number): void {
    if (this.done) return;
    if (this.changed(pid)) {
      const results = this.read();
      if (this.worthAnswering(results)) {
        this.answer(results);
        return;
      }
    }
    this.broker.repark(this, pid);
  }

  /** fetch.max.wait.ms passed: answer with whatever there is. */
  timedOut(): void {
    // done before the read: a read can wake parked fetches, this one among them
    this.done = true;
    this.answer(this.read());
  }

  /** Enough bytes to read, or an error or a divergence to tell. */
  private worthAnswering(results: readonly R[]): boolean {
    if (this.available > 0 && this.available >= this.minBytes) return true;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]! as R & { diverging?: unknown };
      if (r.error !== KafkaError.NONE || r.diverging) return true;
    }
    // fetch.min.bytes = 0: answered at once, with nothing (a busy poll, as in Kafka)
    return this.minBytes <= 0;
  }

  protected entryFor(pid: number): E {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) if (entries[i]!.pid === pid) return entries[i]!;
    throw new Error(`partition ${pid} is not in this fetch`);
  }

  private answer(results: R[]): void {
    this.done = true;
    const reply = this.reply;
    // the timeout lane keeps this fetch until its deadline passes: let go of the request and its exchange now
    this.entries = NONE as readonly E[];
    this.reply = answered;
    reply(50 + this.bytes + 20 * results.length, results, this.broker.fetchDone(this.bytes, this.diskBytes));
  }
}

/**
 * Reading a fetch's record batches, with Kafka's limits (KIP-74): each
 * partition gives at most its own limit and the response at most its limit,
 * except that the first batch of the first partition with any is sent
 * whatever its size, so a batch larger than the limits still gets through.
 * `available` adds what each partition could give within its own limit: what
 * a fetch's min bytes is compared with (DelayedFetch.tryComplete's
 * accumulatedSize; Kafka's first look compares the bytes read instead, which
 * differs only when the minimum is above the response's limit).
 */
function startRead(out: FetchRead, responseMaxBytes: number): void {
  out.bytes = 0;
  out.diskBytes = 0;
  out.available = 0;
  out.left = responseMaxBytes;
}

/** Read the batches of `log` from index `from` that end at or below offset `upTo`: the index after the last one sent. */
function readBatches(out: FetchRead, log: Replica["log"], store: { bytesOf(batchId: number): number }, from: number, upTo: number, partitionMaxBytes: number): number {
  const cap = Math.min(partitionMaxBytes, out.left);
  const minOne = out.bytes === 0;
  let taking = true;
  let taken = 0;
  let readable = 0;
  let to = from;
  for (let i = from; i < log.length && log.endOffsetAt(i) <= upTo; i++) {
    const size = store.bytesOf(log.batchAt(i));
    if (taking) {
      if (taken + size <= cap || (taken === 0 && minOne)) {
        taken += size;
        to = i + 1;
      } else taking = false;
    }
    readable += size;
    if (!taking && readable >= partitionMaxBytes) break;
  }
  out.available += Math.min(readable, partitionMaxBytes);
  out.bytes += taken;
  out.left = Math.max(0, out.left - taken);
  return to;
}

const answered = (): void => {};
const NONE: readonly never[] = [];

/**
 * The batches of a fetch answer without records (an error, a divergence, a newer high watermark
 * alone): one shared empty list, read only, instead of new arrays in most answers.
 */
const NO_BATCHES: readonly number[] = Object.freeze([]);

/**
 * Batch ids and epochs of log indexes [from, to), copied (the log may be truncated and rewritten
 * before the answer is read). Sized up front: a fetch mostly carries one or two batches, and an
 * array grown by push() would reserve room for 17.
 */
function batchIdsOf(log: Replica["log"], from: number, to: number): number[] {
  const out = new Array<number>(to - from);
  for (let i = from; i < to; i++) out[i - from] = log.batchAt(i);
  return out;
}

function epochsOf(log: Replica["log"], from: number, to: number): number[] {
  const out = new Array<number>(to - from);
  for (let i = from; i < to; i++) out[i - from] = log.epochAt(i);
  return out;
}

class FollowerFetch extends DelayedFetch<ReplicaFetchEntry, ReplicaFetchResult> {
  constructor(
    broker: Broker,
    entries: readonly ReplicaFetchEntry[],
    reply: (bytes: number, results: ReplicaFetchResult[], readyAt: number) => void,
    minBytes: number,
    private readonly followerId: number,
  ) {
    super(broker, entries, reply, minBytes);
  }

  protected read(): ReplicaFetchResult[] {
    return this.broker.readForFollower(this.followerId, this.entries, this);
  }

  protected changed(pid: number): boolean {
    const replica = this.broker.replica(pid);
    return replica.role !== "leader" || replica.log.logEndOffset > this.entryFor(pid).fetchOffset;
  }
}

class ConsumerFetch extends DelayedFetch<ConsumerFetchEntry, ConsumerFetchResult> {
  constructor(
    broker: Broker,
    entries: readonly ConsumerFetchEntry[],
    reply: (bytes: number, results: ConsumerFetchResult[], readyAt: number) => void,
    private readonly limits: ConsumerFetchLimits,
  ) {
    super(broker, entries, reply, limits.minBytes);
  }

  protected read(): ConsumerFetchResult[] {
    return this.broker.readForConsumer(this.entries, this.limits, this);
  }

  protected changed(pid: number): boolean {
    const replica = this.broker.replica(pid);
    return replica.role !== "leader" || replica.highWatermark > this.entryFor(pid).offset;
  }
}

/** Whole above 10, two significant digits below: 500, 12, 2, 0.25. */
function roughly(n: number): string {
  return n >= 10 ? Math.round(n).toLocaleString("en-US") : String(Number(n.toPrecision(2)));
}

function formatMBps(MBps: number): string {
  return `${roughly(MBps)} MB/s`;
}

function formatMB(bytes: number): string {
  return `${roughly(bytes / MB)} MB`;
}
