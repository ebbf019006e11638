/**
 * A Kafka producer and the application feeding it. Records arrive from the
 * workload, are partitioned (murmur2 of the key, or sticky for null keys),
 * gathered per partition into batches (batch.size, linger.ms), and sent by
 * the sender thread: one ProduceRequest per leader broker carrying at most
 * one batch per partition, at most max.in.flight.requests.per.connection
 * unanswered per broker. Failures are retried with back-off until
 * delivery.timeout.ms; NOT_LEADER_OR_FOLLOWER and lost connections trigger a
 * metadata refresh. With enable.idempotence each batch carries sequence
 * numbers, so the broker drops retried duplicates and keeps order.
 */
import type { Cluster } from "../engine/context";
import { entityRng, num } from "../engine/context";
import { producerConfig, resolveConfig, type ConfigValue } from "./config";
import { RpcClient, connectionOptions, type RpcResult } from "./rpc";
import { KafkaError, errorName, isRetriable } from "./errors";
import { StickyPartitioner, keyPartitionWeights } from "./partitioner";
import { partitionForKey, utf8 } from "./murmur2";
import { Arrivals, keyWeights, rateAt } from "../workload/arrivals";
import type { ProducerSpec } from "../scenario/schema";
import type { Rng } from "../kernel/rng";
import type { ProduceEntry } from "./broker";
import { LeaderView } from "./metadata";
import { AliasTable } from "../workload/alias";
import { exponentialBackoff } from "./backoff";

interface Batch {
  readonly partition: number;
  readonly pid: number;
  batchId: number;
  baseSeq: number;
  count: number;
  bytes: number;
  firstCreated: number;
  lastCreated: number;
  readonly deadline: number;
  attempts: number;
  retryAt: number;
  /** Failed by delivery.timeout.ms while its request was in flight: the answer, when it comes, is ignored. */
  expired: boolean;
  /** A piece of a batch the broker refused as too large (ProducerBatch.isSplitBatch): it has its sequence already. */
  split: boolean;
  /** Bytes of buffer.memory this batch holds from its creation until it is acknowledged or fails. */
  readonly allocated: number;
}

interface PartitionQueue {
  open: Batch | null;
  /** Closed batches waiting to be sent, in sequence order. */
  ready: Batch[];
  inFlight: number;
  nextSeq: number;
  /**
   * The producer epoch batches of this partition are sent with. A batch failed for good leaves a
   * gap in the sequence (or the leader lost the producer's state): the epoch is bumped, and the
   * broker starts the sequence afresh at the first batch of the new epoch and refuses older ones.
   */
  epoch: number;
  /** A bump is due: it happens once no request of the old epoch is in flight, and nothing is sent meanwhile. */
  bumpPending: boolean;
  /** Base sequences of closed batches neither acknowledged nor failed yet, oldest first. */
  outstanding: number[];
}

export class Producer {
  readonly name: string;
  config: Record<string, ConfigValue>;
  up = true;
  private rpc: RpcClient;
  private readonly rng: Rng;
  /** Jitter of retry back-offs: its own stream, so retries do not shift the workload's draws. */
  private readonly backoffRng: Rng;
  private readonly arrivals: Arrivals;
  private readonly queues: PartitionQueue[];
  private readonly pids: number[];
  /** Partitions with batches ready to send: the sender looks only at these. */
  private readonly waiting = new Set<number>();
  /**
   * Partitions whose open batch has waited linger.ms: sent as soon as its
   * leader's connection takes another request. Until then, as in Kafka's
   * accumulator, it stays open and keeps filling up to batch.size, so a
   * producer held back by max.in.flight sends fewer, fuller batches.
   */
  private readonly lingered = new Set<number>();
  /** Partitions with an open batch (a sticky producer has one or two of hundreds): the tick looks only at these. */
  private readonly opened = new Set<number>();
  /** Partition of a keyed record, by the keys' weights; null for null keys (sticky partitioner). */
  private readonly keyed: AliasTable | null;
  /** Share of the records that go to the busiest partition (1 for null keys: the sticky partition takes them all). */
  private readonly busiestShare: number;
  private readonly counts: Int32Array;
  private readonly sticky: StickyPartitioner | null;
  private bufferedBytes = 0;
  /** Records blocked in send() by a full buffer.memory: [createdMs, count]. */
  private blocked: [number, number][] = [];
  private lastTick = 0;
  private readonly leaders: LeaderView;
  private generation = 0;
  /** Multiplier on the workload's rate set from the app (the loadFactor command). */
  private userFactor = 1;
  /** Active load-spike faults' factors. */
  private readonly spikes: number[] = [];
  /** Active hot-key faults: the share of records with the key, and the partition index it hashes to. */
  private readonly hotKeys: { key: string; share: number; partition: number }[] = [];
  private hotShare = 0;
  get loadFactor(): number {
    return this.userFactor;
  }
  set loadFactor(factor: number) {
    this.userFactor = factor;
    this.arrivals.factor = factor * this.spikeFactor;
  }
  /** The product of the active load spikes (1: none). */
  get spikeFactor(): number {
    let f = 1;
    for (const s of this.spikes) f *= s;
    return f;
  }

  /** A load-spike fault: the rate is `factor` times higher until spikeHealed(factor). */
  spike(factor: number): void {
    this.spikes.push(factor);
    this.arrivals.factor = this.userFactor * this.spikeFactor;
  }

  spikeHealed(factor: number): void {
    const i = this.spikes.indexOf(factor);
    if (i >= 0) this.spikes.splice(i, 1);
    this.arrivals.factor = this.userFactor * this.spikeFactor;
  }

  /**
   * A hot-key fault: `share` of the records carry `key` until hotKeyHealed(). Its partition is
   * murmur2's, as for every key (with partitioner.ignore.keys the sticky partitioner spreads them
   * like any record). Returns that partition's index, or -1 when keys pick no partition.
   */
  hotKey(key: string, share: number): number {
    const partition = this.config["partitioner.ignore.keys"] === true ? -1 : partitionForKey(utf8(key), this.pids.length);
    this.hotKeys.push({ key, share, partition });
    this.hotShare = this.sumHotShares();
    return partition;
  }

  hotKeyHealed(key: string, share: number): void {
    const i = this.hotKeys.findIndex((h) => h.key === key && h.share === share);
    if (i >= 0) this.hotKeys.splice(i, 1);
    this.hotShare = this.sumHotShares();
  }

  /** The share of records that carry a hot key picking a partition (overlapping faults add up, to 1 at most). */
  private sumHotShares(): number {
    return Math.min(1, this.hotKeys.reduce((sum, h) => sum + (h.partition >= 0 ? h.share : 0), 0));
  }

  /** buffer.memory in use (bytes) and records waiting in send() for room in it. */
  bufferState(): { usedBytes: number; limitBytes: number; blockedRecords: number } {
    let blockedRecords = 0;
    for (const entry of this.blocked) blockedRecords += entry[1];
    return { usedBytes: this.bufferedBytes, limitBytes: num(this.config["buffer.memory"]), blockedRecords };
  }

  /** Records a second the workload creates now (its rate times the load factors). */
  currentRate(): number {
    return rateAt(this.spec.workload, this.cluster.sim.now) * this.arrivals.factor;
  }

  /** The active hot keys, for the app. */
  activeHotKeys(): readonly { key: string; share: number; partition: number }[] {
    return this.hotKeys;
  }
  /** Records that send() failed before they got a sequence (buffer full past max.block.ms). */
  failedUnsent = 0;
  private saidTooLarge = false;
  readonly errors = new Map<number, number>();

  constructor(
    private readonly cluster: Cluster,
    readonly index: number,
    readonly spec: ProducerSpec,
  ) {
    this.name = spec.id;
    this.config = resolveConfig(producerConfig, spec.config);
    this.idempotence = this.idempotenceOf(this.config);
    this.rng = entityRng(cluster, `producer:${spec.id}`);
    this.backoffRng = entityRng(cluster, `backoff:${spec.id}`);
    this.arrivals = new Arrivals(spec.workload, entityRng(cluster, `workload:${spec.id}`));
    const topic = cluster.topics.get(spec.topic)!;
    this.pids = topic.pids;
    this.queues = topic.pids.map(() => ({ open: null, ready: [], inFlight: 0, nextSeq: 0, epoch: 0, bumpPending: false, outstanding: [] }));
    this.leaders = new LeaderView(cluster, () => this.rpc, topic.pids, () => num(this.config["retry.backoff.ms"]), () => this.drain());
    this.counts = new Int32Array(topic.pids.length);
    const keys = this.config["partitioner.ignore.keys"] === true ? null : keyWeights(spec.keys);
    const partitionWeights = keys ? keyPartitionWeights(keys.names, keys.weights, topic.pids.length) : null;
    this.keyed = partitionWeights ? new AliasTable(partitionWeights) : null;
    this.busiestShare = partitionWeights ? Math.max(...partitionWeights) / partitionWeights.reduce((a, b) => a + b, 0) : 1;
    this.sticky = keys ? null : new StickyPartitioner(() => this.rng.float(), topic.pids.length, { batchSize: num(this.config["batch.size"]), adaptive: this.config["partitioner.adaptive.partitioning.enable"] === true });
    this.rpc = this.newRpc();
  }

  private newRpc(): RpcClient {
    return new RpcClient(this.cluster, this.name, {
      requestTimeoutMs: num(this.config["request.timeout.ms"]),
      ...connectionOptions(this.config),
      onDisconnect: () => {
        if (this.up) this.leaders.refresh();
      },
    });
  }

  private get acks(): "0" | "1" | "all" {
    return this.config.acks as "0" | "1" | "all";
  }

  get idempotent(): boolean {
    return this.idempotence;
  }

  /** Read on every drain: kept beside the config it follows (setConfig recomputes it). */
  private idempotence = false;

  // ProducerConfig.postProcessAndValidateIdempotenceConfigs: idempotence left at its default is
  // turned off by acks other than all or retries = 0 (set explicitly, the loader refuses those)
  private idempotenceOf(config: Record<string, ConfigValue>): boolean {
    return config["enable.idempotence"] === true && config.acks === "all" && num(config.retries) > 0;
  }

  start(): void {
    this.leaders.refresh();
    this.lastTick = this.cluster.sim.now;
    this.scheduleTick();
    const age = num(this.config["metadata.max.age.ms"]);
    const periodic = () => {
      if (!this.up) return;
      this.leaders.refresh();
      this.cluster.sim.schedule(age, periodic);
    };
    this.cluster.sim.schedule(age, periodic);
  }

  /**
   * A pause fault freezes the process (a long GC): send() is not called, so the records the
   * workload makes meanwhile wait for it (their creation times stay: latency counts the pause), the
   * sender sends nothing, and answers and timeouts are handled once it thaws.
   */
  pause(): void {
    if (this.up) this.frozen = true;
  }

  resume(): void {
    if (!this.frozen) return;
    this.frozen = false;
    const deferred = this.deferred;
    this.deferred = [];
    for (const fn of deferred) fn();
    const generation = this.generation;
    if (this.tickMissed) {
      this.tickMissed = false;
      // the records made while frozen are sent now: their batches' delivery.timeout.ms starts now
      this.sendFloor = this.cluster.sim.now;
      if (generation === this.generation && this.up) this.tick();
      this.sendFloor = -Infinity;
    } else this.drain();
  }

  private frozen = false;
  /** A pause fault holds it frozen. */
  get paused(): boolean {
    return this.frozen;
  }
  /** Answers that came while frozen, handled on thawing. */
  private deferred: (() => void)[] = [];
  /** The accumulator's tick fell due while frozen: it runs on thawing, then goes on as before. */
  private tickMissed = false;
  /** When send() is called for the records being appended, if later than their creation (on thawing). */
  private sendFloor = -Infinity;

  crash(): void {
    if (!this.up) return;
    this.up = false;
    this.frozen = false;
    this.deferred = [];
    this.tickMissed = false;
    this.generation++;
    this.rpc.close();
    // acks=0 batches still waiting for a connection died with the process: they will never arrive
    for (const b of this.unarrived) if (b.arrivesAt === Infinity) b.arrivesAt = -Infinity;
    // records in its memory are gone with it: neither acknowledged nor failed
    for (const queue of this.queues) {
      queue.open = null;
      queue.ready = [];
      queue.inFlight = 0;
    }
    this.bufferedBytes = 0;
    this.blocked = [];
    this.dequeMade?.fill(0);
    this.deques = 0;
    this.sent.clear();
    this.lingered.clear();
    this.opened.clear();
  }

  restart(): void {
    if (this.up) return;
    this.up = true;
    this.rpc = this.newRpc();
    this.leaders.reset();
    // a new producer instance: new producer id/epoch, sequences restart
    for (const queue of this.queues) {
      queue.epoch++;
      queue.bumpPending = false;
    }
    this.start();
  }

  setConfig(key: string, value: ConfigValue): void {
    this.config = resolveConfig(producerConfig, { ...this.config, [key]: value });
    this.idempotence = this.idempotenceOf(this.config);
  }

  // ---- the application and the accumulator ----

  /**
   * The accumulator is fed once a tick: every linger.ms, or sooner when a batch fills faster than
   * that. Kafka wakes its sender as soon as a batch is full (KafkaProducer.doSend: batchIsFull), so a
   * full batch does not wait out linger.ms; here it waits at most one tick (1 ms at the least).
   */
  private tickMs(): number {
    const linger = Math.max(1, num(this.config["linger.ms"]));
    const rate = rateAt(this.spec.workload, this.cluster.sim.now) * this.arrivals.factor;
    if (rate <= 0) return linger;
    const perBatch = Math.max(1, Math.floor(num(this.config["batch.size"]) / this.recordBytes()));
    // the sticky partitioner sends every null-key record to one partition; keys spread by their hash
    const busiest = this.hotShare + (1 - this.hotShare) * this.busiestShare;
    const fillMs = (perBatch / (rate * busiest)) * 1000;
    return Math.max(1, Math.min(linger, fillMs));
  }

  private scheduleTick(): void {
    const generation = this.generation;
    this.cluster.sim.schedule(this.tickMs(), () => {
      if (generation !== this.generation || !this.up) return;
      if (this.frozen) this.tickMissed = true;
      else this.tick();
    });
  }

  /** Scratch for the accumulator's ready(): queue sizes by partition, and the partitions whose queue may not be empty. */
  private queueSizes: Int32Array | null = null;
  private busy: Int32Array | null = null;
  /**
   * Partitions that have had a batch since the process started: the accumulator makes a
   * partition's deque at its first batch and keeps it. Adaptive partitioning starts once every
   * partition of the topic has one (RecordAccumulator.ready: batches.size() >= partitions).
   */
  private dequeMade: Uint8Array | null = null;
  private deques = 0;

  /** A batch opens on partition `p`: its deque exists from now on. */
  private madeDeque(p: number): void {
    const made = (this.dequeMade ??= new Uint8Array(this.queues.length));
    if (made[p] === 1) return;
    made[p] = 1;
    this.deques++;
  }

  /** Batches in partition `p`'s deque: those ready to send and the one still open (Deque.size()). */
  private dequeSize(p: number): number {
    const queue = this.queues[p]!;
    return queue.ready.length + (queue.open ? 1 : 0);
  }

  /**
   * The accumulator's ready() gives the sticky partitioner its load stats: which partitions have
   * a leader and, with adaptive partitioning once every partition has a deque, each one's deque
   * size. Deques are almost all empty, so when every partition has a leader only those that may
   * not be (a batch open or waiting) are counted.
   */
  private updateLoad(sticky: StickyPartitioner): void {
    const queues = this.queues;
    const sizes = (this.queueSizes ??= new Int32Array(queues.length));
    const weigh = sticky.adaptive && this.deques === queues.length;
    if (this.leaders.leaderless > 0) {
      if (weigh) for (let p = 0; p < queues.length; p++) sizes[p] = this.dequeSize(p);
      sticky.updateLoad(this.leaders.leader, weigh ? sizes : undefined);
      return;
    }
    const busy = (this.busy ??= new Int32Array(queues.length));
    let n = 0;
    if (weigh) {
      for (const p of this.waiting) {
        busy[n++] = p;
        sizes[p] = this.dequeSize(p);
      }
      for (const p of this.opened) {
        if (this.waiting.has(p)) continue;
        busy[n++] = p;
        sizes[p] = this.dequeSize(p);
      }
    }
    sticky.updateLoadSparse(busy, n, sizes);
  }

  /** Records that arrived since the last tick enter the accumulator; batches lingering long enough close. */
  private tick(): void {
    const now = this.cluster.sim.now;
    const from = this.lastTick;
    this.lastTick = now;
    const arrived = this.arrivals.count(from, now);
    // the accumulator's ready(): adaptive partitioning picks partitions whose queue is longer (a slower leader) less often
    if (this.sticky) this.updateLoad(this.sticky);
    if (arrived > 0) {
      if (!this.refuseIfTooLarge(arrived)) this.blocked.push([from, arrived]);
    }
    this.admitBlocked(now, from);
    const linger = num(this.config["linger.ms"]);
    // RecordAccumulator.ready(): while send() waits for buffer.memory, every batch is sendable at once
    const exhausted = this.blocked.length > 0;
    for (const p of this.opened) {
      if (exhausted || now - this.queues[p]!.open!.firstCreated >= linger - 1e-9) this.lingered.add(p);
    }
    this.expire(now);
    this.drain();
    this.scheduleTick();
  }

  private admitBlocked(now: number, windowStart: number): void {
    const maxBlock = num(this.config["max.block.ms"]);
    while (this.blocked.length > 0) {
      const head = this.blocked[0]!;
      if (now - head[0] > maxBlock) {
        this.failedUnsent += head[1];
        this.countError(KafkaError.BUFFER_EXHAUSTED, head[1]);
        this.blocked.shift();
        continue;
      }
      // records go in until a partition needs a new batch and buffer.memory has no room for it
      const left = this.accumulate(head[1], Math.max(head[0], windowStart), now);
      head[1] = left;
      if (left > 0) return;
      this.blocked.shift();
    }
  }

  /**
   * send() refuses a record larger than max.request.size or buffer.memory
   * (RecordTooLargeException, MESSAGE_TOO_LARGE) before it reaches a batch:
   * the `count` records fail unsent (true). Said once in the event log.
   */
  private refuseIfTooLarge(count: number): boolean {
    // Kafka compares its upper-bound estimate: the uncompressed record in a batch of its own
    const size = this.spec.recordBytes + 61;
    const maxRequest = num(this.config["max.request.size"]);
    const memory = num(this.config["buffer.memory"]);
    if (size <= maxRequest && size <= memory) return false;
    this.failedUnsent += count;
    this.countError(KafkaError.MESSAGE_TOO_LARGE, count);
    if (!this.saidTooLarge) {
      this.saidTooLarge = true;
      const limit = size > maxRequest ? `max.request.size = ${maxRequest}` : `buffer.memory = ${memory}`;
      this.cluster.events.emit(this.cluster.sim.now, "produce-error", `${this.name}: a record of ${size} bytes (recordBytes + batch header) is larger than ${limit}: send() fails every record with RecordTooLargeException (MESSAGE_TOO_LARGE)`);
    }
    return true;
  }

  /**
   * delivery.timeout.ms, raised to linger.ms + request.timeout.ms when left at its default
   * (KafkaProducer.configureDeliveryTimeout; a smaller value set explicitly is refused at load).
   */
  private deliveryTimeoutMs(): number {
    return Math.max(num(this.config["delivery.timeout.ms"]), num(this.config["linger.ms"]) + num(this.config["request.timeout.ms"]));
  }

  private recordBytes(): number {
    const compressed = this.config["compression.type"] !== "none";
    return this.spec.recordBytes * (compressed ? this.spec.compressionRatio : 1);
  }

  /**
   * Spread `n` records created in [from, to] over partitions and into their batches; returns how
   * many found no room (a new batch needed more of buffer.memory than is free): they stay blocked.
   */
  private accumulate(n: number, from: number, to: number): number {
    const recordBytes = this.recordBytes();
    // a hot-key fault: each record has a hot key with its share, else a key of the workload
    const hot = this.hotShare;
    if (this.keyed) {
      // each record's key picks its partition (murmur2, computed once per key); records are drawn independently
      const counts = this.counts;
      if (hot > 0) {
        for (let i = 0; i < n; i++) {
          const r = this.rng.float();
          if (r < hot) counts[this.hotPartition(r)]!++;
          else counts[this.keyed.sample((r - hot) / (1 - hot))]!++;
        }
      } else for (let i = 0; i < n; i++) counts[this.keyed.sample(this.rng.float())]!++;
      let left = 0;
      for (let p = 0; p < counts.length; p++) {
        if (counts[p]! > 0) {
          left += this.append(p, counts[p]!, from, to);
          counts[p] = 0;
        }
      }
      return left;
    }
    const sticky = this.sticky!;
    const perBatch = Math.max(1, Math.floor(num(this.config["batch.size"]) / recordBytes));
    let refusedHot = 0;
    if (hot > 0) {
      const counts = this.counts;
      let keyed = 0;
      for (let i = 0; i < n; i++) {
        const r = this.rng.float();
        if (r < hot) {
          counts[this.hotPartition(r)]!++;
          keyed++;
        }
      }
      for (let p = 0; p < counts.length; p++) {
        if (counts[p]! > 0) {
          refusedHot += this.append(p, counts[p]!, from, to);
          counts[p] = 0;
        }
      }
      n -= keyed;
    }
    let left = n;
    while (left > 0) {
      let room = perBatch - Math.floor(sticky.producedBytes / recordBytes);
      if (room <= 0) {
        // the batch holds no more records though batch.size bytes are not quite reached: switch at the boundary
        sticky.batchFull();
        room = perBatch;
      }
      const k = Math.min(left, room);
      const p = sticky.partition(k * recordBytes);
      const refused = this.append(p, k, from, to);
      left -= k - refused;
      if (refused > 0) return refusedHot + left;
    }
    return refusedHot;
  }

  /** The hot key a draw `r` below hotShare stands for (overlapping hot-key faults split it by share). */
  private hotPartition(r: number): number {
    let last = 0;
    for (const h of this.hotKeys) {
      if (h.partition < 0) continue;
      if (r < h.share) return h.partition;
      r -= h.share;
      last = h.partition;
    }
    return last;
  }

  /** Put `count` records into the partition's batches; returns how many found no buffer.memory for a new batch. */
  private append(partition: number, count: number, from: number, to: number): number {
    const queue = this.queues[partition]!;
    const recordBytes = this.recordBytes();
    const batchSize = num(this.config["batch.size"]);
    const perBatch = Math.max(1, Math.floor(batchSize / recordBytes));
    let left = count;
    let start = from;
    const span = to - from;
    while (left > 0) {
      if (!queue.open) {
        // BufferPool: a new batch takes batch.size (or its one larger record) of buffer.memory at once
        const limit = num(this.config["buffer.memory"]);
        const allocated = Math.min(limit, Math.max(batchSize, 61 + recordBytes));
        if (this.bufferedBytes + allocated > limit) return left;
        this.bufferedBytes += allocated;
        this.opened.add(partition);
        this.madeDeque(partition);
        queue.open = {
          partition,
          pid: this.pids[partition]!,
          batchId: -1,
          baseSeq: 0,
          count: 0,
          bytes: 61, // record batch header
          firstCreated: start,
          lastCreated: start,
          deadline: Math.max(start, this.sendFloor) + this.deliveryTimeoutMs(),
          attempts: 0,
          retryAt: 0,
          expired: false,
          split: false,
          allocated,
        };
      }
      const batch = queue.open;
      const k = Math.min(left, perBatch - batch.count);
      // records are spread evenly over the window; a batch that fills closes when its last record arrives
      const end = start + (span * k) / count;
      batch.count += k;
      batch.bytes += k * recordBytes;
      batch.lastCreated = end;
      left -= k;
      start = end;
      if (batch.count >= perBatch) this.close(queue);
    }
    return 0;
  }

  private close(queue: PartitionQueue): void {
    const batch = queue.open!;
    queue.open = null;
    // the partition's next batch lingers from its own first record
    this.lingered.delete(batch.partition);
    this.opened.delete(batch.partition);
    batch.baseSeq = queue.nextSeq;
    queue.nextSeq += batch.count;
    const store = this.cluster.partitions[batch.pid]!.store;
    batch.batchId = store.add(this.index, batch.baseSeq, batch.count, batch.bytes, batch.firstCreated, batch.lastCreated);
    this.cluster.instruments.attempted(this.index, batch.pid, batch.baseSeq, batch.count);
    queue.ready.push(batch);
    queue.outstanding.push(batch.baseSeq);
    this.waiting.add(batch.partition);
  }

  private settle(queue: PartitionQueue, batch: Batch): void {
    const i = queue.outstanding.indexOf(batch.baseSeq);
    if (i >= 0) queue.outstanding.splice(i, 1);
  }

  // ---- the sender ----

  /**
   * delivery.timeout.ms runs out (Sender.sendProducerData): batches waiting in the accumulator, from
   * the head of each partition's queue, including a batch still open (no leader to send it to), and
   * batches whose request is in flight (getExpiredInflightBatches, KIP-91). An expired batch fails
   * now; the answer to its request, when it comes, is ignored, though the broker may have written it.
   */
  private expire(now: number): void {
    for (const p of this.waiting) {
      const queue = this.queues[p]!;
      while (queue.ready.length > 0 && queue.ready[0]!.deadline <= now) {
        this.fail(queue, queue.ready.shift()!, KafkaError.DELIVERY_TIMEOUT);
      }
    }
    for (const p of this.opened) {
      const queue = this.queues[p]!;
      if (queue.ready.length > 0 || queue.open!.deadline > now) continue;
      this.close(queue);
      this.fail(queue, queue.ready.pop()!, KafkaError.DELIVERY_TIMEOUT);
    }
    if (this.sent.size === 0) return;
    for (const b of this.sent) {
      if (b.deadline > now) continue;
      this.sent.delete(b);
      this.expireInFlight(b);
    }
  }

  /** An in-flight batch past its deadline fails; the partition still counts its request in flight until answered. */
  private expireInFlight(batch: Batch): void {
    batch.expired = true;
    this.fail(this.queues[batch.partition]!, batch, KafkaError.DELIVERY_TIMEOUT);
  }

  /** Batches of requests in flight (acks 1 and all), for delivery.timeout.ms. */
  private readonly sent = new Set<Batch>();

  /** Close the lingered batches that can go now: no earlier batch waits, and the leader's connection has room. */
  private closeLingered(maxInFlight: number): void {
    for (const p of this.lingered) {
      const queue = this.queues[p]!;
      if (queue.ready.length > 0) continue;
      const broker = this.leaders.leader[p]!;
      if (broker < 0 || this.rpc.inFlight(broker) >= maxInFlight || !this.rpc.canSend(broker)) continue;
      if (this.idempotent && queue.inFlight >= Math.min(5, maxInFlight)) continue;
      this.close(queue);
    }
  }

  private drain(): void {
    if (!this.up || this.frozen) return;
    const now = this.cluster.sim.now;
    const maxInFlight = num(this.config["max.in.flight.requests.per.connection"]);
    const maxRequest = num(this.config["max.request.size"]);
    // the requests being built, by leader broker id, and the leaders in the order they were first taken
    const requests = this.requestOf;
    const sizes = this.sizeOf;
    for (;;) {
      let leaders: number[] | null = null;
      this.closeLingered(maxInFlight);
      for (const p of this.waiting) {
        const queue = this.queues[p]!;
        const head = queue.ready[0];
        if (!head) {
          this.waiting.delete(p);
          continue;
        }
        const broker = this.leaders.leader[p]!;
        if (head.retryAt > now || broker < 0) continue;
        if (queue.bumpPending) {
          // Kafka's shouldStopDrainBatchesForPartition: nothing goes out until the old epoch's requests are answered
          if (queue.inFlight > 0) continue;
          queue.epoch++;
          queue.bumpPending = false;
        }
        // idempotence keeps at most 5 batches per partition in flight; without it, order needs max.in.flight 1
        if (this.idempotent && queue.inFlight >= Math.min(5, maxInFlight)) continue;
        // max.in.flight 1 guarantees order (Sender.guaranteeMessageOrder): a partition with a batch in flight
        // is muted until it is answered, even when its leader changed and the next batch would go elsewhere
        if (maxInFlight === 1 && queue.inFlight > 0) continue;
        // a retried batch goes only once every earlier batch of the partition is answered (Kafka's
        // shouldStopDrainBatchesForPartition: the first in-flight sequence), so while it retries a
        // partition has one request in flight, and the batches behind it wait
        if ((head.attempts > 0 || head.split) && this.idempotence && queue.outstanding[0] !== head.baseSeq) continue;
        let request = requests[broker];
        if (request === undefined) {
          if (this.rpc.inFlight(broker) >= maxInFlight || !this.rpc.canSend(broker)) continue;
          // acks=0 batches count as done once sent: they stay in the accumulator until the connection is open
          if (this.acks === "0" && !this.rpc.ready(broker)) continue;
          request = requests[broker] = [];
          sizes[broker] = 0;
          (leaders ??= []).push(broker);
        }
        if (sizes[broker]! + head.bytes > maxRequest && request.length > 0) continue;
        queue.ready.shift();
        queue.inFlight++;
        request.push(head);
        sizes[broker] = sizes[broker]! + head.bytes;
      }
      if (leaders === null) return;
      // send() only puts requests on the wire: nothing it calls comes back to drain() before it returns
      for (let i = 0; i < leaders.length; i++) {
        const broker = leaders[i]!;
        const batches = requests[broker]!;
        requests[broker] = undefined;
        this.send(broker, batches);
      }
    }
  }

  /** drain()'s scratch, reused so that a drain that sends nothing allocates nothing (see drain). */
  private readonly requestOf: (Batch[] | undefined)[] = [];
  private readonly sizeOf: number[] = [];

  /**
   * acks=0 batches counted as done but maybe not yet at the broker (waiting for a connection, or on
   * the wire): at the end of a run they are in flight, not lost. Kept while they may still arrive.
   */
  private unarrived: { pid: number; baseSeq: number; count: number; arrivesAt: number }[] = [];

  /** acks=0 batches still on their way to a broker now (the report does not count them as lost). */
  acksZeroInFlight(): readonly { pid: number; baseSeq: number; count: number }[] {
    const now = this.cluster.sim.now;
    this.unarrived = this.unarrived.filter((b) => b.arrivesAt > now);
    return this.unarrived;
  }

  private send(brokerId: number, batches: Batch[]): void {
    const acks = this.acks;
    const entries: ProduceEntry[] = batches.map((b) => {
      b.attempts++;
      return { pid: b.pid, batchId: b.batchId, producer: this.index, baseSeq: b.baseSeq, count: b.count, bytes: b.bytes, epoch: this.queues[b.partition]!.epoch };
    });
    const request = { acks, idempotent: this.idempotent, timeoutMs: num(this.config["request.timeout.ms"]), entries };
    const bytes = 80 + batches.reduce((sum, b) => sum + b.bytes, 0);
    const generation = this.generation;
    if (acks === "0") {
      // no response will come: the send counts as done once it is on the wire
      const sent = batches.map((b) => ({ pid: b.pid, baseSeq: b.baseSeq, count: b.count, arrivesAt: Infinity }));
      if (this.unarrived.length > 256) this.acksZeroInFlight(); // forget those that arrived (or were dropped)
      this.unarrived.push(...sent);
      this.rpc.cast(
        brokerId,
        bytes,
        // a failed acks=0 write (say, to a broker no longer the leader) is answered by closing the connection
        (broker, close) =>
          broker.handleProduce(request, (_bytes, errors) => {
            if (errors.some((e) => e !== KafkaError.NONE)) close();
          }),
        (arrivesAt) => {
          for (const b of sent) b.arrivesAt = arrivesAt ?? -Infinity;
        },
      );
      // done once sent; the drain loop that sent it goes on (draining again from here would send a
      // partition's next batch before this request's batches reach the wire)
      for (const b of batches) this.succeed(this.queues[b.partition]!, b);
      return;
    }
    for (let i = 0; i < batches.length; i++) this.sent.add(batches[i]!);
    this.rpc.call<number[]>(
      brokerId,
      bytes,
      (broker, reply) => broker.handleProduce(request, reply),
      (result) => {
        if (generation !== this.generation) return;
        if (this.frozen) {
          this.deferred.push(() => {
            if (generation === this.generation) this.answered(batches, result);
          });
          return;
        }
        this.answered(batches, result);
      },
    );
  }

  /** A produce request's answer (or its failure), batch by batch. */
  private answered(batches: Batch[], result: RpcResult<number[]>): void {
    const now = this.cluster.sim.now;
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i]!;
      const error = result.ok ? result.value[i]! : result.error;
      const queue = this.queues[b.partition]!;
      this.sent.delete(b);
      // the sender expires a batch at its deadline: an answer later than that finds it failed
      if (!b.expired && b.deadline <= now) this.expireInFlight(b);
      if (b.expired) queue.inFlight--;
      else if (error === KafkaError.NONE) this.succeed(queue, b);
      else if (error === KafkaError.MESSAGE_TOO_LARGE) this.tooLarge(queue, b);
      else this.retryOrFail(queue, b, error);
    }
    this.drain();
  }

  private succeed(queue: PartitionQueue, batch: Batch): void {
    queue.inFlight--;
    this.settle(queue, batch);
    this.bufferedBytes -= batch.allocated;
    this.cluster.instruments.acked(this.index, batch.pid, batch.baseSeq, batch.count, batch.firstCreated, batch.lastCreated);
  }

  /**
   * The broker refused the batch as larger than the topic's max.message.bytes: it is split and its
   * pieces go again at once, first in the queue, with the batch's sequences and deadline and no retry
   * counted (Sender.completeBatch, RecordAccumulator.splitAndReenqueue). The first split makes pieces
   * of batch.size; a piece refused again is halved (KAFKA-8350; before it, pieces of batch.size
   * larger than the limit were split into themselves until delivery.timeout.ms). A single record
   * too large fails (RecordTooLargeException).
   */
  private tooLarge(queue: PartitionQueue, batch: Batch): void {
    if (!this.saidTopicTooLarge) {
      this.saidTopicTooLarge = true;
      const limit = num(this.cluster.partitions[batch.pid]!.topicRef.config["max.message.bytes"]);
      const what = batch.count > 1 ? `a batch of ${batch.count} records (${Math.round(batch.bytes)} bytes)` : `a record of ${Math.round(batch.bytes)} bytes (with its batch header)`;
      const then = batch.count > 1 ? "the producer splits it and sends the pieces again" : "send() fails it with RecordTooLargeException: max.request.size lets it out, but the topic does not take it";
      this.cluster.events.emit(this.cluster.sim.now, "produce-error", `${this.name}: ${what} is larger than the topic's max.message.bytes = ${limit}: the broker refuses it (MESSAGE_TOO_LARGE) and ${then}`);
    }
    if (batch.count === 1) return this.retryOrFail(queue, batch, KafkaError.MESSAGE_TOO_LARGE);
    queue.inFlight--;
    this.countError(KafkaError.MESSAGE_TOO_LARGE, 1);
    this.splits++;
    // the pieces are allocated outside buffer.memory (createBatchOffAccumulatorForRecord)
    this.bufferedBytes -= batch.allocated;
    const recordBytes = (batch.bytes - 61) / batch.count;
    const perPiece = batch.split
      ? Math.max(1, Math.floor(batch.count / 2))
      : Math.max(1, Math.floor(num(this.config["batch.size"]) / recordBytes));
    const store = this.cluster.partitions[batch.pid]!.store;
    const span = batch.lastCreated - batch.firstCreated;
    const pieces: Batch[] = [];
    for (let from = 0; from < batch.count; from += perPiece) {
      const count = Math.min(perPiece, batch.count - from);
      // records were spread evenly over the batch's creation window
      const firstCreated = batch.firstCreated + (span * from) / batch.count;
      const lastCreated = batch.firstCreated + (span * (from + count)) / batch.count;
      const bytes = 61 + count * recordBytes;
      const baseSeq = batch.baseSeq + from;
      const batchId = store.add(this.index, baseSeq, count, bytes, firstCreated, lastCreated);
      pieces.push({ partition: batch.partition, pid: batch.pid, batchId, baseSeq, count, bytes, firstCreated, lastCreated, deadline: batch.deadline, attempts: 0, retryAt: 0, expired: false, split: true, allocated: 0 });
    }
    const at = queue.outstanding.indexOf(batch.baseSeq);
    if (at >= 0) queue.outstanding.splice(at, 1, ...pieces.map((p) => p.baseSeq));
    if (this.idempotent) {
      // in sequence order, as a retry
      let i = queue.ready.length;
      while (i > 0 && queue.ready[i - 1]!.baseSeq > batch.baseSeq) i--;
      queue.ready.splice(i, 0, ...pieces);
    } else queue.ready.unshift(...pieces);
    this.waiting.add(batch.partition);
  }

  /** Batches split after a MESSAGE_TOO_LARGE answer (the producer's batch-split-rate). */
  splits = 0;
  private saidTopicTooLarge = false;

  private retryOrFail(queue: PartitionQueue, batch: Batch, error: number): void {
    queue.inFlight--;
    this.countError(error, 1);
    const now = this.cluster.sim.now;
    // (an answer after the deadline never gets here: the batch had expired)
    if (!isRetriable(error) || batch.attempts > num(this.config.retries)) {
      this.fail(queue, batch, error);
      return;
    }
    // the oldest outstanding batch is out of sequence: the leader lost this producer's state
    // (an unclean election or truncation); bump the epoch and restart the sequence (KIP-360)
    if (error === KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER && queue.outstanding[0] === batch.baseSeq) queue.bumpPending = true;
    if (error !== KafkaError.NOT_ENOUGH_REPLICAS && error !== KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND && error !== KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER) this.leaders.refresh();
    batch.retryAt = now + this.retryBackoffMs(batch.attempts);
    if (this.idempotent) {
      // back in the queue in sequence order, so a retried batch goes before later ones
      let i = queue.ready.length;
      while (i > 0 && queue.ready[i - 1]!.baseSeq > batch.baseSeq) i--;
      queue.ready.splice(i, 0, batch);
    } else {
      // RecordAccumulator.reenqueue without a transaction manager: addFirst. Batches failed together
      // (a dropped connection) go back newest first, one source of reordering without idempotence.
      queue.ready.unshift(batch);
    }
    this.waiting.add(batch.partition);
    const generation = this.generation;
    this.cluster.sim.at(batch.retryAt, () => {
      if (generation === this.generation) this.drain();
    });
  }

  /**
   * The wait before a batch's next attempt (KIP-580, Kafka's ExponentialBackoff): retry.backoff.ms
   * doubled per attempt up to retry.backoff.max.ms, times a random factor in [0.8, 1.2) so that
   * producers failed together do not retry in lockstep.
   */
  private retryBackoffMs(attempts: number): number {
    return exponentialBackoff(num(this.config["retry.backoff.ms"]), num(this.config["retry.backoff.max.ms"]), Math.max(0, attempts - 1), this.backoffRng.float());
  }

  private fail(queue: PartitionQueue, batch: Batch, error: number): void {
    // an expired batch fails each of its records with a TimeoutException (counted per record, as
    // send()'s own refusals are); other final errors were counted with the response that brought them
    if (error === KafkaError.DELIVERY_TIMEOUT) this.countError(error, batch.count);
    this.settle(queue, batch);
    this.bufferedBytes -= batch.allocated;
    if (this.idempotent) queue.bumpPending = true;
    this.cluster.instruments.failed(this.index, batch.pid, batch.baseSeq, batch.count, error);
  }

  private countError(error: number, times: number): void {
    this.errors.set(error, (this.errors.get(error) ?? 0) + times);
    this.cluster.instruments.produceError(error, times);
  }

  /** Error counts by Kafka error name, for the report. */
  errorSummary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [code, n] of [...this.errors].sort((a, b) => a[0] - b[0])) out[errorName(code)] = n;
    return out;
  }
}
