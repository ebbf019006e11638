/**
 * The engine: builds a cluster from a scenario and a seed, runs it headless
 * (as fast as possible) or in steps a pacer chooses, accepts commands while
 * running and records them, and writes the report. Same scenario + seed +
 * action log ⇒ the same report, byte for byte (wall time aside).
 *
 * Snapshots are replays: `Engine.replay(scenario, seed, actions, atMs)`
 * rebuilds the state at any time, which is how the app scrubs backwards.
 */
import { Simulator, type Timer } from "../kernel/simulator";
import { Network } from "../kafka/network";
import { BatchStore } from "../kafka/log";
import { Broker } from "../kafka/broker";
import { Controller } from "../kafka/controller";
import { Producer } from "../kafka/producer";
import { Consumer } from "../kafka/consumer";
import { GroupCoordinator } from "../kafka/coordinator";
import { Sink, SINK_KINDS } from "../pipeline/sink";
import { brokerConfig as brokerTable, consumerConfig, internalConfig, producerConfig, resolveConfig, topicConfig, configProblem, type ConfigValue } from "../kafka/config";
import type { ConsumerGroupSpec, ProducerSpec, Scenario, SinkSpec, TopicSpec } from "../scenario/schema";
import { EventLog } from "./events";
import { Stats } from "./stats";
import { Nemesis, FaultError } from "../faults/nemesis";
import { commandSchema, type CommandResult, type EngineCommandInput, type RecordedAction } from "./commands";
import type { Cluster, ConnectionRegistry, PartitionRef, TopicRef } from "./context";
import { effectiveMinIsr, num } from "./context";
import { buildReport, type Report } from "./report";

export const OFFSETS_TOPIC = "__consumer_offsets";
/** A live command runs after every event due at its instant; a replayed one must too. */
const REPLAYED_ACTION_PRIORITY = 100;
/**
 * A client with a later `start` starts after the events of its millisecond and before
 * replayed actions: the same order whether the engine was built with it or it was added live.
 */
const CLIENT_START_PRIORITY = 50;
/** A topic with a later `start` is created before the clients starting in its millisecond. */
const TOPIC_CREATE_PRIORITY = 40;

class Connections implements ConnectionRegistry {
  private readonly byBroker = new Map<number, Set<() => void>>();
  register(brokerId: number, reset: () => void): () => void {
    let set = this.byBroker.get(brokerId);
    if (!set) {
      set = new Set();
      this.byBroker.set(brokerId, set);
    }
    set.add(reset);
    return () => set!.delete(reset);
  }
  resetAll(brokerId: number): void {
    const set = this.byBroker.get(brokerId);
    if (!set) return;
    const resets = [...set];
    set.clear();
    for (const reset of resets) reset();
  }
}

/**
 * Kafka's rack-unaware replica placement (AdminUtils.assignReplicasToBrokersRackUnaware)
 * with a fixed start index: partition p leads on broker (start + p) mod n, and
 * its followers sit at shifts that grow by one every n partitions, so each
 * broker follows partitions of many leaders rather than of its two neighbours.
 */
function placeReplicas(partitions: number, replicationFactor: number, brokers: number, start: number): number[][] {
  const out: number[][] = [];
  let shift = start;
  for (let p = 0; p < partitions; p++) {
    if (p > 0 && p % brokers === 0) shift++;
    const first = (p + start) % brokers;
    const replicas = [first + 1];
    for (let j = 0; j < replicationFactor - 1; j++) replicas.push(((first + 1 + ((shift + j) % (brokers - 1))) % brokers) + 1);
    out.push(replicas);
  }
  return out;
}

export interface EngineOptions {
  seed?: number;
  durationMs?: number;
  /** Commands to apply at their recorded times (a replayed session). */
  actions?: readonly RecordedAction[];
}

export class Engine {
  readonly sim = new Simulator();
  readonly cluster: Cluster;
  readonly stats = new Stats();
  readonly nemesis: Nemesis;
  readonly producers = new Map<string, Producer>();
  readonly consumers = new Map<string, Consumer>();
  /** Sinks by id (each written by one consumer group). */
  readonly sinks = new Map<string, Sink>();
  readonly coordinator: GroupCoordinator;
  readonly seed: number;
  readonly durationMs: number;
  readonly actionLog: RecordedAction[] = [];
  private readonly maxLag = new Map<string, number>();
  private readonly scheduledActions: { atMs: number; timer: Timer }[] = [];

  private current: Scenario;

  /** The scenario this engine runs (extend() may have appended producers and groups to it). */
  get scenario(): Scenario {
    return this.current;
  }

  constructor(
    scenario: Scenario,
    options: EngineOptions = {},
  ) {
    this.current = scenario;
    this.seed = options.seed ?? scenario.seed;
    this.durationMs = options.durationMs ?? scenario.duration;
    const brokerConfig = resolveConfig({ ...brokerTable, ...internalConfig }, scenario.cluster.config);
    const partitions: PartitionRef[] = [];
    const topics = new Map<string, TopicRef>();
    const assignment: number[][] = [];
    const brokerCount = scenario.cluster.brokers;
    // placement starts at the topic's place in the scenario (created later or not), so adding one never moves the others
    const addTopic = (name: string, count: number, rf: number, explicit: number[][] | undefined, config: Record<string, ConfigValue>, internal: boolean, index: number) => {
      const placed = explicit ?? placeReplicas(count, rf, brokerCount, index);
      appendTopic(partitions, topics, name, count, internal, config);
      for (let p = 0; p < count; p++) assignment.push(placed[p]!);
    };
    // topics with a later start are created then (createTopic)
    const atStart = scenario.topics.filter((t) => t.start <= 0);
    scenario.topics.forEach((topic, index) => {
      if (topic.start <= 0) addTopic(topic.name, topic.partitions, topic.replicationFactor, topic.assignment, topicConfigOf(topic, brokerConfig), false, index);
    });
    // __consumer_offsets comes with the first group (Kafka creates it on the first FindCoordinator): now, or when that group starts
    const firstGroupStart = Math.min(...scenario.consumerGroups.map((g) => g.start));
    if (firstGroupStart <= 0) {
      const rf = Math.min(brokerCount, num(brokerConfig["offsets.topic.replication.factor"]));
      addTopic(OFFSETS_TOPIC, num(brokerConfig["offsets.topic.num.partitions"]), rf, undefined, resolveConfig(topicConfig), true, atStart.length);
    }
    const cluster: Cluster = {
      sim: this.sim,
      net: new Network(this.sim, scenario.network, this.seed),
      seed: this.seed,
      scenario,
      events: new EventLog(),
      brokerConfig,
      brokers: [],
      controller: undefined as unknown as Controller,
      partitions,
      topics,
      instruments: this.stats,
      producerNames: scenario.producers.map((p) => p.id),
      connections: new Connections(),
    };
    this.cluster = cluster;
    cluster.brokers.push(undefined as unknown as Broker);
    for (let id = 1; id <= brokerCount; id++) cluster.brokers.push(new Broker(cluster, id, scenario.cluster.hardware));
    cluster.controller = new Controller(cluster, assignment);
    this.coordinator = new GroupCoordinator(cluster, topics.get(OFFSETS_TOPIC)?.pids ?? []);
    for (const broker of cluster.brokers.slice(1)) broker.coordinator = this.coordinator;
    this.stats.bind(cluster);
    for (const spec of scenario.sinks) this.sinks.set(spec.id, new Sink(sinkSettings(spec), this.sim));
    this.nemesis = new Nemesis(cluster, this.producers, this.consumers, this.sinks);

    // t = 0: the cluster is formed, clients start (a client of a topic created later is made then)
    cluster.controller.start();
    for (const broker of cluster.brokers.slice(1)) broker.start(cluster.controller.partitions);
    for (const group of scenario.consumerGroups) this.whenTopicsExist(group.topics, () => this.addGroup(group));
    for (const spec of scenario.producers) this.whenTopicsExist([spec.topic], () => this.addProducer(spec));
    scenario.topics.forEach((topic, index) => {
      if (topic.start > 0) this.sim.at(topic.start, () => this.createTopic(topic, index), TOPIC_CREATE_PRIORITY);
    });
    if (firstGroupStart > 0 && firstGroupStart < Infinity) this.scheduleOffsetsTopic(firstGroupStart);
    for (const fault of scenario.faults) {
      this.sim.at(fault.at, () => {
        try {
          this.nemesis.inject(fault);
        } catch (error) {
          if (!(error instanceof FaultError)) throw error;
          cluster.events.emit(this.sim.now, "fault", `fault not started: ${error.message}`);
        }
      });
    }
    for (const action of options.actions ?? []) this.scheduleAction(action);
    this.scheduleSampling();
  }

  /** Clients waiting for a topic created later, by topic name. */
  private readonly waitingForTopic = new Map<string, (() => void)[]>();

  /** Run `make` now if every topic exists, else when the last of them is created. */
  private whenTopicsExist(names: readonly string[], make: () => void): void {
    const missing = names.find((name) => !this.cluster.topics.has(name));
    if (missing === undefined) make();
    else this.waitingForTopic.set(missing, [...(this.waitingForTopic.get(missing) ?? []), () => this.whenTopicsExist(names, make)]);
  }

  private addProducer(spec: ProducerSpec): void {
    // its index: its place in the scenario (names are listed at t = 0), or next for one added while running
    const names = this.cluster.producerNames;
    if (!names.includes(spec.id)) names.push(spec.id);
    const producer = new Producer(this.cluster, names.indexOf(spec.id), spec);
    this.producers.set(spec.id, producer);
    this.startClient(spec.start, producer);
  }

  private addGroup(group: ConsumerGroupSpec): void {
    this.addMembers(group);
    for (const member of this.membersOf(group.id)) this.startClient(group.start, member);
  }

  /**
   * A topic with a later `start` (created while running, or so written): the
   * controller creates its partitions, placed among the brokers there are
   * then, and tells the brokers; clients waiting for it are made.
   */
  private createTopic(spec: TopicSpec, index: number): void {
    const { cluster } = this;
    const placed = spec.assignment ?? placeReplicas(spec.partitions, spec.replicationFactor, cluster.brokers.length - 1, index);
    const ref = appendTopic(cluster.partitions, cluster.topics, spec.name, spec.partitions, false, topicConfigOf(spec, cluster.brokerConfig));
    cluster.controller.createPartitions(spec.name, ref.pids, placed);
    const waiting = this.waitingForTopic.get(spec.name) ?? [];
    this.waitingForTopic.delete(spec.name);
    for (const make of waiting) make();
  }

  private offsetsScheduled = false;

  /** The first group starts at `atMs` in a cluster without __consumer_offsets: it is created then. */
  private scheduleOffsetsTopic(atMs: number): void {
    if (this.offsetsScheduled || this.cluster.topics.has(OFFSETS_TOPIC)) return;
    this.offsetsScheduled = true;
    this.sim.at(
      atMs,
      () => {
        const { cluster } = this;
        const brokers = cluster.brokers.length - 1;
        const count = num(cluster.brokerConfig["offsets.topic.num.partitions"]);
        const rf = Math.min(brokers, num(cluster.brokerConfig["offsets.topic.replication.factor"]));
        // placed as it would have been with the topics there from the start
        const index = this.current.topics.filter((t) => t.start <= 0).length;
        const ref = appendTopic(cluster.partitions, cluster.topics, OFFSETS_TOPIC, count, true, resolveConfig(topicConfig));
        cluster.controller.createPartitions(OFFSETS_TOPIC, ref.pids, placeReplicas(count, rf, brokers, index));
        this.coordinator.useOffsetsTopic(ref.pids);
      },
      TOPIC_CREATE_PRIORITY,
    );
  }

  private addMembers(group: ConsumerGroupSpec): void {
    const sinkSpec = this.current.sinks.find((s) => s.from === group.id);
    const sink = sinkSpec ? this.sinks.get(sinkSpec.id)! : null;
    for (let i = 0; i < group.consumers; i++) {
      const name = `${group.id}-${i}`;
      this.consumers.set(name, new Consumer(this.cluster, name, group, this.coordinator.group(group.id), sink));
    }
  }

  private membersOf(groupId: string): Consumer[] {
    return [...this.consumers.values()].filter((c) => c.spec.id === groupId);
  }

  /** Start a client now (t = 0, with the cluster) or when its `start` comes. */
  private startClient(start: number, client: Producer | Consumer): void {
    if (start <= 0 && this.sim.now === 0) client.start();
    else
      this.sim.at(
        start,
        () => {
          // a fault may have taken it down before it started: it starts when it is restarted
          if (client.up) client.start();
        },
        CLIENT_START_PRIORITY,
      );
  }

  /**
   * Take on an edited scenario without starting over, when the edit only
   * appended producers, consumer groups or sinks that start after now: they join
   * the running cluster when their start comes, exactly as an engine built
   * from the edited scenario would start them. Returns why not otherwise.
   */
  extend(next: Scenario): string | null {
    const now = this.sim.now;
    const current = this.current;
    const rest = (s: Scenario) => JSON.stringify({ ...s, topics: undefined, producers: undefined, consumerGroups: undefined, sinks: undefined });
    if (rest(next) !== rest(current)) return "more than topics, producers, consumer groups or sinks changed";
    const same = <T>(a: readonly T[], b: readonly T[]) => a.length >= b.length && b.every((x, i) => JSON.stringify(x) === JSON.stringify(a[i]));
    if (!same(next.topics, current.topics)) return "an existing topic changed";
    if (!same(next.producers, current.producers)) return "an existing producer changed";
    if (!same(next.consumerGroups, current.consumerGroups)) return "an existing consumer group changed";
    if (!same(next.sinks, current.sinks)) return "an existing sink changed";
    const topics = next.topics.slice(current.topics.length);
    const producers = next.producers.slice(current.producers.length);
    const groups = next.consumerGroups.slice(current.consumerGroups.length);
    const sinks = next.sinks.slice(current.sinks.length);
    if (topics.length + producers.length + groups.length + sinks.length === 0) return "nothing was added";
    if ([...topics, ...producers, ...groups, ...sinks].some((c) => !(c.start > now))) return "a topic, client or sink added while running must start after now";
    this.current = next;
    (this.cluster as { scenario: Scenario }).scenario = next;
    topics.forEach((topic, i) => this.sim.at(topic.start, () => this.createTopic(topic, current.topics.length + i), TOPIC_CREATE_PRIORITY));
    for (const spec of producers) this.whenTopicsExist([spec.topic], () => this.addProducer(spec));
    // a sink for an existing group: its members write there from the sink's start (a new group's members get it when made)
    for (const spec of sinks) {
      const sink = new Sink(sinkSettings(spec), this.sim);
      this.sinks.set(spec.id, sink);
      for (const member of this.membersOf(spec.from)) member.attachSink(sink);
    }
    if (groups.length > 0) this.scheduleOffsetsTopic(Math.min(...groups.map((g) => g.start)));
    for (const group of groups) this.whenTopicsExist(group.topics, () => this.addGroup(group));
    return null;
  }

  /** Apply a recorded action when its time comes (a replay, or a checkpoint engine trailing the live one). */
  scheduleAction(action: RecordedAction): void {
    this.scheduledActions.push({ atMs: action.atMs, timer: this.sim.at(action.atMs, () => this.command(action.command), REPLAYED_ACTION_PRIORITY) });
  }

  get now(): number {
    return this.sim.now;
  }

  /** Forget replayed actions scheduled after `atMs` (the user branched off the recorded session). */
  dropActionsAfter(atMs: number): void {
    for (const a of this.scheduledActions) if (a.atMs > atMs) this.sim.cancel(a.timer);
  }

  /** Advance simulated time to `ms` (not beyond the scenario's duration unless asked). */
  runUntil(ms: number): void {
    this.sim.run(ms);
  }

  /** Run to the end, reporting progress every simulated `chunkMs`. */
  run(onProgress?: (simulatedMs: number, totalMs: number) => void, chunkMs = 5000): void {
    while (this.sim.now < this.durationMs) {
      this.sim.run(Math.min(this.durationMs, this.sim.now + chunkMs));
      onProgress?.(this.sim.now, this.durationMs);
    }
  }

  /** Apply a command now; it is recorded with the simulated time when accepted. */
  command(input: unknown): CommandResult {
    const parsed = commandSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: `invalid command: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}` };
    const command = parsed.data;
    let result: CommandResult;
    try {
      switch (command.type) {
        case "inject": {
          const fault = this.nemesis.inject({ ...command.fault, at: this.sim.now });
          result = { ok: true, value: `fault ${fault.id} started on ${fault.targets.join(", ")}` };
          break;
        }
        case "heal":
          result = this.nemesis.heal(command.faultId) ? { ok: true, value: `fault ${command.faultId} healed` } : { ok: false, error: `no active fault ${command.faultId}` };
          break;
        case "healAll":
          this.nemesis.healAll();
          result = { ok: true, value: "all faults healed" };
          break;
        case "setConfig":
          result = this.setConfig(command.scope, command.id, command.key, command.value);
          break;
        case "loadFactor": {
          const producer = this.producers.get(command.producer);
          if (!producer) result = { ok: false, error: `no producer "${command.producer}"` };
          else {
            producer.loadFactor = command.factor;
            result = { ok: true, value: `${command.producer} load ×${command.factor}` };
          }
          break;
        }
        case "reassign": {
          const pid = this.cluster.topics.get(command.topic)?.pids[command.partition];
          if (pid === undefined || this.cluster.partitions[pid]!.internal) {
            result = { ok: false, error: `no partition ${command.topic}-${command.partition}` };
            break;
          }
          const refused = this.cluster.controller.reassign(pid, command.replicas);
          result = refused ? { ok: false, error: refused } : { ok: true, value: `reassigning ${command.topic}-${command.partition} to [${command.replicas.join(",")}]` };
          break;
        }
        case "addBroker": {
          const id = this.cluster.brokers.length;
          const broker = new Broker(this.cluster, id, this.scenario.cluster.hardware);
          broker.coordinator = this.coordinator;
          this.cluster.brokers.push(broker);
          this.cluster.controller.registerBroker(id);
          broker.start(this.cluster.controller.partitions);
          result = { ok: true, value: `broker-${id} added (no partitions until some are reassigned to it)` };
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof FaultError)) throw error;
      result = { ok: false, error: error.message };
    }
    if (result.ok) {
      this.actionLog.push({ atMs: this.sim.now, command: input as EngineCommandInput });
      this.cluster.events.emit(this.sim.now, "command", result.value);
    }
    return result;
  }

  private setConfig(scope: "producer" | "consumerGroup" | "topic", id: string, key: string, value: ConfigValue): CommandResult {
    const table = scope === "producer" ? producerConfig : scope === "consumerGroup" ? consumerConfig : topicConfig;
    const problem = configProblem(table, key, value);
    if (problem) return { ok: false, error: `${scope} ${id}: ${problem}` };
    if (scope === "producer") {
      const producer = this.producers.get(id);
      if (!producer) return { ok: false, error: `no producer "${id}"` };
      producer.setConfig(key, value);
    } else if (scope === "consumerGroup") {
      const members = [...this.consumers.values()].filter((c) => c.spec.id === id);
      if (members.length === 0) return { ok: false, error: `no consumer group "${id}"` };
      for (const member of members) member.setConfig(key, value);
    } else {
      const topic = this.cluster.topics.get(id);
      if (!topic || topic.internal) return { ok: false, error: `no topic "${id}"` };
      topic.config = resolveConfig(topicConfig, topic.config, { [key]: value });
    }
    return { ok: true, value: `${scope} ${id}: ${key} = ${String(value)}` };
  }

  /** Gauges sampled twice a simulated second: lag and partition health. */
  private scheduleSampling(): void {
    const every = 500;
    const sample = () => {
      const now = this.sim.now;
      const { controller, partitions } = this.cluster;
      let under = 0;
      let underMin = 0;
      let offline = 0;
      let isrTotal = 0;
      for (const state of controller.partitions) {
        const ref = partitions[state.pid]!;
        if (ref.internal) continue;
        if (state.leader < 0) offline++;
        if (state.isr.length < state.replicas.length) under++;
        if (state.isr.length < effectiveMinIsr(this.cluster, state.pid, state.replicas.length)) underMin++;
        isrTotal += state.isr.length;
      }
      const series = this.stats.series;
      series.set(now, "underReplicated", under);
      series.set(now, "underMinIsr", underMin);
      series.set(now, "offline", offline);
      series.set(now, "isrSize", isrTotal);
      let lag = 0;
      for (const group of this.coordinator.all()) {
        const groupLag = this.groupLag(group.id);
        lag += groupLag;
        if (groupLag > (this.maxLag.get(group.id) ?? 0)) this.maxLag.set(group.id, groupLag);
      }
      series.set(now, "lag", lag);
      this.sim.schedule(every, sample, 1);
    };
    this.sim.schedule(every, sample, 1);
  }

  /** Messages in the group's topics not yet committed: high watermark minus committed offset. */
  groupLag(groupId: string): number {
    const group = this.coordinator.group(groupId);
    const spec = this.scenario.consumerGroups.find((g) => g.id === groupId);
    if (!spec) return 0;
    let lag = 0;
    for (const topic of spec.topics) {
      // (a topic created later has no partitions yet)
      for (const pid of this.cluster.topics.get(topic)?.pids ?? []) {
        const committed = group.committed.get(pid);
        if (committed === undefined) continue;
        const hw = this.highWatermark(pid);
        if (hw > committed) lag += hw - committed;
      }
    }
    return lag;
  }

  /** The partition's high watermark as its current leader sees it (0 when offline). */
  highWatermark(pid: number): number {
    const leader = this.cluster.controller.partitions[pid]!.leader;
    if (leader < 0) return 0;
    const broker = this.cluster.brokers[leader]!;
    return broker.processUp ? broker.replica(pid).highWatermark : 0;
  }

  maxLagOf(groupId: string): number {
    return this.maxLag.get(groupId) ?? 0;
  }

  report(wallMs = 0): Report {
    return buildReport(this, wallMs);
  }

  /** Rebuild the state of a recorded session at `atMs` (scrubbing backwards = replaying forwards). */
  static replay(scenario: Scenario, seed: number, actions: readonly RecordedAction[], atMs: number): Engine {
    const engine = new Engine(scenario, { seed, actions: actions.filter((a) => a.atMs <= atMs) });
    engine.runUntil(atMs);
    return engine;
  }
}

/** A sink's figures: the scenario's, or its kind's defaults. */
export function sinkSettings(spec: SinkSpec): ConstructorParameters<typeof Sink>[0] {
  const defaults = SINK_KINDS[spec.kind];
  return { id: spec.id, kind: spec.kind, from: spec.from, writeLatencyMs: spec.writeLatencyMs ?? defaults.writeLatencyMs, recordsPerSec: spec.recordsPerSec ?? defaults.recordsPerSec, start: spec.start };
}

/** A topic's config: its own keys over the broker's defaults for them. */
function topicConfigOf(spec: TopicSpec, brokerConfig: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const fromBroker = {
    "min.insync.replicas": brokerConfig["min.insync.replicas"]!,
    "unclean.leader.election.enable": brokerConfig["unclean.leader.election.enable"]!,
    "max.message.bytes": brokerConfig["message.max.bytes"]!,
    "retention.ms": brokerConfig["log.retention.ms"]!,
    "retention.bytes": brokerConfig["log.retention.bytes"]!,
    "segment.bytes": brokerConfig["log.segment.bytes"]!,
    "segment.ms": brokerConfig["log.roll.ms"]!,
    "flush.messages": brokerConfig["log.flush.interval.messages"]!,
    "flush.ms": brokerConfig["log.flush.interval.ms"]!,
  };
  return resolveConfig(topicConfig, fromBroker, spec.config);
}

/** A topic's partitions appended to the cluster's list (a pid is its place there), and the topic registered. */
function appendTopic(partitions: PartitionRef[], topics: Map<string, TopicRef>, name: string, count: number, internal: boolean, config: Record<string, ConfigValue>): TopicRef {
  const ref: TopicRef = { name, pids: [], internal, config };
  for (let p = 0; p < count; p++) {
    const pid = partitions.length;
    partitions.push({ pid, topic: name, partition: p, name: `${name}-${p}`, internal, store: new BatchStore(), topicRef: ref });
    ref.pids.push(pid);
  }
  topics.set(name, ref);
  return ref;
}
