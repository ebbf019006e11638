/**
 * Kafka's guarantees under overlapping faults (a Jepsen-style nemesis): any
 * number of faults at once, on brokers, the controller, the producer and the
 * consumers, process faults and network faults mixed.
 *
 * With acks=all, min.insync.replicas=2, replication factor 3, clean leader
 * elections, Kafka promises:
 * - no acknowledged message is lost (a process crash keeps the page cache;
 *   power loss, which does not, comes only in runs that fsync every append);
 * - each producer's order kept per partition, by the idempotent producer or
 *   by one request in flight per connection without it;
 * - and with the idempotent producer, no duplicates in the log (without it,
 *   a retry of a request whose answer was lost writes its records again);
 * and a consumer group that commits only what it has processed (auto-commit
 * from poll(), or by hand after each poll) reads at least once: every message below the group's
 * committed offset was delivered to that group. The last one is checked at
 * every step, not just at the end, with the replication invariants of
 * test/support/replica-invariants.ts.
 *
 * And the cluster comes back: a minute after the last fault heals, every
 * partition has a leader and its whole ISR, the producer's records are
 * acknowledged as fast as they come, and the groups have caught up.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { streamKey } from "../../shared/metrics/checker";
import { RangeSet } from "../../shared/metrics/ranges";
import { smallScenario, TOPIC } from "../support/engine-scenarios";
import { describeSchedule, type FaultInput } from "../support/fault-schedules";
import { InvariantChecker } from "../support/replica-invariants";

const DURATION_MS = 40_000;
/** Every fault has healed this long before the end, so the cluster can settle. */
const QUIET_TAIL_MS = 12_000;
const STEP_MS = 250;
const PARTITIONS = 3;
const RATE = 1500;

const BROKERS = ["broker-1", "broker-2", "broker-3"];
/** Group g's two consumers, and the one consumer of group h. */
const CONSUMERS = ["g-0", "g-1", "h-0"];

/**
 * What varies besides the faults: one KRaft controller or a quorum of three, the group's assignor,
 * and whether every append is fsynced (flush.messages = 1): then power loss joins the faults, and
 * loses nothing acknowledged either.
 */
interface Shape {
  controllers: 1 | 3;
  assignor: "range" | "roundrobin" | "cooperative-sticky";
  fsync: boolean;
  /** The idempotent producer (Kafka's default), or none with max.in.flight.requests.per.connection = 1. */
  idempotent: boolean;
  /** Retention deletes segments all along (retention.ms 4 s): a consumer that falls behind skips what went. */
  retention: boolean;
  /** The group writes what it processes to a database sink "s", which goes down (crash) or stalls (pause) among the faults. */
  sink: boolean;
}
const shape: fc.Arbitrary<Shape> = fc.record({
  controllers: fc.constantFrom(1 as const, 3 as const),
  assignor: fc.constantFrom("range" as const, "roundrobin" as const, "cooperative-sticky" as const),
  fsync: fc.boolean(),
  idempotent: fc.boolean(),
  retention: fc.boolean(),
  sink: fc.boolean(),
});

type FaultKind = Omit<FaultInput, "at" | "duration">;

/** One fault on the nodes of `s`, in the scenario-file form; `at` and `duration` come from the schedule. */
function fault(s: Shape): fc.Arbitrary<FaultKind> {
  const controllers = s.controllers === 1 ? ["controller"] : ["controller-1", "controller-2", "controller-3"];
  const nodes = [...BROKERS, ...controllers, "p", ...CONSUMERS];
  const server = fc.constantFrom(...BROKERS, ...controllers, "leader:events/0", "leader:events/1", "controller", "one");
  const anyNode = fc.constantFrom(...nodes);
  const twoNodes = fc.tuple(anyNode, anyNode).filter(([a, b]) => a !== b);
  // with every append fsynced, power loss comes often (one fault in four), on one broker or on all
  const powerLoss = fc.record({ kind: fc.constant("power-loss" as const), target: fc.constantFrom(...BROKERS, "leader:events/0", "all") });
  const sinkDown = fc.record({ kind: fc.constantFrom("crash" as const, "pause" as const), target: fc.constant("s") });
  return fc.oneof(
    ...(s.fsync ? [{ arbitrary: powerLoss, weight: 3 }] : []),
    ...(s.sink ? [{ arbitrary: sinkDown, weight: 2 }] : []),
    fc.record({ kind: fc.constantFrom("crash" as const, "shutdown" as const, "pause" as const), target: server }),
    fc.record({ kind: fc.constant("restart" as const), target: fc.constantFrom(...BROKERS, ...controllers) }),
    fc.record({ kind: fc.constantFrom("crash" as const, "stall" as const), target: fc.constantFrom(...CONSUMERS) }),
    fc.record({ kind: fc.constant("disk-full" as const), target: fc.constantFrom(...BROKERS) }),
    fc.record({ kind: fc.constant("slow-disk" as const), target: fc.constantFrom(...BROKERS), diskMBps: fc.constantFrom(0.05, 0.2, 1) }),
    fc.record({ kind: fc.constant("isolate" as const), target: anyNode }),
    // a split of every node into two sides (each node's side drawn at random)
    fc.array(fc.boolean(), { minLength: nodes.length, maxLength: nodes.length }).filter((sides) => sides.some((x) => x) && sides.some((x) => !x)).map((sides) => ({
      kind: "partition" as const,
      groups: [nodes.filter((_, i) => sides[i]), nodes.filter((_, i) => !sides[i])],
    })),
    twoNodes.chain(([from, to]) => fc.record({ kind: fc.constant("cut" as const), from: fc.constant(from), to: fc.constant(to), oneWay: fc.boolean() })),
    twoNodes.chain(([from, to]) => fc.record({ kind: fc.constant("slow-link" as const), from: fc.constant(from), to: fc.constant(to), oneWay: fc.boolean(), extraLatencyMs: fc.constantFrom(20, 300, 3000) })),
    twoNodes.chain(([from, to]) => fc.record({ kind: fc.constant("lossy-link" as const), from: fc.constant(from), to: fc.constant(to), oneWay: fc.boolean(), lossRate: fc.constantFrom(0.1, 0.5, 1) })),
  );
}

/** A shape and one to six faults on it, overlapping or not, each starting after 1 s and healed by `healedByMs`. */
function trial(healedByMs: number): fc.Arbitrary<{ shape: Shape; faults: FaultInput[] }> {
  const when = fc.record({ at: fc.integer({ min: 1000, max: healedByMs - 500 }), duration: fc.integer({ min: 200, max: 15_000 }) });
  return shape.chain((s) =>
    fc.array(fc.tuple(fault(s), when), { minLength: 1, maxLength: 6 }).map((faults) => ({
      shape: s,
      faults: faults.map(([f, w]) => {
        // odd fractions keep faults off the instants where periodic timers fire
        const at = w.at + 0.37;
        const duration = Math.min(w.duration, healedByMs - at);
        return (f.kind === "restart" ? { ...f, at } : { ...f, at, duration }) as FaultInput;
      }),
    })),
  );
}

/** The busy little pipeline both properties break. */
function pipeline(s: Shape, faults: FaultInput[], seed: number, durationMs: number): Engine {
  return new Engine(
    smallScenario({
      seed,
      durationMs,
      controllers: s.controllers,
      rate: RATE,
      poisson: true,
      partitions: PARTITIONS,
      // a datacenter SSD's fsync when every append is fsynced
      hardware: { dirtyLimitMB: 2, ...(s.fsync ? { fsyncMs: 0.1 } : {}) },
      topicConfig: { ...(s.fsync ? { "flush.messages": 1 } : {}), ...(s.retention ? { "retention.ms": 4000, "segment.ms": 1000 } : {}) },
      brokerConfig: { "min.insync.replicas": 2, "unclean.leader.election.enable": false, "replica.lag.time.max.ms": 4000, ...(s.retention ? { "log.retention.check.interval.ms": 1000 } : {}) },
      producerConfig: { acks: "all", "request.timeout.ms": 2000, ...(s.idempotent ? { "enable.idempotence": true } : { "enable.idempotence": false, "max.in.flight.requests.per.connection": 1 }) },
      // 0.4 ms a record: a poll of many records takes a while, so there are records fetched and not yet
      // processed for a commit of the fetch position (the at-most-once mistake) to be caught on
      consumerGroups: [
        {
          id: "g",
          topics: [TOPIC],
          consumers: 2,
          processingMsPerRecord: 0.4,
          // a JoinGroup waits up to max.poll.interval.ms + 5 s for its answer: one sent to a coordinator that
          // died while the link was cut (its reset lost) waits that long, as in Kafka; 20 s keeps it in the minute
          config: { "auto.offset.reset": "earliest", "session.timeout.ms": 6000, "auto.commit.interval.ms": 1000, "max.poll.interval.ms": 20_000, "partition.assignment.strategy": s.assignor },
        },
        // a second group on the same topic that commits by hand after each poll (enable.auto.commit = false)
        { id: "h", topics: [TOPIC], consumers: 1, processingMsPerRecord: 0.1, config: { "auto.offset.reset": "earliest", "session.timeout.ms": 6000, "max.poll.interval.ms": 20_000, "enable.auto.commit": false } },
      ],
      sinks: s.sink ? [{ id: "s", kind: "database", from: "g" }] : [],
      faults,
    }),
  );
}

/**
 * Messages below a group's committed offset that the group never processed: for each partition,
 * the committed offset mapped through the log (the leader's: with clean elections, what was below
 * a high watermark is in every later leader's log) to each producer's sequence numbers, against the checker's deliveries.
 */
function committedUndelivered(engine: Engine): string[] {
  const { cluster, coordinator, stats } = engine;
  const problems: string[] = [];
  for (const group of coordinator.all()) {
    const reader = cluster.instruments.reader(group.id);
    for (const [pid, committed] of group.committed) {
      const ref = cluster.partitions[pid]!;
      if (ref.internal) continue;
      const leader = cluster.controller.partitions[pid]!.leader;
      if (leader < 0 || !cluster.brokers[leader]!.hostUp) continue;
      const replica = cluster.brokers[leader]!.replica(pid);
      const log = replica.log;
      // (a new leader may not know the high watermark its predecessor reached yet; its log does hold it)
      if (committed > log.logEndOffset) {
        problems.push(`${group.id} committed ${committed} on ${ref.name}, past its leader's log end ${log.logEndOffset}`);
        continue;
      }
      let unprocessed = 0;
      let first = -1;
      // retention may have deleted a message before the group read it (on this leader, or on an earlier one
      // whose log start was further on): Kafka's consumer skips those (the report's expiredUnread)
      for (let i = log.indexOf(log.logStartOffset); i < log.length; i++) {
        const base = Math.max(log.baseOffsetAt(i), log.logStartOffset);
        if (base >= committed) break;
        const batch = log.batchAt(i);
        const count = Math.min(log.endOffsetAt(i), committed) - base;
        const seq = ref.store.baseSeqOf(batch) + (base - log.baseOffsetAt(i));
        const stream = stats.checker.stream(streamKey(cluster.producerNames[ref.store.producerOf(batch)]!, ref.topic, ref.partition));
        const delivered = stream.delivered[reader];
        if (delivered && delivered.coveredIn(seq, seq + count) === count) continue;
        const missing = new RangeSet();
        missing.add(seq, seq + count);
        const notDelivered = new RangeSet();
        for (const run of delivered ? missing.minusRuns(delivered) : missing.runs()) notDelivered.add(run.start, run.end);
        const skipped = notDelivered.minus(stream.expired);
        if (skipped > 0 && first < 0) first = base;
        unprocessed += skipped;
      }
      if (unprocessed > 0) problems.push(`${group.id} committed ${committed} on ${ref.name}, but never processed ${unprocessed} messages below it (the first in the batch at offset ${first})`);
    }
  }
  return problems;
}

describe("overlapping faults on every kind of node", () => {
  it("lose nothing acknowledged, duplicate and reorder nothing in the log, and a group's commits cover only what it processed", () => {
    fc.assert(
      fc.property(trial(DURATION_MS - QUIET_TAIL_MS), fc.integer({ min: 1, max: 1000 }), ({ shape: s, faults }, seed) => {
        const context = `${JSON.stringify(s)}; schedule: ${describeSchedule(faults)}; seed ${seed}`;
        const engine = pipeline(s, faults, seed, DURATION_MS);
        const replicas = new InvariantChecker(engine);
        for (let t = STEP_MS; t <= DURATION_MS; t += STEP_MS) {
          engine.runUntil(t);
          const problems = committedUndelivered(engine);
          expect(problems, `t=${t}; ${context}`).toEqual([]);
          replicas.step();
          replicas.agreement();
          expect(replicas.violations, context).toEqual([]);
        }
        const report = engine.report();
        expect(report.cluster.uncleanLeaderElections, context).toBe(0);
        expect(report.delivery.ackedLost, `${context}; lost ${JSON.stringify(report.delivery.lostExamples)}`).toBe(0);
        if (s.idempotent) expect(report.delivery.duplicatesInLog, context).toBe(0);
        expect(report.delivery.outOfOrder, context).toBe(0);
        expect(report.produced.acked, context).toBeGreaterThan(0);
        // the groups did commit something, so the at-least-once check looked at something
        for (const id of ["g", "h"]) expect([...engine.coordinator.group(id).committed.values()].some((offset) => offset > 0), `${id}; ${context}`).toBe(true);
      }),
      { numRuns: 12, seed: 20261208, endOnFailure: true },
    );
  });

  it("recover once every fault has healed: each partition led with its whole ISR, the producer acknowledged, the groups caught up", () => {
    // Kafka's slowest way back is a client waiting out a 30 s timeout (request.timeout.ms of a consumer,
    // replica.socket.timeout.ms of a follower, socket.connection.setup.timeout.max.ms), so a minute is enough
    const healedBy = 40_000;
    const end = 100_000;
    fc.assert(
      fc.property(trial(healedBy), fc.integer({ min: 1, max: 1000 }), ({ shape: s, faults }, seed) => {
        const context = `${JSON.stringify(s)}; schedule: ${describeSchedule(faults)}; seed ${seed}`;
        const engine = pipeline(s, faults, seed, end);
        engine.runUntil(end - 8000);
        const ackedBefore = engine.stats.checker.result().produced.acked;
        engine.runUntil(end);
        const report = engine.report();
        const partitions = report.cluster.partitions.filter((p) => p.topic === TOPIC);
        expect(partitions.map((p) => `${p.partition}: leader ${p.leader > 0 ? "yes" : "none"}, ISR ${p.isr.length}`), context).toEqual(partitions.map((p) => `${p.partition}: leader yes, ISR 3`));
        // the last 8 s were acknowledged at (nearly) the rate produced
        expect(report.produced.acked - ackedBefore, context).toBeGreaterThan(0.8 * 8 * RATE);
        for (const group of report.processors) expect(group.finalLagMessages, `${group.id}; ${context}`).toBeLessThan(3 * RATE);
        expect(report.delivery.ackedLost, context).toBe(0);
      }),
      { numRuns: 8, seed: 20261208, endOnFailure: true },
    );
  });
});
