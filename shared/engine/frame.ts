/**
 * What the UI sees of a running engine, sent at most ~60 times a second: the
 * cluster's state (brokers, partitions with their replicas' offsets, clients,
 * links, faults), the newest metrics point, the events since the last
 * frame, and a sample of the batches on the wire. Plain JSON.
 */
import type { QuorumView } from "../kafka/quorum";
import type { SimEvent } from "./events";

export type BrokerState = "up" | "fenced" | "paused" | "down" | "powered-off";

export interface BrokerView {
  id: number;
  name: string;
  state: BrokerState;
  leaderCount: number;
  /** Broker metrics with their JMX names (kafka.server / kafka.controller MBeans). */
  jmx: {
    UnderReplicatedPartitions: number;
    /** Meters: the cumulative Count (the UI shows deltas around a fault). */
    IsrShrinksPerSec: number;
    IsrExpandsPerSec: number;
    FailedProduceRequestsPerSec: number;
    /** Rates over the last frame interval, bytes per simulated second. */
    BytesInPerSec: number;
    BytesOutPerSec: number;
    LeaderCount: number;
    PartitionCount: number;
  };
  /** Share of the request handler threads busy since the last frame, 0..1. */
  cpuUtilisation: number;
  /** Its log disk: write bandwidth now (a slow-disk fault lowers it), and what its page cache holds that the disk has not written. */
  disk: {
    writeMBps: number;
    normalMBps: number;
    unwrittenMB: number;
    dirtyLimitMB: number;
    /** MB/s read from the disk since the last frame: fetches of data the page cache no longer holds. */
    readMBps: number;
  };
}

export interface ReplicaView {
  broker: number;
  /** The first offset still in its log (retention moves it). */
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  inIsr: boolean;
  role: "leader" | "follower" | "none";
}

export interface PartitionView {
  pid: number;
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  replicas: ReplicaView[];
  underMinIsr: boolean;
}

export interface TopicView {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, number | boolean | string>;
}

export interface ProducerView {
  id: string;
  topic: string;
  up: boolean;
  /** A pause fault froze its process (absent: it is not paused). */
  paused?: true;
  config: Record<string, number | boolean | string>;
  loadFactor: number;
  /** Active load-spike faults multiply the rate by this (absent: none). */
  spike?: number;
  /** buffer.memory in use and its limit (MB), and records waiting in send() for room in it (back-pressure). */
  buffer: { usedMB: number; limitMB: number; blockedRecords: number };
  /** Active hot-key faults: the key, the share of records carrying it, and the partition it goes to (-1: keys are ignored). */
  hotKeys?: { key: string; share: number; partition: number }[];
  errors: Record<string, number>;
}

export interface ConsumerView {
  id: string;
  group: string;
  up: boolean;
  /** A pause fault froze its process, or a stall fault blocks its application thread (absent: neither). */
  blocked?: "paused" | "stalled";
  partitions: number[];
}

export interface GroupView {
  id: string;
  topics: string[];
  state: string;
  generation: number;
  protocol: string;
  lag: number;
  members: string[];
  config: Record<string, number | boolean | string>;
}

export interface SinkView {
  id: string;
  kind: string;
  /** The consumer group that writes here. */
  from: string;
  writeLatencyMs: number;
  /** Capacity: records per second the sink absorbs. */
  recordsPerSec: number;
  /** Totals so far. */
  writes: number;
  records: number;
  /** Records the sink absorbed per simulated second since the last frame (the last rate while paused). */
  inRate: number;
  /** Share of the time the sink was busy since the last frame, 0..1. */
  utilisation: number;
  /** Milliseconds of writes queued ahead of a new write. */
  backlogMs: number;
  /** False during an outage (a crash or pause of the sink). */
  up: boolean;
  /** Writers waiting for the sink to come back. */
  blocked: number;
}

export interface LinkView {
  from: string;
  to: string;
  cut: boolean;
  extraLatencyMs: number;
  lossRate: number;
}

export interface FaultView {
  id: number;
  kind: string;
  targets: string[];
  description: string;
  atMs: number;
  healedAtMs: number | null;
}

/** One batch-carrying message on the wire, for animation. */
export interface FlowView {
  from: string;
  to: string;
  kind: "produce" | "replicate" | "consume";
  sentAtMs: number;
  arriveAtMs: number;
}

export interface MetricsPoint {
  tMs: number;
  produceMsgsPerSec: number;
  consumeMsgsPerSec: number;
  sinkMsgsPerSec: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  lag: number;
  underReplicated: number;
  underMinIsr: number;
  offline: number;
  isrTotal: number;
}

export interface CheckerView {
  attempted: number;
  acked: number;
  failed: number;
  ackedLost: number;
  duplicatesInLog: number;
  duplicatesDelivered: number;
  outOfOrder: number;
  /** Committed messages retention deleted, and of them those no consumer had read (not loss). */
  deletedByRetention: number;
  expiredUnread: number;
  /** Simulated time the log scan behind these numbers was taken at. */
  scannedAtMs: number;
}

/** The active controller's metrics, by their JMX names (kafka.controller:type=ControllerStats / KafkaController). */
export interface ControllerView {
  up: boolean;
  /** Meter Count: leader elections so far. */
  LeaderElectionRateAndTimeMs: number;
  UncleanLeaderElectionsPerSec: number;
  OfflinePartitionsCount: number;
  ActiveControllerCount: number;
  FencedBrokerCount: number;
  /** The KRaft quorum: the active controller (null while none is elected), its epoch, failovers, each voter. */
  quorum: QuorumView;
}

export interface Frame {
  seq: number;
  nowMs: number;
  durationMs: number;
  playing: boolean;
  /** Simulated seconds per wall second (ignored while maxSpeed). */
  speed: number;
  maxSpeed: boolean;
  /** True when this frame's session branched from a recorded one (edited after scrubbing back). */
  forked: boolean;
  scenarioName: string;
  brokers: BrokerView[];
  controller: ControllerView;
  topics: TopicView[];
  partitions: PartitionView[];
  /**
   * False when `partitions` holds only the partitions whose leadership, ISR
   * or replica roles changed since the previous frame: a large cluster's
   * frames would otherwise carry every replica's offsets (250 KB for 600
   * partitions), which then refresh with the next full frame, about once a
   * wall second. Absent or true: every partition.
   */
  partitionsFull?: boolean;
  producers: ProducerView[];
  groups: GroupView[];
  consumers: ConsumerView[];
  sinks: SinkView[];
  links: LinkView[];
  faults: FaultView[];
  checker: CheckerView;
  metrics: MetricsPoint;
  events: SimEvent[];
  flows: FlowView[];
}

/**
 * A frame with every partition: a partial one (only partitions whose
 * leadership, ISR or roles changed; see Frame.partitionsFull) laid over the
 * previous frame's.
 */
export function completeFrame(prev: Frame | null, frame: Frame): Frame {
  if (frame.partitionsFull !== false || !prev) return frame;
  const changed = new Map(frame.partitions.map((p) => [p.pid, p]));
  const partitions = prev.partitions.map((p) => {
    const next = changed.get(p.pid);
    if (next) changed.delete(p.pid);
    return next ?? p;
  });
  for (const p of changed.values()) partitions.push(p);
  return { ...frame, partitions, partitionsFull: true };
}
