/**
 * What every simulated entity can reach: the clock, the network, the
 * cluster's parts and the instruments. One object, built once by the engine.
 */
import type { Simulator } from "../kernel/simulator";
import { Rng } from "../kernel/rng";
import type { Network } from "../kafka/network";
import type { BatchStore } from "../kafka/log";
import type { EventLog } from "./events";
import type { Broker } from "../kafka/broker";
import type { Controller } from "../kafka/controller";
import type { Scenario } from "../scenario/schema";
import type { ConfigValue } from "../kafka/config";

export interface PartitionRef {
  readonly pid: number;
  readonly topic: string;
  readonly partition: number;
  /** "topic-partition", Kafka's own spelling. */
  readonly name: string;
  /** __consumer_offsets: leadership only, no data flow. */
  readonly internal: boolean;
  readonly store: BatchStore;
  /** The topic itself (its config), without a lookup by name on hot paths. */
  readonly topicRef: TopicRef;
}

export interface TopicRef {
  readonly name: string;
  readonly pids: number[];
  readonly internal: boolean;
  config: Record<string, ConfigValue>;
}

/** Instruments the model reports into (implemented by the engine's Stats). */
export interface Instruments {
  attempted(producer: number, pid: number, baseSeq: number, count: number): void;
  acked(producer: number, pid: number, baseSeq: number, count: number, firstCreatedMs: number, lastCreatedMs: number): void;
  failed(producer: number, pid: number, baseSeq: number, count: number, error: number): void;
  /** `times` errors of one kind: a batch's error response counts once, records refused by send() (BUFFER_EXHAUSTED, MESSAGE_TOO_LARGE) one each. */
  produceError(error: number, times?: number): void;
  consumed(count: number): void;
  /** The number the checker knows consumer group `groupId` by (its deliveries are counted apart from other groups'). */
  reader(groupId: string): number;
  /** Records `from` .. `from + count - 1` of a batch were processed by the application of group `reader`. */
  delivered(batchId: number, pid: number, firstCreatedMs: number, lastCreatedMs: number, from: number, count: number, reader: number): void;
  replicated(bytes: number): void;
  /** Retention deleted the batch `batchId` of partition `pid` (its segment was past retention.ms or retention.bytes). */
  expired(pid: number, batchId: number): void;
}

export interface Cluster {
  readonly sim: Simulator;
  readonly net: Network;
  readonly seed: number;
  readonly scenario: Scenario;
  readonly events: EventLog;
  readonly brokerConfig: Record<string, ConfigValue>;
  /** Indexed by broker id (1-based); [0] is unused. */
  readonly brokers: Broker[];
  controller: Controller;
  readonly partitions: PartitionRef[];
  readonly topics: Map<string, TopicRef>;
  readonly instruments: Instruments;
  readonly producerNames: string[];
  readonly connections: ConnectionRegistry;
}

/** Lets a broker reset the client connections open to it when its process dies. */
export interface ConnectionRegistry {
  register(brokerId: number, reset: () => void): () => void;
  resetAll(brokerId: number): void;
}

export function entityRng(cluster: Pick<Cluster, "seed">, entity: string): Rng {
  return Rng.for(cluster.seed, entity);
}

export function brokerName(id: number): string {
  return `broker-${id}`;
}

export function num(value: ConfigValue | undefined): number {
  return typeof value === "number" ? value : Number(value);
}

/**
 * min.insync.replicas as Kafka applies it to one partition: never more than
 * its replication factor (Partition.effectiveMinIsr), so a topic asking for
 * more than it has replicas is not stuck for good.
 */
export function effectiveMinIsr(cluster: Pick<Cluster, "partitions">, pid: number, replicationFactor: number): number {
  // read from the topic each time: a setConfig command replaces its config
  const minIsr = num(cluster.partitions[pid]!.topicRef.config["min.insync.replicas"]);
  return minIsr < replicationFactor ? minIsr : replicationFactor;
}
