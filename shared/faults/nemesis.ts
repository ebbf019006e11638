/**
 * Faults, shaped like Jepsen's nemesis: each kind knows how to start and how
 * to heal, targets are named specs resolved when the fault starts (a node id,
 * `leader:TOPIC/PARTITION`, `controller`, or `one`/`minority`/`majority`/`all`
 * of the brokers, picked with the nemesis's own seeded stream), and faults
 * compose: two overlapping cuts of one link heal independently.
 */
import type { Cluster } from "../engine/context";
import { brokerName, entityRng } from "../engine/context";
import type { FaultSpec } from "../scenario/schema";
import type { Producer } from "../kafka/producer";
import type { Consumer } from "../kafka/consumer";
import type { Sink } from "../pipeline/sink";
import type { Rng } from "../kernel/rng";
import { formatDuration } from "../scenario/duration";

export interface ActiveFault {
  readonly id: number;
  readonly spec: FaultSpec;
  readonly atMs: number;
  /** The resolved targets, e.g. ["broker-2"]. */
  readonly targets: string[];
  healedAtMs: number | null;
  heal: () => void;
}

export class FaultError extends Error {}

export class Nemesis {
  private readonly rng: Rng;
  private nextId = 1;
  readonly history: ActiveFault[] = [];
  /** Active lifecycle faults per node (see lifecycle()). */
  private readonly holds = new Map<string, { down: number; paused: number }>();

  constructor(
    private readonly cluster: Cluster,
    private readonly producers: Map<string, Producer>,
    private readonly consumers: Map<string, Consumer>,
    /** Sinks are fault targets too (an outage), though not network nodes. */
    private readonly sinks: ReadonlyMap<string, Sink> = new Map(),
  ) {
    this.rng = entityRng(cluster, "nemesis");
  }

  /** Every node on the network, by name. */
  nodeNames(): string[] {
    return [...this.cluster.controller.voterNames(), ...this.cluster.brokers.slice(1).map((b) => b.name), ...this.producers.keys(), ...this.consumers.keys()];
  }

  active(): ActiveFault[] {
    return this.history.filter((f) => f.healedAtMs === null);
  }

  /** Start a fault now; schedule its heal when it has a duration. */
  inject(spec: FaultSpec): ActiveFault {
    const { sim, events } = this.cluster;
    // resolving `one`, `minority` or `majority` draws from the stream: a fault refused after that must not have drawn
    const drawn = this.rng.save();
    let start: ReturnType<Nemesis["starter"]>;
    try {
      start = this.starter(spec);
    } catch (error) {
      this.rng.restore(drawn);
      throw error;
    }
    const fault: ActiveFault = { id: this.nextId++, spec, atMs: sim.now, targets: start.targets, healedAtMs: null, heal: () => {} };
    const healAction = start.run();
    fault.heal = () => {
      if (fault.healedAtMs !== null) return;
      fault.healedAtMs = sim.now;
      healAction();
      events.emit(sim.now, "heal", `healed: ${describe(spec, fault.targets)}`);
    };
    // a restart is over once the node is back: nothing stays broken, so nothing is left to heal
    if (spec.kind === "restart") fault.healedAtMs = sim.now;
    this.history.push(fault);
    events.emit(sim.now, "fault", `fault: ${describe(spec, fault.targets)}${spec.duration !== undefined ? ` for ${formatDuration(spec.duration)}` : ""}`);
    if (spec.duration !== undefined) sim.schedule(spec.duration, fault.heal);
    return fault;
  }

  heal(id: number): boolean {
    const fault = this.history.find((f) => f.id === id && f.healedAtMs === null);
    fault?.heal();
    return fault !== undefined;
  }

  healAll(): void {
    for (const fault of this.active()) fault.heal();
  }

  /** Resolve a target spec to node names, now. */
  resolve(target: string): string[] {
    const { brokers, controller, partitions, topics } = this.cluster;
    const brokerNames = brokers.slice(1).map((b) => b.name);
    if (target === "all") return brokerNames;
    if (target === "controller") return [controller.name];
    if (target === "one" || target === "minority" || target === "majority") {
      const n = brokerNames.length;
      const size = target === "one" ? 1 : target === "minority" ? Math.floor((n - 1) / 2) : Math.floor(n / 2) + 1;
      if (size === 0) throw new FaultError(`target "minority": with ${n} broker${n === 1 ? "" : "s"} a minority (fewer than half) is no broker at all; name a broker or use "one"`);
      const pool = [...brokerNames];
      const picked: string[] = [];
      while (picked.length < size && pool.length > 0) picked.push(pool.splice(this.rng.int(pool.length), 1)[0]!);
      return picked.sort();
    }
    const leaderMatch = /^leader:(.+)\/(\d+)$/.exec(target);
    if (leaderMatch) {
      const topic = topics.get(leaderMatch[1]!);
      const pid = topic?.pids[Number(leaderMatch[2])];
      if (pid === undefined) throw new FaultError(`target "${target}": no such partition`);
      const leader = controller.partitions[pid]!.leader;
      if (leader < 0) throw new FaultError(`target "${target}": ${partitions[pid]!.name} has no leader right now`);
      return [brokerName(leader)];
    }
    if (!this.nodeNames().includes(target) && !this.sinks.has(target)) throw new FaultError(`target "${target}" names no node (nodes: ${[...this.nodeNames(), ...this.sinks.keys()].join(", ")})`);
    return [target];
  }

  private starter(spec: FaultSpec): { targets: string[]; run: () => () => void } {
    const net = this.cluster.net;
    const everyone = this.nodeNames();
    const links = (pairs: [string, string][], apply: (a: string, b: string) => void, undo: (a: string, b: string) => void) => ({
      run: () => {
        for (const [a, b] of pairs) apply(a, b);
        return () => {
          for (const [a, b] of pairs) undo(a, b);
        };
      },
    });
    const between = (from: string[], to: string[], oneWay: boolean): [string, string][] => {
      const pairs: [string, string][] = [];
      for (const a of from) for (const b of to) if (a !== b) {
        pairs.push([a, b]);
        if (!oneWay) pairs.push([b, a]);
      }
      return pairs;
    };
    switch (spec.kind) {
      case "crash":
      case "shutdown":
      case "pause":
      case "restart":
      case "power-loss":
      case "disk-full": {
        const targets = this.resolve(spec.target);
        return { targets, run: () => this.lifecycle(spec.kind, targets) };
      }
      case "slow-disk": {
        const targets = this.resolve(spec.target);
        const slowed = targets.map((name) => {
          const broker = this.cluster.brokers.find((b) => b?.name === name);
          if (!broker) throw new FaultError(`a slow-disk slows a broker's log disk; "${name}" is not a broker (brokers: ${this.cluster.brokers.slice(1).map((b) => b.name).join(", ")})`);
          if (spec.diskMBps >= broker.pageCache.diskMBps) throw new FaultError(`a slow-disk of ${spec.diskMBps} MB/s would not slow ${name}'s ${broker.pageCache.diskMBps} MB/s disk: give diskMBps below it`);
          return broker;
        });
        return {
          targets,
          run: () => {
            for (const broker of slowed) broker.slowDisk(spec.diskMBps);
            return () => {
              for (const broker of slowed) broker.slowDiskHealed(spec.diskMBps);
            };
          },
        };
      }
      case "load-spike":
      case "hot-key": {
        const targets = this.resolve(spec.target);
        const producers = targets.map((name) => {
          const producer = this.producers.get(name);
          if (!producer) throw new FaultError(`a ${spec.kind} changes what a producer sends; "${name}" is not a producer (producers: ${[...this.producers.keys()].join(", ") || "none"})`);
          return producer;
        });
        const { events, sim } = this.cluster;
        if (spec.kind === "load-spike") {
          return {
            targets,
            run: () => {
              for (const producer of producers) {
                producer.spike(spec.factor);
                events.emit(sim.now, "fault", `${producer.name}: its rate ${spec.factor >= 1 ? "rises" : "falls"} ${formatFactor(spec.factor)}, to ${Math.round(producer.currentRate()).toLocaleString("en-US")} records a second`);
              }
              return () => {
                for (const producer of producers) producer.spikeHealed(spec.factor);
              };
            },
          };
        }
        return {
          targets,
          run: () => {
            for (const producer of producers) {
              const partition = producer.hotKey(spec.key, spec.share);
              const topic = producer.spec.topic;
              const pid = partition >= 0 ? this.cluster.topics.get(topic)!.pids[partition]! : -1;
              const leader = pid >= 0 ? this.cluster.controller.partitions[pid]!.leader : -1;
              events.emit(
                sim.now,
                "fault",
                partition < 0
                  ? `${producer.name}: ${Math.round(spec.share * 100)}% of its records carry key ${spec.key}, but partitioner.ignore.keys is set: the sticky partitioner spreads them like any record`
                  : `${producer.name}: ${Math.round(spec.share * 100)}% of its records now carry key ${spec.key}, which murmur2 sends to ${topic}-${partition}${leader > 0 ? ` (leader broker-${leader})` : ""}: one partition, one leader and one consumer take that share`,
              );
            }
            return () => {
              for (const producer of producers) producer.hotKeyHealed(spec.key, spec.share);
            };
          },
        };
      }
      case "stall": {
        const targets = this.resolve(spec.target);
        const members = targets.map((name) => {
          const consumer = this.consumers.get(name);
          if (!consumer) throw new FaultError(`a stall blocks a consumer's application thread; "${name}" is not a consumer (consumers: ${[...this.consumers.keys()].join(", ") || "none"})`);
          return consumer;
        });
        return {
          targets,
          run: () => {
            const releases = members.map((consumer) => consumer.block(false));
            return () => {
              for (const release of releases) release();
            };
          },
        };
      }
      case "isolate": {
        const targets = this.networked(this.resolve(spec.target));
        const others = everyone.filter((n) => !targets.includes(n));
        return { targets, ...links(between(targets, others, false), (a, b) => net.cut(a, b), (a, b) => net.uncut(a, b)) };
      }
      case "partition": {
        const groups = spec.groups.map((g) => [...new Set(g.flatMap((t) => this.networked(this.resolve(t))))]);
        // the loader refuses a node named on two sides; leader:…, one, minority and majority resolve only now
        for (let i = 0; i < groups.length; i++) {
          for (let j = i + 1; j < groups.length; j++) {
            const both = groups[i]!.find((n) => groups[j]!.includes(n));
            if (both) throw new FaultError(`network partition: ${both} would be on both sides (groups ${i + 1} and ${j + 1}: ${spec.groups[i]!.join(", ")} | ${spec.groups[j]!.join(", ")}); a node can be on one side only`);
          }
        }
        const pairs: [string, string][] = [];
        for (let i = 0; i < groups.length; i++) for (let j = i + 1; j < groups.length; j++) pairs.push(...between(groups[i]!, groups[j]!, false));
        return { targets: groups.map((g) => `{${g.join(",")}}`), ...links(pairs, (a, b) => net.cut(a, b), (a, b) => net.uncut(a, b)) };
      }
      case "cut":
      case "slow-link":
      case "lossy-link": {
        const from = this.networked(this.resolve(spec.from));
        const to = this.networked(this.resolve(spec.to));
        const pairs = between(from, to, spec.oneWay);
        if (pairs.length === 0) throw new FaultError(`${spec.kind} from ${spec.from} to ${spec.to}: both name ${from.join(",")}, and a link joins two different nodes`);
        const targets = [`${from.join(",")}${spec.oneWay ? "→" : "↔"}${to.join(",")}`];
        if (spec.kind === "cut") return { targets, ...links(pairs, (a, b) => net.cut(a, b), (a, b) => net.uncut(a, b)) };
        if (spec.kind === "slow-link") return { targets, ...links(pairs, (a, b) => net.slow(a, b, spec.extraLatencyMs), (a, b) => net.unslow(a, b, spec.extraLatencyMs)) };
        return { targets, ...links(pairs, (a, b) => net.makeLossy(a, b, spec.lossRate), (a, b) => net.unmakeLossy(a, b, spec.lossRate)) };
      }
    }
  }

  /** Network faults need nodes with links: a sink has none (its outage is a crash or pause of it). */
  private networked(targets: string[]): string[] {
    const sink = targets.find((t) => this.sinks.has(t));
    if (sink) throw new FaultError(`${sink} is a sink, not a node on the network: crash or pause it for an outage`);
    return targets;
  }

  /**
   * Lifecycle faults hold a node: it stays down while any crash, shutdown or
   * power loss on it is active, and frozen while any pause is (and none of
   * those). Overlapping faults on one node therefore end when the last one
   * heals, never when the first does.
   */
  private lifecycle(kind: "crash" | "shutdown" | "pause" | "restart" | "power-loss" | "disk-full", targets: string[]): () => void {
    const nodes = targets.map((name) => this.lifecycleNode(name, kind));
    // check every target before touching any, so a refused fault changes nothing
    if (kind === "restart") {
      for (const node of nodes) {
        const held = this.holds.get(node.name);
        if (held && (held.down > 0 || held.paused > 0)) {
          throw new FaultError(`${node.name} is ${held.down > 0 ? "down" : "paused"} by an active fault: heal that fault to bring it back, then restart it`);
        }
      }
      for (const node of nodes) node.restart();
      return () => {};
    }
    // a sink's pause is an outage like its crash
    const holdsDown = (node: LifecycleNode) => kind !== "pause" || node.pauseIsOutage === true;
    for (const node of nodes) {
      const held = this.holdOf(node.name);
      if (holdsDown(node)) {
        node.stop(kind === "pause" ? "crash" : kind);
        held.down++;
      } else {
        if (held.down === 0 && held.paused === 0) node.pause();
        held.paused++;
      }
    }
    return () => {
      for (const node of nodes) {
        const held = this.holdOf(node.name);
        if (holdsDown(node)) {
          held.down--;
          if (held.down > 0) continue;
          node.start();
          if (held.paused > 0) node.pause();
        } else {
          held.paused--;
          if (held.paused === 0 && held.down === 0) node.resume();
        }
      }
    };
  }

  private holdOf(name: string): { down: number; paused: number } {
    let held = this.holds.get(name);
    if (!held) this.holds.set(name, (held = { down: 0, paused: 0 }));
    return held;
  }

  /** What each lifecycle fault does to the node called `name`. */
  private lifecycleNode(name: string, kind: FaultSpec["kind"]): LifecycleNode {
    const { brokers, controller, events, sim } = this.cluster;
    const broker = brokers.find((b) => b?.name === name);
    if (broker) {
      return {
        name,
        stop: (how) => (how === "crash" ? broker.crash() : how === "shutdown" ? broker.shutdown() : how === "disk-full" ? broker.diskFull() : broker.powerLoss()),
        start: () => broker.restart(),
        restart: () => broker.shutdown(() => broker.restart()),
        pause: () => broker.pause(),
        resume: () => broker.resume(),
      };
    }
    if (kind === "disk-full") throw new FaultError(`a disk-full fills a broker's log disk; "${name}" is not a broker (brokers: ${brokers.slice(1).map((b) => b.name).join(", ")})`);
    if (controller.voterNames().includes(name)) {
      return {
        name,
        stop: (how) => (how === "shutdown" ? controller.shutdown(name) : controller.crash(name)),
        start: () => controller.restart(name),
        restart: () => {
          controller.shutdown(name);
          controller.restart(name);
        },
        pause: () => controller.pause(name),
        resume: () => controller.resume(name),
      };
    }
    const sink = this.sinks.get(name);
    if (sink) {
      // an outage: a crash or a pause alike, the sink takes no writes until it is back
      if (kind === "restart") throw new FaultError(`${name} is a sink: it has no process to restart (crash or pause it for an outage)`);
      const takeDown = () => {
        if (!sink.up) return;
        sink.takeDown();
        events.emit(sim.now, "fault", `${name} is down: writes from ${sink.settings.from} wait until it is back, and its members' poll loops wait with them (max.poll.interval.ms applies)`);
      };
      const bringBack = () => {
        const blocked = sink.blocked;
        sink.bringBack();
        events.emit(sim.now, "heal", `${name} is back: ${blocked} blocked write(s) go through, then the backlog of records in Kafka drains at the sink's pace`);
      };
      return { name, pauseIsOutage: true, stop: takeDown, start: bringBack, restart: () => {}, pause: takeDown, resume: bringBack };
    }
    const consumer = this.consumers.get(name);
    const producer = this.producers.get(name);
    const client = producer ?? consumer;
    if (!client) throw new FaultError(`target "${name}" names no node`);
    let release: (() => void) | null = null;
    // a consumer shut down cleanly leaves its group at once (KafkaConsumer.close()); a crash is noticed after session.timeout.ms
    const close = () => (consumer ? consumer.close() : client.crash());
    return {
      name,
      stop: (how) => (how === "shutdown" ? close() : client.crash()),
      start: () => client.restart(),
      restart: () => {
        close();
        client.restart();
      },
      // a client's pause freezes its whole process (a long GC): a consumer's heartbeats stop too
      pause: () => {
        if (consumer) release = consumer.block(true);
        else producer?.pause();
      },
      resume: () => {
        if (consumer) {
          release?.();
          release = null;
        } else producer?.resume();
      },
    };
  }
}

/** A node as lifecycle faults see it. */
interface LifecycleNode {
  readonly name: string;
  /** A pause takes it down like a crash (a sink: either is an outage). */
  readonly pauseIsOutage?: boolean;
  /** Crash, clean shutdown, power loss, or (a broker) a full log disk. */
  stop(how: "crash" | "shutdown" | "power-loss" | "disk-full"): void;
  /** Back after the last fault holding it down healed. */
  start(): void;
  /** A clean restart of a running node. */
  restart(): void;
  pause(): void;
  resume(): void;
}

export function describe(spec: FaultSpec, targets: string[]): string {
  const what: Record<FaultSpec["kind"], string> = {
    crash: "crash (process killed)",
    shutdown: "clean shutdown",
    pause: "pause (process frozen, e.g. a long GC)",
    stall: "stall (application thread blocked; heartbeats go on)",
    restart: "clean restart",
    "power-loss": "power loss (unflushed page cache lost)",
    "disk-full": "full log disk (the broker halts)",
    "slow-disk": "slow log disk",
    "load-spike": "load spike",
    "hot-key": "hot key",
    isolate: "network isolation",
    partition: "network partition",
    cut: "link cut",
    "slow-link": "slow link",
    "lossy-link": "lossy link",
  };
  const kind =
    spec.kind === "slow-disk"
      ? `${what[spec.kind]} (${spec.diskMBps} MB/s)`
      : spec.kind === "load-spike"
        ? `${what[spec.kind]} (${formatFactor(spec.factor)})`
        : spec.kind === "hot-key"
          ? `${what[spec.kind]} (${spec.key}, ${Math.round(spec.share * 100)}% of records)`
          : what[spec.kind];
  return `${kind} of ${targets.join(" | ")}`;
}

function formatFactor(factor: number): string {
  return `×${Number(factor.toPrecision(3))}`;
}
