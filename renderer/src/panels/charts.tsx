/** The four live charts: throughput, latency percentiles, consumer lag, ISR health. */
import { memo } from "react";
import type { MetricsPoint } from "../../../shared/engine/frame";
import { TimeChart, type ChartProps, type SeriesDef } from "./TimeChart";
import { formatCount, formatMs } from "./format";

const rate = (v: number | null) => (v === null ? "–" : `${formatCount(v)} msg/s`);
const count = (v: number | null) => (v === null ? "–" : formatCount(v));

const THROUGHPUT: readonly SeriesDef[] = [
  { key: "produce", label: "produced (acked)", colour: 1, value: (p: MetricsPoint) => p.produceMsgsPerSec, format: rate },
  { key: "consume", label: "consumed", colour: 2, value: (p: MetricsPoint) => p.consumeMsgsPerSec, format: rate },
  { key: "sink", label: "sink", colour: 3, value: (p: MetricsPoint) => p.sinkMsgsPerSec, format: rate, dashed: true },
];

const LATENCY: readonly SeriesDef[] = [
  { key: "p50", label: "p50", colour: 1, value: (p: MetricsPoint) => p.p50, format: formatMs },
  { key: "p95", label: "p95", colour: 4, value: (p: MetricsPoint) => p.p95, format: formatMs },
  { key: "p99", label: "p99", colour: 5, value: (p: MetricsPoint) => p.p99, format: formatMs },
];

const LAG: readonly SeriesDef[] = [
  { key: "lag", label: "consumer lag", colour: 1, value: (p: MetricsPoint) => p.lag, format: (v) => (v === null ? "–" : `${formatCount(v)} msgs`), fill: true },
];

const ISR: readonly SeriesDef[] = [
  { key: "underReplicated", label: "under-replicated", colour: 4, value: (p: MetricsPoint) => p.underReplicated, format: count },
  { key: "underMinIsr", label: "under min ISR", colour: 3, value: (p: MetricsPoint) => p.underMinIsr, format: count },
  { key: "offline", label: "offline", colour: 5, value: (p: MetricsPoint) => p.offline, format: count },
  { key: "isrTotal", label: "ISR replicas (right)", colour: 6, value: (p: MetricsPoint) => p.isrTotal, format: count, axis: "right", dashed: true },
];

export const ThroughputChart = memo(function ThroughputChart(props: ChartProps) {
  return <TimeChart {...props} testId="chart-throughput" title="Throughput" yLabel="msg/s" series={THROUGHPUT} />;
});

export const LatencyChart = memo(function LatencyChart(props: ChartProps) {
  return <TimeChart {...props} testId="chart-latency" title="End-to-end latency (created → sink)" yLabel="ms" series={LATENCY} yScale="auto" />;
});

export const LagChart = memo(function LagChart(props: ChartProps) {
  return <TimeChart {...props} testId="chart-lag" title="Consumer lag" yLabel="messages" series={LAG} integer />;
});

export const IsrChart = memo(function IsrChart(props: ChartProps) {
  return <TimeChart {...props} testId="chart-isr" title="ISR and partition health" yLabel="partitions" yLabelRight="ISR replicas" series={ISR} integer />;
});
