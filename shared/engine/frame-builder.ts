/**
 * Builds Frames from an engine: state read straight from the model, rates
 * from deltas since the previous frame, a sample of messages on the wire,
 * and the checker re-run over the current logs at most once a wall second
 * (it walks every batch, so not on every frame).
 */
import type { Engine } from "./engine";
import type { BrokerView, CheckerView, Frame, FlowView, MetricsPoint, PartitionView, SinkView } from "./frame";

/** Clusters with at most this many partitions get every partition in every frame (all the lessons do). */
const FULL_FRAME_PARTITIONS = 100;
/** Otherwise every partition, with its replicas' offsets, goes out this often (wall ms). */
const FULL_FRAME_EVERY_MS = 1000;
import { scanLogs } from "./report";
import { describe } from "../faults/nemesis";
import { effectiveMinIsr } from "./context";
import type { Producer } from "../kafka/producer";

const MB = 1024 * 1024;

const FLOW_SAMPLE = 120;
const FLOW_MIN_BYTES = 400;

export class FrameBuilder {
  seq = 0;
  private eventsSeen = 0;
  private flows: FlowView[] = [];
  private flowSkip = 0;
  private lastSimMs = 0;
  private lastCpu = new Map<number, number>();
  private lastBytes = new Map<number, { in: number; out: number }>();
  /** Each broker's disk reads (simulated ms, bytes read by then) over the last simulated second and a frame. */
  private readSamples = new Map<number, { t: number[]; bytes: number[] }>();
  /** Each broker's rates over the last interval of simulated time, kept while none passes. */
  private lastRates = new Map<number, { cpu: number; bytesIn: number; bytesOut: number; readMBps: number }>();
  private checker: CheckerView = { attempted: 0, acked: 0, failed: 0, ackedLost: 0, duplicatesInLog: 0, duplicatesDelivered: 0, outOfOrder: 0, deletedByRetention: 0, expiredUnread: 0, scannedAtMs: 0 };
  private lastScanWall = -Infinity;
  private lastScanCostMs = 0;
  /** What each partition looked like in the frames sent so far (leader, epoch, ISR, roles). */
  private readonly partitionLooks = new Map<number, string>();
  private lastFullFrameWall = -Infinity;
  /** Each sink's records and busy time at the previous frame, and when that was. */
  private lastSinks = new Map<string, { absorbed: number; busyMs: number; inRate: number; utilisation: number }>();
  private lastSinkSimMs = 0;

  watch(engine: Engine): void {
    const producers = new Set(engine.producers.keys());
    const consumers = new Set(engine.consumers.keys());
    engine.cluster.net.observer = (from, to, bytes, sentAt, arriveAt) => {
      if (bytes < FLOW_MIN_BYTES) return;
      // keep a bounded, evenly thinned sample when the wire is busy
      if (this.flows.length >= FLOW_SAMPLE) {
        if (++this.flowSkip % 4 !== 0) return;
        this.flows.shift();
      }
      const kind = producers.has(from) ? "produce" : consumers.has(to) ? "consume" : "replicate";
      this.flows.push({ from, to, kind, sentAtMs: sentAt, arriveAtMs: arriveAt });
    };
  }

  takeFlows(now: number): FlowView[] {
    const live = this.flows.filter((f) => f.arriveAtMs >= now);
    this.flows = live;
    return live;
  }

  takeEvents(engine: Engine): Frame["events"] {
    const all = engine.cluster.events.all();
    const total = all.length + engine.cluster.events.dropped;
    const fresh = total - this.eventsSeen;
    this.eventsSeen = total;
    return fresh > 0 ? all.slice(Math.max(0, all.length - fresh)) : [];
  }

  /**
   * The checker's figures, rescanned at most once a wall second, and less
   * often when a scan is slow (every log of a large cluster): scans then take
   * at most 2% of the time. The view says which simulated time it is as of.
   */
  checkerView(engine: Engine, clock: () => number, force: boolean): CheckerView {
    const wallNow = clock();
    if (force || wallNow - this.lastScanWall >= Math.max(1000, 50 * this.lastScanCostMs)) {
      this.lastScanWall = wallNow;
      scanLogs(engine);
      const r = engine.stats.checker.result();
      const { ackedLost, duplicatesInLog, duplicatesDelivered, outOfOrder, deletedByRetention, expiredUnread } = r.delivery;
      this.checker = { ...r.produced, ackedLost, duplicatesInLog, duplicatesDelivered, outOfOrder, deletedByRetention, expiredUnread, scannedAtMs: engine.now };
      this.lastScanCostMs = clock() - wallNow;
    }
    return this.checker;
  }

  sinkViews(engine: Engine, peek = false): SinkView[] {
    const elapsed = engine.now - this.lastSinkSimMs;
    const views = [...engine.sinks.values()].map((sink): SinkView => {
      const { id, kind, from, writeLatencyMs, recordsPerSec } = sink.settings;
      const busyMs = sink.busyMsSoFar();
      const absorbed = sink.absorbed();
      const last = this.lastSinks.get(id) ?? { absorbed: 0, busyMs: 0, inRate: 0, utilisation: 0 };
      // rates over the simulated time since the last frame; with none (paused) the last ones stand
      const inRate = elapsed > 0 ? Math.round(((absorbed - last.absorbed) / elapsed) * 1000) : last.inRate;
      const utilisation = elapsed > 0 ? Math.min(1, Math.max(0, (busyMs - last.busyMs) / elapsed)) : last.utilisation;
      if (!peek) this.lastSinks.set(id, { absorbed, busyMs, inRate, utilisation });
      return { id, kind, from, writeLatencyMs, recordsPerSec, writes: sink.writes, records: sink.records, inRate, utilisation, backlogMs: sink.backlogMs, up: sink.up, blocked: sink.blocked };
    });
    if (!peek) this.lastSinkSimMs = engine.now;
    return views;
  }

  brokerViews(engine: Engine, peek = false): BrokerView[] {
    const { brokers, controller, partitions } = engine.cluster;
    const elapsed = Math.max(1e-9, engine.now - this.lastSimMs);
    // no simulated time since the last frame (paused): the rates stay those of the last interval
    const still = engine.now <= this.lastSimMs;
    const views = brokers.slice(1).map((b): BrokerView => {
      const led = controller.partitions.filter((p) => p.leader === b.id && !partitions[p.pid]!.internal);
      const busy = b.cpu.busyMs;
      const kept = still ? this.lastRates.get(b.id) : undefined;
      const cpu = kept ? kept.cpu : Math.min(1, (busy - (this.lastCpu.get(b.id) ?? 0)) / (elapsed * b.cpu.servers));
      if (!peek) this.lastCpu.set(b.id, busy);
      const bytes = this.lastBytes.get(b.id) ?? { in: 0, out: 0 };
      const rates = kept ?? {
        cpu,
        bytesIn: Math.round(((b.stats.bytesIn - bytes.in) / elapsed) * 1000),
        bytesOut: Math.round(((b.stats.bytesOut - bytes.out) / elapsed) * 1000),
        readMBps: this.readRate(b.id, engine.now, b.pageCache.readBy(engine.now), peek),
      };
      if (!peek && !kept) this.lastRates.set(b.id, rates);
      const view: BrokerView = {
        id: b.id,
        name: b.name,
        state: !b.hostUp ? "powered-off" : !b.processUp ? "down" : b.paused ? "paused" : controller.isFenced(b.id) ? "fenced" : "up",
        leaderCount: led.length,
        jmx: {
          UnderReplicatedPartitions: led.filter((p) => p.isr.length < p.replicas.length).length,
          IsrShrinksPerSec: b.stats.isrShrinks,
          IsrExpandsPerSec: b.stats.isrExpands,
          FailedProduceRequestsPerSec: b.stats.failedProduceRequests,
          BytesInPerSec: rates.bytesIn,
          BytesOutPerSec: rates.bytesOut,
          LeaderCount: led.length,
          PartitionCount: controller.partitions.filter((p) => p.replicas.includes(b.id) && !partitions[p.pid]!.internal).length,
        },
        cpuUtilisation: Number.isFinite(cpu) && cpu > 0 ? cpu : 0,
        disk: {
          writeMBps: b.pageCache.currentMBps,
          normalMBps: b.pageCache.diskMBps,
          unwrittenMB: Math.round((b.pageCache.dirtyBytes(engine.now) / MB) * 10) / 10,
          dirtyLimitMB: b.pageCache.dirtyLimitMB,
          readMBps: rates.readMBps,
        },
      };
      if (!peek) this.lastBytes.set(b.id, { in: b.stats.bytesIn, out: b.stats.bytesOut });
      return view;
    });
    if (!peek) this.lastSimMs = engine.now;
    return views;
  }

  /**
   * MB/s a broker's disk read over the last simulated second: reads come in chunks (a fetch's
   * worth at a time, in turn with the writes), so a rate per frame would jump about on the card.
   */
  private readRate(id: number, now: number, readBytes: number, peek: boolean): number {
    let samples = this.readSamples.get(id);
    if (!samples) this.readSamples.set(id, (samples = { t: [], bytes: [] }));
    const { t, bytes } = samples;
    // keep one sample at least a second old, and drop those before it
    let drop = 0;
    while (drop + 1 < t.length && t[drop + 1]! <= now - 1000) drop++;
    if (drop > 0 && !peek) {
      t.splice(0, drop);
      bytes.splice(0, drop);
      drop = 0;
    }
    const rate = t.length > drop && now > t[drop]! ? (readBytes - bytes[drop]!) / MB / ((now - t[drop]!) / 1000) : 0;
    if (!peek) {
      t.push(now);
      bytes.push(readBytes);
    }
    return Math.round(rate * 10) / 10;
  }

  /**
   * Every partition in small clusters, in the first frame, in a peek and about
   * once a wall second; in between only those whose leadership, ISR or replica
   * roles changed (see Frame.partitionsFull). A peek (a viewer's snapshot)
   * leaves the stream every viewer follows as it was.
   */
  partitionUpdate(views: PartitionView[], wallNow: number, peek: boolean): Pick<Frame, "partitions" | "partitionsFull"> {
    const full = peek || views.length <= FULL_FRAME_PARTITIONS || this.partitionLooks.size === 0 || wallNow - this.lastFullFrameWall >= FULL_FRAME_EVERY_MS;
    if (peek) return { partitions: views, partitionsFull: true };
    const changed: PartitionView[] = [];
    for (const view of views) {
      const look = `${view.leader}|${view.leaderEpoch}|${view.isr.join(",")}|${view.underMinIsr}|${view.replicas.map((r) => `${r.broker}${r.role}${r.inIsr}`).join(",")}`;
      if (this.partitionLooks.get(view.pid) !== look) {
        this.partitionLooks.set(view.pid, look);
        changed.push(view);
      }
    }
    if (full) this.lastFullFrameWall = wallNow;
    return full ? { partitions: views, partitionsFull: true } : { partitions: changed, partitionsFull: false };
  }

  /** A metrics point over the last simulated second (or what there is of it). */
  metricsAt(engine: Engine, atMs: number): MetricsPoint {
    const series = engine.stats.series;
    const from = Math.max(0, atMs - 1000);
    const to = Math.max(atMs, from + series.bucketMs);
    const gauge = (name: "lag" | "underReplicated" | "underMinIsr" | "offline" | "isrSize") => series.lastGauge(name, atMs);
    return {
      tMs: atMs,
      produceMsgsPerSec: Math.round(series.rate("acked", from, to)),
      consumeMsgsPerSec: Math.round(series.rate("consumed", from, to)),
      sinkMsgsPerSec: Math.round(series.rate("sink", from, to)),
      p50: series.percentile(50, from, to),
      p95: series.percentile(95, from, to),
      p99: series.p99(from, to),
      lag: gauge("lag"),
      underReplicated: gauge("underReplicated"),
      underMinIsr: gauge("underMinIsr"),
      offline: gauge("offline"),
      isrTotal: gauge("isrSize"),
    };
  }

  /** The whole run so far as metrics points, one per half simulated second. */
  history(engine: Engine): MetricsPoint[] {
    const points: MetricsPoint[] = [];
    const step = Math.max(500, engine.stats.series.bucketMs);
    for (let t = step; t <= engine.now; t += step) points.push(this.metricsAt(engine, t));
    return points;
  }
}

/** Every (non-internal) partition with its replicas, as the canvas draws them. */
function partitionViews(engine: Engine): PartitionView[] {
  const { controller, partitions, brokers } = engine.cluster;
  return controller.partitions
    .filter((p) => !partitions[p.pid]!.internal)
    .map((p): PartitionView => {
      const ref = partitions[p.pid]!;
      const minIsr = effectiveMinIsr(engine.cluster, p.pid, p.replicas.length);
      return {
        pid: p.pid,
        topic: ref.topic,
        partition: ref.partition,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        isr: [...p.isr],
        underMinIsr: p.isr.length < minIsr,
        replicas: p.replicas.map((id) => {
          const broker = brokers[id]!;
          const replica = broker.replica(p.pid);
          return { broker: id, logStartOffset: replica.log.logStartOffset, logEndOffset: replica.log.logEndOffset, highWatermark: replica.highWatermark, inIsr: p.isr.includes(id), role: replica.role };
        }),
      };
    });
}

export function buildFrame(builder: FrameBuilder, engine: Engine, opts: { playing: boolean; speed: number; maxSpeed: boolean; forked: boolean; clock: () => number; peek?: boolean }): Frame {
  const { cluster, coordinator } = engine;
  const { controller, partitions, topics, brokers } = cluster;
  const now = engine.now;
  return {
    seq: ++builder.seq,
    nowMs: now,
    durationMs: engine.durationMs,
    playing: opts.playing,
    speed: opts.speed,
    maxSpeed: opts.maxSpeed,
    forked: opts.forked,
    scenarioName: engine.scenario.name,
    brokers: builder.brokerViews(engine, opts.peek === true),
    controller: {
      up: controller.up,
      LeaderElectionRateAndTimeMs: controller.elections,
      UncleanLeaderElectionsPerSec: controller.uncleanElections,
      OfflinePartitionsCount: controller.partitions.filter((p) => p.leader < 0 && !partitions[p.pid]!.internal).length,
      ActiveControllerCount: controller.up ? 1 : 0,
      FencedBrokerCount: brokers.slice(1).filter((b) => controller.isFenced(b.id)).length,
      quorum: controller.quorum.view(),
    },
    topics: [...topics.values()]
      .filter((t) => !t.internal)
      .map((t) => ({ name: t.name, partitions: t.pids.length, replicationFactor: controller.partitions[t.pids[0]!]?.replicas.length ?? 0, config: { ...t.config } })),
    ...builder.partitionUpdate(partitionViews(engine), opts.clock(), opts.peek === true),
    producers: [...engine.producers.values()].map((p) => ({ id: p.name, topic: p.spec.topic, up: p.up, ...(p.paused ? { paused: true as const } : {}), config: { ...p.config }, loadFactor: p.loadFactor, buffer: bufferOf(p), ...producerFaults(p), errors: p.errorSummary() })),
    groups: engine.scenario.consumerGroups.map((g) => {
      const group = coordinator.group(g.id);
      const first = [...engine.consumers.values()].find((c) => c.spec.id === g.id);
      return { id: g.id, topics: g.topics, state: group.state, generation: group.generation, protocol: group.protocol, lag: engine.groupLag(g.id), members: [...group.members.values()].map((m) => m.client), config: first ? { ...first.config } : {} };
    }),
    consumers: [...engine.consumers.values()].map((c) => {
      const blocked = c.blockedAs;
      return { id: c.name, group: c.spec.id, up: c.up, partitions: c.ownedPartitions, ...(blocked ? { blocked } : {}) };
    }),
    sinks: builder.sinkViews(engine, opts.peek === true),
    links: cluster.net.alteredLinks(),
    faults: engine.nemesis.history.map((f) => ({ id: f.id, kind: f.spec.kind, targets: f.targets, description: describe(f.spec, f.targets), atMs: f.atMs, healedAtMs: f.healedAtMs })),
    checker: builder.checkerView(engine, opts.clock, !opts.playing && !opts.peek),
    metrics: builder.metricsAt(engine, now),
    // a peek (snapshot) leaves the news for the next frame
    events: opts.peek ? [] : builder.takeEvents(engine),
    flows: opts.peek ? [] : builder.takeFlows(now),
  };
}

function bufferOf(p: Producer): { usedMB: number; limitMB: number; blockedRecords: number } {
  const state = p.bufferState();
  return { usedMB: Math.round((state.usedBytes / MB) * 10) / 10, limitMB: Math.round((state.limitBytes / MB) * 10) / 10, blockedRecords: state.blockedRecords };
}

/** A producer's active load spikes and hot keys, only when there are any. */
function producerFaults(p: Producer): { spike?: number; hotKeys?: { key: string; share: number; partition: number }[] } {
  const spike = p.spikeFactor;
  const hot = p.activeHotKeys();
  return { ...(spike !== 1 ? { spike } : {}), ...(hot.length > 0 ? { hotKeys: hot.map((h) => ({ ...h })) } : {}) };
}
