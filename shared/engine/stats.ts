/**
 * The engine's instruments: the per-message checker, exact latency
 * histograms (HDR), and bounded time series for charts and recovery times.
 */
import type { Cluster, Instruments } from "./context";
import { Checker, streamKey, type StreamState } from "../metrics/checker";
import { LatencyHistogram } from "../metrics/latency";
import { TimeSeries } from "../metrics/timeseries";

export const SERIES_COUNTERS = ["produced", "acked", "failed", "consumed", "sink", "replicatedBytes", "produceErrors"] as const;
export const SERIES_GAUGES = ["lag", "underReplicated", "underMinIsr", "offline", "isrSize"] as const;
export type SeriesCounter = (typeof SERIES_COUNTERS)[number];
export type SeriesGauge = (typeof SERIES_GAUGES)[number];

/** Record a batch whose records were created evenly over [first, last] as four sub-points. */
function recordSpread(histogram: LatencyHistogram, now: number, first: number, last: number, count: number): void {
  const parts = count >= 4 ? 4 : count;
  let left = count;
  for (let k = 0; k < parts; k++) {
    const share = k === parts - 1 ? left : Math.floor(count / parts);
    left -= share;
    const created = first + ((last - first) * (k + 0.5)) / parts;
    histogram.record(Math.max(0, now - created), share);
  }
}

export class Stats implements Instruments {
  readonly checker = new Checker();
  readonly endToEnd = new LatencyHistogram();
  readonly ackLatency = new LatencyHistogram();
  readonly series = new TimeSeries<SeriesCounter, SeriesGauge>({ counters: [...SERIES_COUNTERS], gauges: [...SERIES_GAUGES], bucketMs: 100, maxBuckets: 2048 });
  readonly totals = { attempted: 0, acked: 0, failed: 0, consumed: 0, delivered: 0, deliveredBatches: 0, replicatedBytes: 0 };
  readonly produceErrors = new Map<number, number>();
  /**
   * Counted after the warm-up: acknowledgements of messages created since,
   * and what was consumed or delivered since (a stage's throughput is what
   * arrives there, whenever it was created: behind a slow sink, records
   * created long ago are still arriving at its full rate).
   */
  readonly steady = { acked: 0, consumed: 0, delivered: 0 };
  private streams: StreamState[][] = [];
  private cluster!: Cluster;
  private warmupMs = 0;

  bind(cluster: Cluster): void {
    this.cluster = cluster;
    this.warmupMs = cluster.scenario.report.warmup;
  }

  /** The checker's stream of a producer's messages to a partition, looked up once (producers and topics may come later). */
  private stream(producer: number, pid: number): StreamState {
    const row = (this.streams[producer] ??= []);
    let stream = row[pid];
    if (!stream) {
      const p = this.cluster.partitions[pid]!;
      stream = row[pid] = this.checker.stream(streamKey(this.cluster.producerNames[producer]!, p.topic, p.partition));
    }
    return stream;
  }

  attempted(producer: number, pid: number, baseSeq: number, count: number): void {
    this.totals.attempted += count;
    this.checker.produced(this.stream(producer, pid), baseSeq, count);
    this.series.add(this.cluster.sim.now, "produced", count);
  }

  acked(producer: number, pid: number, baseSeq: number, count: number, first: number, last: number): void {
    const now = this.cluster.sim.now;
    this.totals.acked += count;
    this.checker.acked(this.stream(producer, pid), baseSeq, count);
    if (first < this.warmupMs) return;
    this.steady.acked += count;
    recordSpread(this.ackLatency, now, first, last, count);
    this.series.add(now, "acked", count);
  }

  failed(producer: number, pid: number, baseSeq: number, count: number): void {
    this.totals.failed += count;
    this.checker.failed(this.stream(producer, pid), baseSeq, count);
    this.series.add(this.cluster.sim.now, "failed", count);
  }

  produceError(error: number, times = 1): void {
    this.produceErrors.set(error, (this.produceErrors.get(error) ?? 0) + times);
    this.series.add(this.cluster.sim.now, "produceErrors", times);
  }

  consumed(count: number): void {
    this.totals.consumed += count;
    if (this.cluster.sim.now >= this.warmupMs) this.steady.consumed += count;
    this.series.add(this.cluster.sim.now, "consumed", count);
  }

  private readonly readers = new Map<string, number>();

  reader(groupId: string): number {
    let n = this.readers.get(groupId);
    if (n === undefined) this.readers.set(groupId, (n = this.readers.size));
    return n;
  }

  delivered(batchId: number, pid: number, batchFirst: number, batchLast: number, from: number, count: number, reader: number): void {
    const now = this.cluster.sim.now;
    const store = this.cluster.partitions[pid]!.store;
    const total = store.countOf(batchId);
    // a poll that stopped at max.poll.records mid-batch: its records' creation times, evenly spread over the batch's
    const step = total > 1 ? (batchLast - batchFirst) / (total - 1) : 0;
    const first = batchFirst + step * from;
    const last = first + step * (count - 1);
    this.totals.delivered += count;
    if (from + count === total) this.totals.deliveredBatches++;
    this.checker.delivered(this.stream(store.producerOf(batchId), pid), store.baseSeqOf(batchId) + from, count, reader);
    this.series.add(now, "sink", count);
    // the series keeps an approximate per-bucket latency for recovery detection
    this.series.recordLatency(now, Math.max(0, now - (first + last) / 2), count);
    if (now >= this.warmupMs) this.steady.delivered += count;
    // latency percentiles leave out messages created during the warm-up
    if (first >= this.warmupMs) recordSpread(this.endToEnd, now, first, last, count);
  }

  expired(pid: number, batchId: number): void {
    const store = this.cluster.partitions[pid]!.store;
    this.checker.expired(this.stream(store.producerOf(batchId), pid), store.baseSeqOf(batchId), store.countOf(batchId));
  }

  replicated(bytes: number): void {
    this.totals.replicatedBytes += bytes;
    this.series.add(this.cluster.sim.now, "replicatedBytes", bytes);
  }
}
