/**
 * Small, fast scenarios for engine tests: three brokers, a few partitions, a
 * few thousand messages a second, tens of simulated seconds. Each test states
 * the settings its claim depends on; everything else is a Kafka default.
 */
import { Engine, type EngineOptions } from "../../shared/engine/engine";
import type { Report } from "../../shared/engine/report";
import type { PartitionState } from "../../shared/kafka/controller";
import { scenarioSchema, type Scenario, type ScenarioInput } from "../../shared/scenario/schema";

export const TOPIC = "events";

type ProducerInput = NonNullable<ScenarioInput["producers"]>[number];

export interface SmallScenario {
  name?: string;
  seed?: number;
  durationMs?: number;
  brokerConfig?: Record<string, number | boolean | string>;
  /** KRaft controller voters (default 1). */
  controllers?: number;
  hardware?: NonNullable<ScenarioInput["cluster"]["hardware"]>;
  network?: ScenarioInput["network"];
  partitions?: number;
  replicationFactor?: number;
  assignment?: number[][];
  topicConfig?: Record<string, number | boolean | string>;
  /** Messages per second of the one producer "p" (evenly spread unless `poisson`). */
  rate?: number;
  poisson?: boolean;
  producerConfig?: Record<string, number | boolean | string>;
  producers?: ProducerInput[];
  consumerGroups?: ScenarioInput["consumerGroups"];
  sinks?: ScenarioInput["sinks"];
  faults?: ScenarioInput["faults"];
}

export function smallScenario(options: SmallScenario = {}): Scenario {
  return scenarioSchema.parse(smallScenarioInput(options));
}

/** smallScenario as a scenario file holds it (for a session, which opens YAML). */
export function smallScenarioInput(options: SmallScenario = {}): ScenarioInput {
  const rate = options.rate ?? 2000;
  return {
    name: options.name ?? "engine-test",
    description: "a small cluster for engine tests",
    seed: options.seed ?? 1,
    duration: options.durationMs ?? 20_000,
    cluster: { brokers: 3, ...(options.controllers ? { controllers: options.controllers } : {}), config: options.brokerConfig ?? {}, ...(options.hardware ? { hardware: options.hardware } : {}) },
    ...(options.network ? { network: options.network } : {}),
    topics: [
      {
        name: TOPIC,
        partitions: options.partitions ?? 3,
        replicationFactor: options.replicationFactor ?? 3,
        ...(options.assignment ? { assignment: options.assignment } : {}),
        config: options.topicConfig ?? {},
      },
    ],
    producers: options.producers ?? [
      {
        id: "p",
        topic: TOPIC,
        workload: options.poisson ? { type: "poisson", rate } : { type: "constant", rate },
        keys: { type: "uniform", count: 500 },
        config: options.producerConfig ?? {},
      },
    ],
    consumerGroups: options.consumerGroups ?? [],
    sinks: options.sinks ?? [],
    faults: options.faults ?? [],
  };
}

/**
 * The busy small cluster the property tests break: min.insync.replicas 2, ISR shrink after 4 s,
 * 2 s request timeouts, a dirty limit a slow disk fills in seconds, and a group of two reading
 * from the earliest offset with a 6 s session timeout.
 */
export const PROPERTY_CLUSTER: SmallScenario = {
  rate: 2500,
  poisson: true,
  brokerConfig: { "min.insync.replicas": 2, "replica.lag.time.max.ms": 4000 },
  producerConfig: { "request.timeout.ms": 2000 },
  hardware: { dirtyLimitMB: 2 },
  consumerGroups: [{ id: "g", topics: [TOPIC], consumers: 2, config: { "auto.offset.reset": "earliest", "session.timeout.ms": 6000 } }],
};

/** The report without its one non-deterministic field (wall-clock time). */
export function canonicalReport(report: Report): string {
  const { wallMs: _wallMs, ...rest } = report;
  return JSON.stringify(rest);
}

/** Run to the end and build the report once (building it twice is not idempotent). */
export function runToReport(scenario: Scenario, options: EngineOptions = {}): { engine: Engine; report: Report } {
  const engine = new Engine(scenario, options);
  engine.run();
  return { engine, report: engine.report() };
}

export function pidOf(engine: Engine, partition: number, topic = TOPIC): number {
  return engine.cluster.topics.get(topic)!.pids[partition]!;
}

export function partitionState(engine: Engine, partition: number, topic = TOPIC): PartitionState {
  return engine.cluster.controller.partitions[pidOf(engine, partition, topic)]!;
}

/** Advance in `stepMs` steps until `predicate` holds or `untilMs` passes; the time it first held, or null. */
export function runUntilTrue(engine: Engine, untilMs: number, stepMs: number, predicate: () => boolean): number | null {
  while (engine.now < untilMs) {
    engine.runUntil(Math.min(untilMs, engine.now + stepMs));
    if (predicate()) return engine.now;
  }
  return null;
}

export function eventsOf(engine: Engine, kind: string): { atMs: number; text: string }[] {
  return engine.cluster.events.all().filter((e) => e.kind === kind);
}

/**
 * One partition led by broker-1, cut off with its producer from the rest of the cluster and
 * the controller from t=10 s to t=70 s: the old leader keeps taking writes nobody else gets,
 * then comes back to a new leader (the regression tests of divergence and duplicate acks).
 */
export function partitionedLeader(acks: "1" | "all", durationMs: number): Scenario {
  return scenarioSchema.parse({
    name: "partitioned-leader", description: "a leader cut off with its producer", duration: durationMs,
    cluster: { brokers: 3, config: { "min.insync.replicas": 2 } },
    topics: [{ name: "t", partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]] }],
    producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 1000 }, keys: { type: "uniform", count: 100 }, recordBytes: 100, config: { acks } }],
    faults: [{ kind: "partition", groups: [["broker-1", "p"], ["broker-2", "broker-3", "controller"]], at: "10s", duration: "60s" }],
  });
}
