/**
 * The broker metrics table's columns (real JMX names and MBeans) and the
 * "value (+delta)" formatting against a baseline captured when a fault began.
 * Pure.
 */
import type { BrokerState, BrokerView } from "../../../shared/engine/frame";
import { formatBytesRate, formatCount } from "./format";

export type JmxKey = keyof BrokerView["jmx"];

/** Which way a change is bad news; null when it is neither (traffic moving, leaders moving). */
export type Worse = "up" | "down" | null;

export interface JmxColumn {
  key: JmxKey;
  mbean: string;
  /** What the number is, for the header tooltip. */
  meaning: string;
  worse: Worse;
  format: (n: number) => string;
}

const rm = (name: string) => `kafka.server:type=ReplicaManager,name=${name}`;
const btm = (name: string) => `kafka.server:type=BrokerTopicMetrics,name=${name}`;

export const JMX_COLUMNS: readonly JmxColumn[] = [
  { key: "UnderReplicatedPartitions", mbean: rm("UnderReplicatedPartitions"), meaning: "partitions led here whose ISR is smaller than the replica set", worse: "up", format: formatCount },
  { key: "IsrShrinksPerSec", mbean: rm("IsrShrinksPerSec"), meaning: "meter Count: replicas dropped from an ISR (cumulative)", worse: "up", format: formatCount },
  { key: "IsrExpandsPerSec", mbean: rm("IsrExpandsPerSec"), meaning: "meter Count: replicas re-joining an ISR (cumulative)", worse: null, format: formatCount },
  { key: "FailedProduceRequestsPerSec", mbean: btm("FailedProduceRequestsPerSec"), meaning: "meter Count: produce requests refused (cumulative)", worse: "up", format: formatCount },
  { key: "BytesInPerSec", mbean: btm("BytesInPerSec"), meaning: "bytes written by producers, per simulated second", worse: null, format: formatBytesRate },
  { key: "BytesOutPerSec", mbean: btm("BytesOutPerSec"), meaning: "bytes read by consumers and followers, per simulated second", worse: null, format: formatBytesRate },
  { key: "LeaderCount", mbean: rm("LeaderCount"), meaning: "partitions this broker leads", worse: null, format: formatCount },
  { key: "PartitionCount", mbean: rm("PartitionCount"), meaning: "partition replicas hosted here", worse: null, format: formatCount },
];

export type Tone = "bad" | "good" | "neutral" | "none";

export interface Delta {
  /** "+3", "−1.2 kB/s", "±0". */
  text: string;
  tone: Tone;
}

/** The change since the baseline, formatted with the column's unit and coloured by whether it is bad news. */
export function formatDelta(col: Pick<JmxColumn, "worse" | "format">, value: number, base: number | undefined): Delta | null {
  if (base === undefined || !Number.isFinite(base) || !Number.isFinite(value)) return null;
  const d = value - base;
  if (d === 0) return { text: "±0", tone: "none" };
  const sign = d > 0 ? "+" : "−";
  const text = sign + col.format(Math.abs(d));
  if (col.worse === null) return { text, tone: "neutral" };
  const bad = (d > 0 && col.worse === "up") || (d < 0 && col.worse === "down");
  return { text, tone: bad ? "bad" : "good" };
}

export function formatCpu(share: number): string {
  if (!Number.isFinite(share)) return "–";
  return `${Math.round(Math.max(0, Math.min(1, share)) * 100)} %`;
}

export function stateTone(state: BrokerState): "ok" | "warn" | "bad" {
  if (state === "up") return "ok";
  if (state === "fenced" || state === "paused") return "warn";
  return "bad";
}
