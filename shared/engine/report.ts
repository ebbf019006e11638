/**
 * The run report (DESIGN §3.3). Its top-level fields are a stable contract:
 * scenario, seed, simulatedMs, wallMs, produced, delivery, throughput,
 * latencyMs, faults, processors (+ detection when a detector runs). Fields
 * may be added inside them and alongside (cluster, events); none renamed.
 */
import type { QuorumView } from "../kafka/quorum";
import type { Engine } from "./engine";
import type { SimEvent } from "./events";
import { errorName } from "../kafka/errors";
import { streamKey, type StreamState } from "../metrics/checker";
import { describe } from "../faults/nemesis";
import { effectiveMinIsr } from "./context";

export interface FaultReport {
  kind: string;
  target: string;
  atMs: number;
  healedAtMs: number | null;
  /** Injection until throughput (and p99, measured at the sink) are back in the band (null: see recoveryStatus). */
  recoveryMs: number | null;
  /** recovered (recoveryMs > 0), no-impact (0), not-recovered (still outside the band at the next fault or the end), no-baseline (no steady traffic before the fault to compare with). */
  recoveryStatus: RecoveryStatus;
  /** What was measured: the sink (consumer groups' processed records and their end-to-end p99), or, in a run without consumer groups, the producers' acknowledged records. */
  recoveryMeasuredOn: "sink" | "acked";
  description: string;
}

export type RecoveryStatus = "recovered" | "no-impact" | "not-recovered" | "no-baseline";

export interface ProcessorReport {
  id: string;
  kind: "consumer-group";
  /** Polls processed (Spark calls them micro-batches). */
  batches: number;
  numInputRows: number;
  processedRowsPerSecond: number;
  rebalances: number;
  generation: number;
  maxLagMessages: number;
  finalLagMessages: number;
  errors: Record<string, number>;
  /** Where the group writes what it processed (null: processing is its last step). */
  /** writes and records booked; `unacknowledged`: those the group's application was still waiting for at the end (not in numInputRows yet). */
  sink: { id: string; kind: string; recordsPerSec: number; writeLatencyMs: number; writes: number; records: number; unacknowledged: { writes: number; records: number } } | null;
}

export interface Report {
  scenario: string;
  seed: number;
  simulatedMs: number;
  wallMs: number;
  produced: { attempted: number; acked: number; failed: number; errors: Record<string, number>; ackLatencyMs: LatencyBlock };
  delivery: { ackedLost: number; duplicatesInLog: number; duplicatesDelivered: number; outOfOrder: number; inFlightAtEnd: number; deletedByRetention: number; expiredUnread: number; lostExamples: { stream: string; fromSeq: number; toSeq: number }[]; why: string[] };
  throughput: { produceMsgsPerSec: number; consumeMsgsPerSec: number; sinkMsgsPerSec: number };
  latencyMs: LatencyBlock;
  faults: FaultReport[];
  processors: ProcessorReport[];
  recoveryBand: { throughputPct: number; p99Pct: number; windowMs: number };
  warmupMs: number;
  cluster: {
    brokers: { id: number; state: string; UnderReplicatedPartitions: number; IsrShrinks: number; IsrExpands: number; FailedProduceRequests: number; LeaderCount: number; truncatedMessages: number; unwrittenMB: number; diskReadMB: number }[];
    /** Every partition at the end: its leader and ISR, and the leader's log start offset (retention), high watermark and log end offset. */
    partitions: { topic: string; partition: number; leader: number; replicas: number[]; isr: number[]; logStartOffset: number; highWatermark: number; logEndOffset: number }[];
    leaderElections: number;
    /** The KRaft controller quorum at the end: the active controller (null: none), epoch, failovers, each voter. */
    quorum: QuorumView;
    uncleanLeaderElections: number;
    offlinePartitions: number;
    underMinIsrPartitions: number;
    eventsByKind: Record<string, number>;
  };
  events: SimEvent[];
}

interface LatencyBlock {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

export function buildReport(engine: Engine, wallMs: number): Report {
  const { cluster, stats, scenario } = engine;
  const { controller, partitions, brokers } = cluster;
  const checker = stats.checker;

  scanLogs(engine);
  const truncated = new Map<number, number>();
  for (const broker of brokers.slice(1)) truncated.set(broker.id, broker.stats.truncatedMessages);
  const checked = checker.result();
  const seconds = Math.max(engine.now, 1) / 1000;
  // throughput over the steady part of the run (after report.warmup)
  const steadySeconds = Math.max(engine.now - scenario.report.warmup, 1) / 1000;

  const band = scenario.report.recoveryBand;
  const measuredOn = scenario.consumerGroups.length > 0 ? "sink" : "acked";
  const baselineAt: number[] = [];
  const faults = engine.nemesis.history.map((fault, i, all): FaultReport => {
    // the next fault that starts later bounds this one's recovery window
    const next = all.slice(i + 1).find((f) => f.atMs > fault.atMs)?.atMs ?? engine.now;
    // a fault that starts while an earlier one is still active is compared with the traffic before
    // that one: the seconds just before it are not the healthy level to come back to
    const active = all.findIndex((f, j) => j < i && f.atMs <= fault.atMs && (f.healedAtMs === null || f.healedAtMs > fault.atMs));
    baselineAt[i] = active >= 0 ? baselineAt[active]! : fault.atMs;
    const recovery = recoveryTime(engine, measuredOn, fault.atMs, Math.max(next, fault.atMs), band, baselineAt[i]!);
    return {
      kind: fault.spec.kind,
      target: fault.targets.join(" | "),
      atMs: round(fault.atMs, 3),
      healedAtMs: fault.healedAtMs === null ? null : round(fault.healedAtMs, 3),
      recoveryMs: recovery.ms,
      recoveryStatus: recovery.status,
      recoveryMeasuredOn: measuredOn,
      description: describe(fault.spec, fault.targets),
    };
  });

  const processors: ProcessorReport[] = scenario.consumerGroups.map((spec) => {
    const group = engine.coordinator.group(spec.id);
    const members = [...engine.consumers.values()].filter((c) => c.spec.id === spec.id);
    const errors: Record<string, number> = {};
    for (const m of members) for (const [name, n] of Object.entries(m.errorSummary())) errors[name] = (errors[name] ?? 0) + n;
    return {
      id: spec.id,
      kind: "consumer-group",
      batches: members.reduce((n, m) => n + m.polls, 0),
      numInputRows: members.reduce((n, m) => n + m.processedRecords, 0),
      processedRowsPerSecond: round(members.reduce((n, m) => n + m.processedRecords, 0) / seconds),
      rebalances: group.rebalances,
      generation: group.generation,
      maxLagMessages: engine.maxLagOf(spec.id),
      finalLagMessages: engine.groupLag(spec.id),
      errors,
      sink: sinkReport(engine, spec.id),
    };
  });

  const producedErrors: Record<string, number> = {};
  for (const [code, n] of [...stats.produceErrors].sort((a, b) => a[0] - b[0])) producedErrors[errorName(code)] = n;
  const failedUnsent = [...engine.producers.values()].reduce((n, p) => n + p.failedUnsent, 0);

  const lostExamples = checker.lostRanges(5).map((r) => ({ stream: r.stream, fromSeq: r.start, toSeq: r.end - 1 }));
  return {
    scenario: scenario.name,
    seed: engine.seed,
    simulatedMs: round(engine.now, 3),
    wallMs: Math.round(wallMs),
    produced: {
      attempted: checked.produced.attempted + failedUnsent,
      acked: checked.produced.acked,
      failed: checked.produced.failed + failedUnsent,
      errors: producedErrors,
      ackLatencyMs: stats.ackLatency.summary(),
    },
    delivery: { ...checked.delivery, lostExamples, why: explainLoss(engine, checked.delivery) },
    throughput: {
      produceMsgsPerSec: round(stats.steady.acked / steadySeconds),
      consumeMsgsPerSec: round(stats.steady.consumed / steadySeconds),
      sinkMsgsPerSec: round(stats.steady.delivered / steadySeconds),
    },
    latencyMs: stats.endToEnd.summary(),
    faults,
    processors,
    recoveryBand: band,
    warmupMs: scenario.report.warmup,
    cluster: {
      brokers: brokers.slice(1).map((b) => ({
        id: b.id,
        state: !b.hostUp ? "powered off" : !b.processUp ? "down" : b.paused ? "paused" : controller.isFenced(b.id) ? "fenced" : "up",
        UnderReplicatedPartitions: controller.partitions.filter((p) => p.leader === b.id && p.isr.length < p.replicas.length && !partitions[p.pid]!.internal).length,
        IsrShrinks: b.stats.isrShrinks,
        IsrExpands: b.stats.isrExpands,
        FailedProduceRequests: b.stats.failedProduceRequests,
        LeaderCount: controller.partitions.filter((p) => p.leader === b.id && !partitions[p.pid]!.internal).length,
        truncatedMessages: truncated.get(b.id) ?? 0,
        // data in its page cache the disk had not written (a slow disk's backlog)
        unwrittenMB: round(b.pageCache.dirtyBytes(engine.now) / (1024 * 1024)),
        diskReadMB: round(b.pageCache.readBy(engine.now) / (1024 * 1024)),
      })),
      partitions: controller.partitions
        .filter((p) => !partitions[p.pid]!.internal)
        .map((p) => {
          const { topic, partition } = partitions[p.pid]!;
          const leader = p.leader > 0 ? brokers[p.leader]!.replica(p.pid) : null;
          return {
            topic,
            partition,
            leader: p.leader,
            replicas: [...p.replicas],
            isr: [...p.isr],
            logStartOffset: leader?.log.logStartOffset ?? -1,
            highWatermark: leader?.highWatermark ?? -1,
            logEndOffset: leader?.log.logEndOffset ?? -1,
          };
        }),
      leaderElections: controller.elections,
      quorum: controller.quorum.view(),
      uncleanLeaderElections: controller.uncleanElections,
      offlinePartitions: controller.partitions.filter((p) => p.leader < 0 && !partitions[p.pid]!.internal).length,
      underMinIsrPartitions: controller.partitions.filter((p) => !partitions[p.pid]!.internal && p.isr.length < effectiveMinIsr(cluster, p.pid, p.replicas.length)).length,
      eventsByKind: Object.fromEntries([...cluster.events.counts].sort((a, b) => a[0].localeCompare(b[0]))),
    },
    events: [...cluster.events.all()].filter((e) => e.kind !== "group" || cluster.events.all().length < 400).slice(-300),
  };
}

/**
 * Feed the checker the log of each partition as it stands: its leader's, or
 * when it is offline the most advanced replica that survives.
 */
export function scanLogs(engine: Engine): void {
  const { controller, partitions, brokers, producerNames } = engine.cluster;
  const checker = engine.stats.checker;
  checker.beginLogScan();
  for (const state of controller.partitions) {
    const ref = partitions[state.pid]!;
    if (ref.internal) continue;
    let holder = state.leader > 0 && brokers[state.leader]!.hostUp ? brokers[state.leader]! : null;
    if (!holder) {
      for (const id of state.replicas) {
        const broker = brokers[id]!;
        if (broker.hostUp && (!holder || broker.replica(state.pid).log.logEndOffset > holder.replica(state.pid).log.logEndOffset)) holder = broker;
      }
    }
    if (!holder) continue;
    const log = holder.replica(state.pid).log;
    // each producer's stream into this partition, looked up once (a log holds a batch per few ms of a run)
    const streams: StreamState[] = [];
    for (let i = 0; i < log.length; i++) {
      const batch = log.batchAt(i);
      const producer = ref.store.producerOf(batch);
      const stream = (streams[producer] ??= checker.stream(streamKey(producerNames[producer]!, ref.topic, ref.partition)));
      checker.finalLog(stream, ref.store.baseSeqOf(batch), ref.store.countOf(batch));
    }
  }
  for (const producer of engine.producers.values()) {
    for (const b of producer.acksZeroInFlight()) {
      const ref = partitions[b.pid]!;
      checker.inFlightAtScan(checker.stream(streamKey(producerNames[producer.index]!, ref.topic, ref.partition)), b.baseSeq, b.count);
    }
  }
}

/**
 * Recovery: the time from injection to the end of the last stretch, before
 * `horizon` (the next fault or the end of the run), in which throughput (and,
 * at the sink, p99 latency) were outside the band around their pre-fault
 * level over a `windowMs` window. 0 when the fault never moved them out of
 * the band; null when they were still out of it at the horizon, or when the
 * 10 s before the fault (after the warm-up) give no steady level to compare
 * with. `on` is the sink, or without consumer groups the acknowledged records.
 */
/** The fault at `atMs` is back within the band of the 10 s before `baselineAt` (its own start, or an earlier overlapping fault's). */
function recoveryTime(engine: Engine, on: "sink" | "acked", atMs: number, horizon: number, band: { throughputPct: number; p99Pct: number; windowMs: number }, baselineAt: number): { ms: number | null; status: RecoveryStatus } {
  const series = engine.stats.series;
  const step = series.bucketMs;
  const window = Math.max(band.windowMs, step);
  // acknowledgements are counted in the series after the warm-up only
  const baselineFrom = Math.max(step, baselineAt - 10_000, on === "acked" ? engine.scenario.report.warmup : 0);
  if (baselineAt - baselineFrom < window) return { ms: null, status: "no-baseline" };
  const baseRate = series.rate(on, baselineFrom, baselineAt);
  if (baseRate <= 0) return { ms: null, status: "no-baseline" };
  const baseP99 = on === "sink" ? series.p99(baselineFrom, baselineAt) : null;
  const outOfBand = (t: number) => {
    const rate = series.rate(on, t - window, t);
    if (Math.abs(rate - baseRate) / baseRate > band.throughputPct / 100) return true;
    if (baseP99 === null) return false;
    const p99 = series.p99(t - window, t);
    return p99 !== null && p99 > baseP99 * (1 + band.p99Pct / 100);
  };
  let lastBad = -1;
  for (let t = atMs + step; t <= horizon; t += step) if (outOfBand(t)) lastBad = t;
  if (lastBad < 0) return { ms: 0, status: "no-impact" };
  if (lastBad + window > horizon) return { ms: null, status: "not-recovered" };
  return { ms: round(lastBad - atMs, 0), status: "recovered" };
}

/** Why messages were lost or delivered twice, from what the model recorded (never written in advance). */
function explainLoss(engine: Engine, delivery: { ackedLost: number; duplicatesDelivered: number; duplicatesInLog: number; outOfOrder: number; expiredUnread: number }): string[] {
  const { ackedLost, duplicatesDelivered, duplicatesInLog, outOfOrder } = delivery;
  const why: string[] = [];
  const { cluster } = engine;
  const producers = engine.scenario.producers;
  if (ackedLost > 0) {
    // a producer waiting for its topic (created later) has sent nothing: it cannot have lost anything
    const acks = [...new Set(producers.flatMap((p) => engine.producers.get(p.id) ?? []).map((p) => String(p.config.acks)))];
    const truncations = cluster.events.counts.get("truncation") ?? 0;
    const unclean = cluster.controller.uncleanElections;
    if (acks.includes("1")) why.push(`acks=1: the leader acknowledged writes before its followers had copied them; when leadership moved, the new leader never had them`);
    if (acks.includes("0")) why.push(`acks=0: the producer counts a write as done once it is sent, with no answer from any broker; writes dropped on the way or by a broker that crashed, or not yet copied when leadership moved, are gone without the producer knowing`);
    if (unclean > 0) why.push(`${unclean} unclean leader election(s): a replica outside the ISR became leader, so everything it had not replicated was dropped`);
    if (truncations > 0) why.push(`${truncations} log truncation(s) to the new leader's epoch boundary discarded acknowledged messages`);
    const powerLosses = engine.nemesis.history.filter((f) => f.spec.kind === "power-loss").length;
    if (powerLosses > 0) why.push(`${powerLosses} power loss(es): data still in the page cache (never flushed) was gone`);
  }
  const plain = engine.scenario.producers.filter((p) => engine.producers.get(p.id)?.idempotent === false).map((p) => p.id);
  if (plain.length > 0) {
    const who = `${plain.join(", ")} ${plain.length > 1 ? "are" : "is"} not idempotent (enable.idempotence = false, or acks other than all)`;
    if (duplicatesInLog > 0) why.push(`${who}: a retried write the broker had already appended (its answer was lost or came too late) was appended again`);
    if (outOfOrder > 0) why.push(`${who}: batches that failed together were retried newest first (the accumulator puts a failed batch back at the head of its queue), so later messages reached the log before earlier ones`);
  }
  if (delivery.expiredUnread > 0) {
    const topics = [...new Set(engine.scenario.topics.map((t) => t.name))]
      .map((name) => cluster.topics.get(name)!)
      .map((t) => `${t.name}: retention.ms = ${String(t.config["retention.ms"])}, retention.bytes = ${String(t.config["retention.bytes"])}, segment.ms = ${String(t.config["segment.ms"])}`);
    why.push(
      `retention: ${delivery.expiredUnread.toLocaleString("en-US")} committed messages were deleted before any consumer read them; the consumers were behind the log start offset when their segments went, got OFFSET_OUT_OF_RANGE, and auto.offset.reset moved them past (${topics.join("; ")})`,
    );
  }
  if (duplicatesDelivered > 0) {
    const rebalances = [...engine.coordinator.all()].reduce((n, g) => n + g.rebalances, 0);
    const resets = [...engine.consumers.values()].reduce((n, c) => n + c.offsetResets, 0);
    if (rebalances > 0) why.push(`${rebalances} rebalance(s): partitions moved to a new owner that restarted from the last committed offset, re-delivering what had been processed after it`);
    if (resets > 0) why.push(`${resets} offset reset(s): a consumer's position was beyond the log end after the log was truncated under it (OFFSET_OUT_OF_RANGE), so auto.offset.reset moved it and records were read again`);
  }
  return why;
}

function sinkReport(engine: Engine, groupId: string): ProcessorReport["sink"] {
  const sink = [...engine.sinks.values()].find((s) => s.settings.from === groupId);
  if (!sink) return null;
  const { id, kind, recordsPerSec, writeLatencyMs } = sink.settings;
  return { id, kind, recordsPerSec, writeLatencyMs, writes: sink.writes, records: sink.records, unacknowledged: sink.unacknowledged() };
}
